"""Reprint a voucher: find it by a piece of its number, print it again marked DUPLICATA.

Each reprint is audited by the service. The voucher is rebuilt from the ledger, so
the copy says what the first print said.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.services.cash import vouchers
from mifin_tui.services.cash.vouchers import VoucherSummary
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.widgets import FieldError, TextField
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


class _SearchField(TextField):
    """Enter searches (it does not move on); Down goes to the list."""

    BINDINGS = [Binding("down", "screen.focus_list", N_("List"), show=False,
                        id="reprint.down")]

    def __init__(self) -> None:
        super().__init__(id="search", max_length=30, moves_on=False,
                         placeholder=_("part of the number, e.g. 000123 or BE-KIN"))


class ReprintScreen(MifinScreen):
    TITLE_MSGID = N_("Reprint a voucher")
    AUTO_FOCUS = "#search"
    DEBOUNCE_SECONDS = 0.3
    BINDINGS = [
        Binding("f2", "reprint", N_("Reprint"), id="reprint.print"),
        Binding("f4", "focus_search", N_("Search"), id="reprint.search"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.found: list[VoucherSummary] = []
        self.outcomes: list[str] = []
        self._timer: Timer | None = None
        self._searched: str | None = None
        self._start = ""

    def start_search(self, text: str) -> None:
        """Open with `text` searched and the list focused (from the command palette)."""
        self._start = text

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="search-row row"):
            yield Label(_("Voucher number"), markup=False)
            yield _SearchField()
        yield FieldError(id="error-search", classes="row-error")
        yield Static("", id="found-count", classes="summary", markup=False)
        yield DataTable(id="vouchers", cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)
        yield Static("", id="print-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#vouchers", DataTable)
        table.add_column(_("Voucher"), width=18)
        table.add_column(_("Date"), width=10)
        table.add_column(_("Amount"), width=16)
        table.add_column(_("Person"), width=24)
        if self._start:
            self.query_one("#search", TextField).value = self._start
        self.search_now()
        if self._start and self.found:
            self.action_focus_list()

    # --- searching ----------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.DEBOUNCE_SECONDS, self.search_now)

    @on(Input.Submitted, "#search")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.search_now()
        if self.found:
            self.action_focus_list()

    def search_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self.query_one("#search", TextField).value.strip()
        if text == self._searched:
            return
        self._searched = text
        error = self.query_one("#error-search", FieldError)
        try:
            self.found = vouchers.find(self.ctx, text)
        except MifinError as exc:
            self.found = []
            error.show(str(exc))
        else:
            error.clear()
        table = self.query_one("#vouchers", DataTable)
        table.clear()
        for v in self.found:
            table.add_row(
                Text(v.number, no_wrap=True), Text(fmt_date(v.business_date), no_wrap=True),
                Text(fmt_amount(v.amount, v.currency), justify="right", no_wrap=True),
                Text(v.party_name, no_wrap=True, overflow="ellipsis"))
        n = len(self.found)
        self.query_one("#found-count", Static).update(
            ngettext("{n} voucher, newest first. Enter or F2 reprints the one chosen.",
                     "{n} vouchers, newest first. Enter or F2 reprints the one chosen.", n)
            .format(n=n) if n else
            _("No voucher number contains \u201c{text}\u201d.").format(text=text) if text else
            _("No voucher yet."))
        self.show_detail()
        self.refresh_bindings()

    def action_focus_list(self) -> None:
        self.search_now()
        if self.found:
            self.query_one("#vouchers", DataTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", TextField).focus()

    # --- the chosen voucher -------------------------------------------------------------

    @property
    def current(self) -> VoucherSummary | None:
        table = self.query_one("#vouchers", DataTable)
        if not self.found or not 0 <= table.cursor_row < len(self.found):
            return None
        return self.found[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_reprint()

    def show_detail(self) -> None:
        v = self.current
        lines = []
        if v is not None:
            lines.append(_("{number} of {date}: {amount}, {person}: {purpose}").format(
                number=v.number, date=fmt_date(v.business_date),
                amount=fmt_amount(v.amount, v.currency), person=v.party_name or "-",
                purpose=v.purpose or "-"))
        self.query_one("#detail", Static).update("\n".join(lines))
        self.query_one("#print-result", Static).update("\n".join(self.outcomes))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reprint":
            return bool(self.found)
        return True

    def action_reprint(self) -> None:
        v = self.current
        if v is None:
            return
        try:
            doc = vouchers.reprint(self.ctx, v.number)
        except MifinError as exc:
            self.outcomes = [str(exc)]
            self.show_detail()
            return
        self.outcomes = [_("{number}: printing the DUPLICATA...").format(number=v.number)]
        self.show_detail()
        print_voucher(self.app, doc, on_done=self.printed)

    def printed(self, outcome: PrintOutcome) -> None:
        self.outcomes = [outcome.message]
        self.show_detail()
