"""The board's decisions, recorded by an administrator: the applications in committee
above the gérant's delegation limit. F2 records an approval (the reference of the board's
minutes, then the amount and instalments if the board lowered them), F4 a refusal (the
reference, then the reason). Each asks for its confirmation in a dialog."""

from __future__ import annotations

from textual.binding import Binding

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.screens.loans.text import card_lines
from mifin_tui.screens.loans.work_list import LoanListScreen
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import parse_amount
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.views import LoanLine
from mifin_tui.widgets.formatting import fmt_amount


def parse_board_approval(text: str, currency: str) -> tuple[str, int | None, int | None]:
    """"PV-12 [amount [instalments]]" -> (reference, amount, term); None: as requested."""
    parts = text.split()
    if not parts:
        raise ValidationError({"note": _("Give the reference of the board's minutes.")})
    try:
        amount = parse_amount(parts[1], currency) if len(parts) > 1 else None
        term = int(parts[2]) if len(parts) > 2 else None
    except ValueError as exc:
        raise ValidationError({"note": _("The reference, then the amount and the number of "
                                         "instalments if the board lowered them.")}) from exc
    return parts[0], amount, term


class LoanBoardScreen(LoanListScreen):
    TITLE_MSGID = N_("Board decisions")
    BINDINGS = [
        Binding("f2", "approve", N_("Approved"), id="lboard.approve"),
        Binding("f4", "reject", N_("Refused"), id="lboard.reject"),
        Binding("f5", "refresh", N_("Refresh"), id="lboard.refresh"),
    ]
    EMPTY = N_("No application above the manager's limit waits for the board.")

    def load_rows(self) -> list[LoanLine]:
        return loan_views.board_queue(self.ctx)

    def action_refresh(self) -> None:
        super().action_refresh()
        if not self.rows:
            self.query_one("#loans-count").update(_(self.EMPTY))

    def detail_lines(self, loan: LoanLine) -> list[str]:
        card = loan_views.board_card(self.ctx, loan.id)
        return card_lines(card, eligibility=True, opinions=True)

    def _dialog(self, title: str, label: str, action, done: str) -> None:
        r = self.current
        if r is None or self.app.screen is not self:
            return
        self.app.push_screen(
            NoteDialog(title.format(number=r.number),
                       [f"{r.member_name}: {fmt_amount(r.amount, r.currency)}, {r.term} x"],
                       lambda note: action(r, note) or r.number, note_label=label,
                       hint=_("F2 or Enter confirms; Escape goes back.")),
            callback=lambda ok: self._done(done, ok))

    def _done(self, message: str, ok: object) -> None:
        if ok:
            self.say(message.format(number=ok))
            self.action_refresh()

    def action_approve(self) -> None:
        def approve(r: LoanLine, note: str) -> None:
            reference, amount, term = parse_board_approval(note, r.currency)
            loan_decision.record_board_decision(self.ctx, r.id, True, reference, amount, term)

        self._dialog(_("The board approved {number}?"),
                     _("Minutes reference, then amount and instalments if lowered"),
                     approve, _("The board's approval of {number} is recorded."))

    def action_reject(self) -> None:
        def reject(r: LoanLine, note: str) -> None:
            reference, _sep, reason = note.strip().partition(" ")
            if not reference:
                raise ValidationError({"note": _("Give the reference of the board's "
                                                 "minutes.")})
            loan_decision.record_board_decision(self.ctx, r.id, False, reference, reason=reason)

        self._dialog(_("The board refused {number}?"),
                     _("Minutes reference, then the reason (required)"), reject,
                     _("The board's refusal of {number} is recorded."))
