"""What can be done to a loan from its card (the base of LoanCardScreen): every next step
of the file, offered to whoever may take it now, whatever screen created the file (the
rule: `loans.steps.next_steps`). A key shows only when its step is offered:

draft: F4 edit (the application form on this file), F6 check the eligibility again,
F7 the gérant's override (a reason), F5 submit; submitted: F6 home visit, F7 to the
committee; visited: F7 to the committee; committee: F4 a committee member's opinion, F6
the gérant's decision (his decision screen on this file); approved: F8 disburse (the
cashier's disbursement screen); serviced: F8 repayment; disbursed the same day: F7
reverse (the gérant). F3 cancels an application or an approved loan not yet paid
(reason, audited); F9 prints the contract again (DUPLICATA after the first print). Each
step that writes asks for its confirmation or its details in a dialog."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.widgets import Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.output.loans import print_contract
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog, NoteDialog
from mifin_tui.screens.common.print_jobs import run_print_jobs
from mifin_tui.screens.loans.visit import VisitDialog
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import contract_doc as loan_contract_doc
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import eligibility as loan_eligibility
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans import steps as loan_steps
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.views import LoanCard
from mifin_tui.widgets.formatting import fmt_amount

# The card's action of each step (the key is in BINDINGS).
STEP_ACTIONS: dict[str, str] = {
    loan_steps.EDIT: "edit", loan_steps.RECHECK: "recheck",
    loan_steps.OVERRIDE: "override", loan_steps.SUBMIT: "submit_file",
    loan_steps.VISIT: "visit", loan_steps.COMMITTEE: "committee",
    loan_steps.OPINION: "opinion", loan_steps.DECIDE: "decide", loan_steps.BOARD: "board",
    loan_steps.DISBURSE: "disburse", loan_steps.REPAY: "repay",
    loan_steps.CANCEL: "cancel_loan", loan_steps.REVERSE: "reverse_disbursement",
}
STEP_OF_ACTION = {action: step for step, action in STEP_ACTIONS.items()}


class LoanCardActions(FormMixin, MifinScreen):
    # One key may serve several steps: never two of them in the same state.
    BINDINGS = [
        Binding("f3", "cancel_loan", N_("Cancel loan"), id="lcard.cancel"),
        Binding("f4", "edit", N_("Edit"), id="lcard.edit"),
        Binding("f4", "opinion", N_("Opinion"), id="lcard.opinion"),
        Binding("f5", "submit_file", N_("Submit"), id="lcard.submit"),
        Binding("f6", "recheck", N_("Re-check"), id="lcard.recheck"),
        Binding("f6", "visit", N_("Visit"), id="lcard.visit"),
        Binding("f6", "decide", N_("Decide"), id="lcard.decide"),
        Binding("f6", "board", N_("Board"), id="lcard.board"),
        Binding("f7", "override", N_("Override"), id="lcard.override"),
        Binding("f7", "committee", N_("Committee"), id="lcard.committee"),
        Binding("f7", "reverse_disbursement", N_("Reverse"), id="lcard.reverse"),
        Binding("f8", "disburse", N_("Disburse"), id="lcard.disburse"),
        Binding("f8", "repay", N_("Repayment"), id="lcard.repay"),
        Binding("f9", "contract", N_("Contract"), id="lcard.contract"),
    ]
    card: LoanCard | None
    steps: tuple[str, ...] = ()

    def show(self, c: LoanCard) -> None:  # the card screen draws it
        raise NotImplementedError

    def say(self, message: str) -> None:
        """A step's outcome, at the top of the card (always in sight)."""
        self.query_one("#lcard-result", Static).update(message)

    def reload(self, message: str = "") -> None:
        if self.card is not None:
            try:
                self.show(loan_views.card(self.ctx, self.card.id))
            except MifinError as exc:
                self.show_form_error(str(exc))
        if message:
            self.say(message)

    def _run(self, service: Callable[[], object], done: str) -> None:
        """A step without details: run it, then show the card again and say so."""
        self.clear_errors()
        ok, _result = self.call_service(service)
        if ok:
            self.reload(done)

    def _note(self, title: str, label: str, action: Callable[[int, str], object],
              done: str) -> None:
        c = self.card
        if c is None or self.app.screen is not self:
            return
        amount = c.amount_approved if c.amount_approved is not None else c.amount_requested
        self.app.push_screen(
            NoteDialog(title.format(number=c.number),
                       [f"{c.member_number} {c.member_name}: "
                        f"{fmt_amount(amount, c.currency)} [{c.state_word}]"],
                       lambda note: action(c.id, note) or c.number, note_label=label,
                       hint=_("F2 or Enter confirms; Escape goes back, nothing is done.")),
            callback=lambda ok: self.reload(done.format(number=ok)) if ok else None)

    def _confirm(self, title: str, service: Callable[[int], object], done: str) -> None:
        c = self.card
        if c is None or self.app.screen is not self:
            return
        self.app.push_screen(
            ConfirmDialog(title.format(number=c.number),
                          [f"{c.member_number} {c.member_name}: "
                           f"{fmt_amount(c.amount_requested, c.currency)}, "
                           f"{c.term_requested} x [{c.state_word}]"],
                          hint=_("F2 or Enter confirms; Escape goes back, nothing is done.")),
            callback=lambda yes: self._run(lambda: service(c.id), done.format(
                number=c.number)) if yes else None)

    # --- before the committee ----------------------------------------------------------

    def action_edit(self) -> None:
        from mifin_tui.screens.loans.application import LoanApplicationScreen

        if self.card is not None:
            self.app.push_screen(LoanApplicationScreen(self.ctx, loan_id=self.card.id),
                                 callback=lambda _r: self.reload())

    def action_recheck(self) -> None:
        if self.card is None:
            return

        def recheck() -> str:
            results = loan_eligibility.check_eligibility(self.ctx, self.card.id)
            failed = sum(not r.passed for r in results)
            return (ngettext("Eligibility checked again: {n} rule failed.",
                             "Eligibility checked again: {n} rules failed.", failed)
                    .format(n=failed) if failed
                    else _("Eligibility checked again: every rule passes."))

        self.clear_errors()
        ok, message = self.call_service(recheck)
        if ok:
            self.reload(message)

    def action_override(self) -> None:
        self._note(_("Override the eligibility of {number}?"),
                   _("Reason for the override (required)"),
                   lambda loan_id, note: loan_eligibility.override_eligibility(
                       self.ctx, loan_id, note),
                   _("Eligibility of {number} overridden: the officer can submit it."))

    def action_submit_file(self) -> None:
        self._confirm(_("Submit the application {number}?"),
                      lambda loan_id: loan_applications.submit(self.ctx, loan_id),
                      _("Application {number} submitted."))

    def action_visit(self) -> None:
        c = self.card
        if c is None or self.app.screen is not self:
            return

        def record(recommendation: str, findings: str, conditions: str) -> int:
            day = loan_lifecycle.business_today(self.ctx)
            loan_applications.record_visit(self.ctx, c.id, day, self.ctx.full_name, findings,
                                           recommendation, conditions)
            return c.id

        self.app.push_screen(VisitDialog(_("Home visit"), record), callback=lambda done: (
            self.reload(_("Home visit recorded.")) if done else None))

    def action_committee(self) -> None:
        self._confirm(_("Send {number} to the credit committee?"),
                      lambda loan_id: loan_applications.send_to_committee(self.ctx, loan_id),
                      _("Application {number} sent to the credit committee."))

    # --- the committee and the decision ------------------------------------------------

    def action_opinion(self) -> None:
        from mifin_tui.screens.loans.committee import OpinionDialog

        c = self.card
        if c is None or self.app.screen is not self:
            return
        self.app.push_screen(
            OpinionDialog(self.ctx, c.id, c.number,
                          f"{c.member_name}: {fmt_amount(c.amount_requested, c.currency)}, "
                          f"{c.term_requested} x", c.amount_requested, c.currency),
            callback=lambda done: self.reload(_("Your opinion is recorded.")) if done else None)

    def action_decide(self) -> None:
        from mifin_tui.screens.loans.decisions import LoanDecisionsScreen

        if self.card is not None:
            self.app.push_screen(LoanDecisionsScreen(self.ctx, loan_id=self.card.id),
                                 callback=lambda _r: self.reload())

    def action_board(self) -> None:
        from mifin_tui.screens.loans.board import LoanBoardScreen

        self.app.push_screen(LoanBoardScreen(self.ctx), callback=lambda _r: self.reload())

    # --- the money ---------------------------------------------------------------------

    async def action_disburse(self) -> None:
        from mifin_tui.screens.loans.disburse import LoanDisburseScreen
        from mifin_tui.screens.loans.work_list import highlight

        if self.card is None:
            return
        loan_id = self.card.id
        screen = LoanDisburseScreen(self.ctx)
        await self.app.push_screen(screen, callback=lambda _r: self.reload())
        highlight(screen, loan_id)

    def action_repay(self) -> None:
        from mifin_tui.screens.loans.repayment import RepaymentScreen

        if self.card is not None:
            self.app.push_screen(RepaymentScreen(self.ctx, self.card.id),
                                 callback=lambda _r: self.reload())

    def action_cancel_loan(self) -> None:
        self._note(_("Cancel loan {number}?"), _("Reason for the cancellation (required)"),
                   lambda loan_id, note: loan_lifecycle.cancel(self.ctx, loan_id, note),
                   _("Loan {number} cancelled."))

    def action_reverse_disbursement(self) -> None:
        self._note(_("Reverse the disbursement of {number}?"),
                   _("Why was it paid in error? (required)"),
                   lambda loan_id, note: loan_disbursement.reverse_disbursement(
                       self.ctx, loan_id, note),
                   _("Disbursement of {number} reversed: the loan is approved again."))

    def action_contract(self) -> None:
        if self.card is None:
            return
        try:
            doc = loan_contract_doc.contract(self.ctx, self.card.id)
        except MifinError as exc:
            self.show_form_error(str(exc))
            return
        run_print_jobs(self.app, [lambda: print_contract(doc)], f"contract {doc.number}",
                       lambda outcome: self.say(outcome.message))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in STEP_OF_ACTION:
            return self.card is not None and STEP_OF_ACTION[action] in self.steps
        if action == "contract":
            from mifin_tui.services.loans import states as loan_states

            return self.card is not None and self.card.state in loan_states.WITH_CONTRACT
        return super().check_action(action, parameters)
