"""My cash differences (cashier): the differences of my counts on my name, what the
gérant decided, and what I still owe. F2 repays a shortage the gérant put on me: the
cash goes into my open till with a BE voucher that clears the receivable (the whole
amount, or part of it)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.cash.till_differences import difference_sentence
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.screens.common.pending_list import PendingListScreen
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.services.cash import differences
from mifin_tui.services.cash.counter import CashReceipt
from mifin_tui.services.cash.differences import DifferenceItem
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import AmountError, parse_amount
from mifin_tui.widgets import difference_word
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


class MyDifferencesScreen(PendingListScreen):
    TITLE_MSGID = N_("My cash differences")
    TABLE_ID = "my-differences"
    COUNT_ID = "my-differences-count"
    RESULT_ID = "my-differences-result"
    AUTO_FOCUS = "#my-differences"
    BINDINGS = [
        Binding("f2", "approve", N_("Repay"), id="my_differences.repay"),
        Binding("f5", "refresh", N_("Refresh"), id="my_differences.refresh"),
    ]
    COLUMNS = ((N_("Date"), 10), (N_("Till"), 6), (N_("Difference"), 15),
               (N_("State"), 9), (N_("Decision"), 14), (N_("Owed"), 13))
    pending: list[DifferenceItem]

    def load(self) -> list[DifferenceItem]:
        return differences.my_differences(self.ctx)

    def cells(self, d: DifferenceItem) -> list[Text]:
        owed = fmt_amount(d.still_owed, d.currency) if d.still_owed else ""
        return [Text(fmt_date(d.business_date), no_wrap=True), Text(d.till, no_wrap=True),
                Text(fmt_amount(d.amount, d.currency), justify="right", no_wrap=True),
                Text(difference_word(d.amount), no_wrap=True),
                Text(differences.status_label(d.status), no_wrap=True, overflow="ellipsis"),
                Text(owed, justify="right", no_wrap=True)]

    def count_text(self, n: int) -> str:
        owing = [d for d in self.pending if d.still_owed]
        if owing:
            return ngettext("You owe {n} shortage: F2 repays it at your till.",
                            "You owe {n} shortages: F2 repays them at your till.",
                            len(owing)).format(n=len(owing))
        return ngettext("{n} difference on your name.", "{n} differences on your name.",
                        n).format(n=n) if n else _("No cash difference on your name.")

    def detail_text(self, d: DifferenceItem) -> str:
        return difference_sentence(d)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "approve":
            d = self.current
            return bool(d and d.still_owed)
        return True

    def on_data_table_row_selected(self, event) -> None:  # noqa: ANN001
        event.stop()

    def action_approve(self) -> None:
        d = self.current
        if d is None or not d.still_owed or self.app.screen is not self:
            return
        owed = fmt_amount(d.still_owed, d.currency)

        def repay(text: str) -> CashReceipt:
            try:
                amount = parse_amount(text, d.currency) if text.strip() else d.still_owed
            except AmountError as exc:
                raise ValidationError({"note": str(exc)}) from None
            return differences.repay(self.ctx, d.id, amount)

        def done(receipt: CashReceipt | None) -> None:
            if receipt is None:
                return
            self.say(_("Repaid with voucher {number}. Printing the voucher...").format(
                number=receipt.voucher_number))
            self.action_refresh()
            print_voucher(self.app, receipt.doc, on_done=self.printed)

        self.app.push_screen(NoteDialog(
            _("Repay the shortage of {date}?").format(date=fmt_date(d.business_date)),
            [difference_sentence(d),
             _("The cash goes into your till with a BE voucher.")],
            repay, note_label=_("Amount brought back (empty: all {owed})").format(owed=owed),
            hint=_("F2 or Enter confirms; Escape goes back.")), callback=done)

    def printed(self, outcome: PrintOutcome) -> None:
        self.say(outcome.message)
