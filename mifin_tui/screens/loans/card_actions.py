"""What can be done to a loan from its card (the base of LoanCardScreen): F3 cancels an
application or an approved loan not yet paid (reason, audited); F7 reverses a disbursement
made in error the same business day (the reversing transactions, the gérant's right);
F9 prints the contract again, marked DUPLICATA after the first print. Each key shows only
when the loan's state and the user's rights allow it; each asks for confirmation."""

from __future__ import annotations

from textual.binding import Binding

from mifin_tui.i18n import N_, _
from mifin_tui.output.loans import print_contract
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.screens.common.print_jobs import run_print_jobs
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import contract_doc as loan_contract_doc
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans import states as loan_states
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.views import LoanCard
from mifin_tui.widgets.formatting import fmt_amount


class LoanCardActions(FormMixin, MifinScreen):
    BINDINGS = [
        Binding("f3", "cancel_loan", N_("Cancel loan"), id="lcard.cancel"),
        Binding("f7", "reverse_disbursement", N_("Reverse"), id="lcard.reverse"),
        Binding("f9", "contract", N_("Contract"), id="lcard.contract"),
    ]
    card: LoanCard | None

    def show(self, c: LoanCard) -> None:  # the card screen draws it
        raise NotImplementedError

    def _reload(self, message: str) -> None:
        if self.card is not None:
            self.show(loan_views.card(self.ctx, self.card.id))
        self.notify(message)

    def _note(self, title: str, label: str, action, done: str) -> None:
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
            callback=lambda ok: self._reload(done.format(number=ok)) if ok else None)

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
                       lambda outcome: self.notify(outcome.message))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        c = self.card
        if action == "cancel_loan":
            return (c is not None and c.state in loan_states.CANCELLABLE
                    and self.ctx.can("loan.cancel"))
        if action == "reverse_disbursement":
            return c is not None and c.state == "disbursed" and self.ctx.can("loan.reverse")
        if action == "contract":
            return c is not None and c.state in loan_states.WITH_CONTRACT
        return super().check_action(action, parameters)
