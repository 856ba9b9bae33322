"""Till differences: the counts that did not match the books, newest first, with the
cashier's explanation — what the manager reviews."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.cash import tills
from mifin_tui.services.cash.tills import DifferenceView
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.widgets import difference_word
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

MOMENTS = {"open": N_("opening"), "close": N_("closing")}


class TillDifferencesScreen(MifinScreen):
    TITLE_MSGID = N_("Till differences")
    AUTO_FOCUS = "#differences"
    BINDINGS = [Binding("f5", "refresh", N_("Refresh"), id="differences.refresh")]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.rows: list[DifferenceView] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="differences-count", classes="summary", markup=False)
        yield DataTable(id="differences", cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#differences", DataTable)
        table.add_column(_("Date"), width=10)
        table.add_column(_("Till"), width=6)
        table.add_column(_("Count"), width=10)
        table.add_column(_("Difference"), width=15)
        table.add_column(_("State"), width=9)
        table.add_column(_("Cashier"), width=12)
        self.action_refresh()

    def action_refresh(self) -> None:
        try:
            self.rows = tills.differences(self.ctx)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one("#differences", DataTable)
        table.clear()
        for d in self.rows:
            table.add_row(
                Text(fmt_date(d.business_date), no_wrap=True), Text(d.till, no_wrap=True),
                Text(_(MOMENTS.get(d.moment, d.moment)), no_wrap=True),
                Text(fmt_amount(d.difference, d.currency), justify="right", no_wrap=True),
                Text(difference_word(d.difference), no_wrap=True),
                Text(d.cashier, no_wrap=True, overflow="ellipsis"))
        n = len(self.rows)
        self.query_one("#differences-count", Static).update(
            ngettext("{n} count differed from the books (newest first).",
                     "{n} counts differed from the books (newest first).", n).format(n=n)
            if n else _("No till count has ever differed from the books."))
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        table = self.query_one("#differences", DataTable)
        detail = self.query_one("#detail", Static)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            detail.update("")
            return
        d = self.rows[table.cursor_row]
        detail.update(_("Till {till}, {moment} of {date} by {cashier}: counted {counted}, "
                        "books {book}. Note: {note}").format(
            till=d.till, moment=_(MOMENTS.get(d.moment, d.moment)),
            date=fmt_date(d.business_date), cashier=d.cashier,
            counted=fmt_amount(d.counted, d.currency), book=fmt_amount(d.book, d.currency),
            note=d.note or "-"))
