"""Cash differences: till and vault counts that did not match the books, held in
suspense on the counter's name, and what became of them.

The gérant decides each one waiting, with a reason: F2 the cashier repays it (a
receivable on him, cleared by the cash he brings back), F4 it goes to the result (a
shortage to expense, a surplus to income). F6 shows every difference or only the open
ones. Others (accountant, auditor) read the list; nobody decides one on his own name.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.screens.common.pending_list import PendingListScreen
from mifin_tui.services.cash import differences
from mifin_tui.services.cash.differences import DifferenceItem
from mifin_tui.services.kernel.context import Context
from mifin_tui.widgets import difference_word
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


def difference_sentence(d: DifferenceItem) -> str:
    """The difference in a few lines: what, who counted it and why, what became of it."""
    where = _("the vault") if d.vault else _("till {till}").format(till=d.till)
    lines = [_("{word} of {amount} at {where} on {date}, counted by {name}.").format(
        word=difference_word(d.amount), amount=fmt_amount(abs(d.amount), d.currency),
        where=where, date=fmt_date(d.business_date), name=d.cashier),
        _("Explanation: {note}").format(note=d.note or "-")]
    state = _("State: {state}.").format(state=differences.status_label(d.status))
    if d.status == differences.RECEIVABLE_STATUS:
        state += " " + _("Still owed: {amount}.").format(
            amount=fmt_amount(d.still_owed, d.currency))
    lines.append(state)
    if d.decided_by:
        lines.append(_("Decided by {name}: {reason}").format(name=d.decided_by,
                                                             reason=d.decision_note))
    return "\n".join(lines)


class TillDifferencesScreen(PendingListScreen):
    TITLE_MSGID = N_("Cash differences")
    TABLE_ID = "differences"
    COUNT_ID = "differences-count"
    RESULT_ID = "differences-result"
    AUTO_FOCUS = "#differences"
    BINDINGS = [
        Binding("f2", "approve", N_("To repay"), id="differences.repay"),
        Binding("f4", "reject", N_("Charge it"), id="differences.charge"),
        Binding("f5", "refresh", N_("Refresh"), id="differences.refresh"),
        Binding("f6", "toggle", N_("Open/all"), id="differences.toggle"),
    ]
    COLUMNS = ((N_("Date"), 10), (N_("Till"), 6), (N_("Difference"), 15),
               (N_("State"), 9), (N_("Cashier"), 12), (N_("Decision"), 12))
    pending: list[DifferenceItem]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        # The gérant starts on what waits for him; the others on the history.
        self.open_only = ctx.can("cash_difference.decide")

    def load(self) -> list[DifferenceItem]:
        return differences.branch_differences(self.ctx, open_only=self.open_only)

    def cells(self, d: DifferenceItem) -> list[Text]:
        return [Text(fmt_date(d.business_date), no_wrap=True), Text(d.till, no_wrap=True),
                Text(fmt_amount(d.amount, d.currency), justify="right", no_wrap=True),
                Text(difference_word(d.amount), no_wrap=True),
                Text(d.cashier, no_wrap=True, overflow="ellipsis"),
                Text(differences.status_label(d.status), no_wrap=True, overflow="ellipsis")]

    def count_text(self, n: int) -> str:
        if self.open_only:
            return ngettext("{n} difference is still open (F6: all).",
                            "{n} differences are still open (F6: all).", n).format(n=n) \
                if n else _("No cash difference is open (F6: all).")
        return ngettext("{n} count differed from the books (newest first).",
                        "{n} counts differed from the books (newest first).", n).format(n=n) \
            if n else _("No till count has ever differed from the books.")

    def detail_text(self, d: DifferenceItem) -> str:
        return difference_sentence(d)

    def action_toggle(self) -> None:
        self.open_only = not self.open_only
        self.action_refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "reject"):
            d = self.current
            if not self.ctx.can("cash_difference.decide") or d is None:
                return False
            if d.status != differences.PENDING:
                return None  # shown dimmed: this one is decided
            return action == "reject" or d.shortage
        return True

    # --- deciding -----------------------------------------------------------------------

    def _decide(self, decision: str) -> None:
        d = self.current
        if d is None or d.status != differences.PENDING or self.app.screen is not self:
            return
        if decision == differences.REPAY:
            title = _("The cashier repays this shortage?")
            effect = _("{amount} becomes a receivable on {name}; he repays it at a till.")
        elif d.shortage:
            title = _("Charge this shortage to expense?")
            effect = _("{amount} goes to the till shortages (expense) for the institution.")
        else:
            title = _("Take this surplus to income?")
            effect = _("{amount} goes to the till surpluses (income).")

        def decided(done: DifferenceItem | None) -> None:
            if done is None:
                return
            self.say(_("Decided: {state}.").format(state=differences.status_label(done.status)))
            self.action_refresh()

        self.app.push_screen(NoteDialog(
            title, [difference_sentence(d), effect.format(
                amount=fmt_amount(abs(d.amount), d.currency), name=d.cashier),
                _("A journal entry (OD) is posted out of the suspense account.")],
            lambda note: differences.decide(self.ctx, d.id, decision, note),
            note_label=_("Reason (required)"),
            hint=_("F2 or Enter confirms; Escape goes back.")), callback=decided)

    def action_approve(self) -> None:
        self._decide(differences.REPAY)

    def action_reject(self) -> None:
        self._decide(differences.CHARGE)

    def on_data_table_row_selected(self, event) -> None:  # noqa: ANN001
        event.stop()  # Enter decides nothing: F2 and F4 say what they do
