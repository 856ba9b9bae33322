"""The gérant's files that he can act on now (`loans.views.to_decide`): the committee's
complete rounds within his limit, and the drafts whose failed rules wait for his
override. Under the list, the whole file: eligibility with any override and its reason,
each committee opinion (who, amount, comment), the home visit, guarantees, the member's
history (previous loans, arrears) and every instalment of the schedule; Tab moves into
it, arrows, Page keys, Home and End scroll it. F2 approves (amount and instalments may
be lowered), F4 rejects with a reason, F6 puts it back to the committee, F7 overrides the
failed rules of a draft (a reason each): each key shows only on a file where its step is
possible now. Every decision asks for its confirmation in a dialog; nothing needs a
printer or a mouse (remote gérant)."""

from __future__ import annotations

from textual.binding import Binding

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.screens.loans.text import card_lines, history_lines, schedule_lines
from mifin_tui.screens.loans.work_list import LoanListScreen
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import parse_amount
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import eligibility as loan_eligibility
from mifin_tui.services.loans import steps as loan_steps
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.views import LoanLine
from mifin_tui.widgets.formatting import fmt_amount


class LoanDecisionsScreen(LoanListScreen):
    TITLE_MSGID = N_("Loans to decide")
    BINDINGS = [
        Binding("f2", "approve", N_("Approve"), id="ldec.approve"),
        Binding("f4", "reject", N_("Reject"), id="ldec.reject"),
        Binding("f6", "back_to_committee", N_("Committee"), id="ldec.back"),
        Binding("f7", "override", N_("Override"), id="ldec.override"),
        Binding("f5", "refresh", N_("Refresh"), id="ldec.refresh"),
    ]
    EMPTY = N_("No application waits for your decision.")

    STEP_OF_ACTION = {"approve": loan_steps.DECIDE, "reject": loan_steps.DECIDE,
                      "back_to_committee": loan_steps.DECIDE,
                      "override": loan_steps.OVERRIDE}

    def load_rows(self) -> list[LoanLine]:
        return loan_views.to_decide(self.ctx)

    def detail_lines(self, loan: LoanLine) -> list[str]:
        card = loan_views.card(self.ctx, loan.id)
        lines = card_lines(card, eligibility=True, opinions=True)
        lines += history_lines(loan_views.member_history(self.ctx, loan.id))
        return lines + schedule_lines(loan_views.schedule_of(self.ctx, loan.id),
                                      loan.currency)

    def _dialog(self, title: str, label: str, action, done: str) -> None:
        r = self.current
        if r is None or self.app.screen is not self:
            return
        self.app.push_screen(
            NoteDialog(title.format(number=r.number),
                       [f"{r.member_name}: {fmt_amount(r.amount, r.currency)}, "
                        f"{r.term} x"], lambda note: action(r, note) or r.number,
                       note_label=label, hint=_("F2 or Enter confirms; Escape goes back.")),
            callback=lambda ok: self._done(done, ok))

    def _done(self, message: str, ok: object) -> None:
        if ok:
            self.say(message.format(number=ok))
            self.action_refresh()

    def action_approve(self) -> None:
        def approve(r: LoanLine, note: str) -> None:
            amount = term = None
            parts = note.split()
            try:
                if parts:
                    amount = parse_amount(parts[0], r.currency)
                if len(parts) > 1:
                    term = int(parts[1])
            except ValueError as exc:
                raise ValidationError({"note": _("Type the amount, then the number of "
                                                 "instalments.")}) from exc
            loan_decision.approve(self.ctx, r.id, amount, term, " ".join(parts[2:]))

        self._dialog(_("Approve {number}?"),
                     _("Amount and instalments if lowered (empty: as requested)"), approve,
                     _("Loan {number} approved."))

    def action_reject(self) -> None:
        self._dialog(_("Reject {number}?"), _("Reason for the refusal (required)"),
                     lambda r, note: loan_decision.reject(self.ctx, r.id, note),
                     _("Loan {number} rejected."))

    def action_back_to_committee(self) -> None:
        self._dialog(_("Back to the committee: {number}?"),
                     _("What should the committee look at again? (required)"),
                     lambda r, note: loan_decision.back_to_committee(self.ctx, r.id, note),
                     _("Loan {number} is back to the committee."))

    def action_override(self) -> None:
        self._dialog(_("Override the eligibility of {number}?"),
                     _("Reason for the override (required)"),
                     lambda r, note: loan_eligibility.override_eligibility(self.ctx, r.id, note),
                     _("Eligibility of {number} overridden."))
