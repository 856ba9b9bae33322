"""The cash journal (journal de caisse): the cash vouchers of a till, or of the whole
branch, on one business day, with the opening and closing balances, the counts and
the difference. F6 prints it (A4, on the document printer, in the background)."""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Select, Static
from textual.worker import Worker, WorkerState

from mifin_tui.i18n import N_, _
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.print_jobs import print_cash_journals
from mifin_tui.services.cash import journal as cash_journal
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import institution, regulators
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import CashJournalDoc, CashJournalLine
from mifin_tui.services.kernel.errors import MifinError, NotFound, ValidationError
from mifin_tui.services.kernel.threads import release_connection
from mifin_tui.widgets import (
    DateInput,
    FieldError,
    FormSelect,
    PagedTable,
    TextField,
    difference_word,
)
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


class CashJournalScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Cash journal")
    AUTO_FOCUS = "#day"
    BINDINGS = [
        Binding("f5", "submit", N_("Show"), id="cash_journal.show"),
        Binding("f6", "print", N_("Print"), id="cash_journal.print"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        info = institution.info(ctx.branch_id)
        self.business_date: date | None = info.business_date
        try:
            self.currencies = tuple(regulators.get_profile(info.regulator).currencies)
        except ValueError:
            self.currencies = (info.currency,)
        if info.currency in self.currencies:  # the institution's own currency first
            self.currencies = (info.currency,
                               *(c for c in self.currencies if c != info.currency))
        self.own_till = ""
        if ctx.can("till.operate"):
            try:
                session = tills.my_session(ctx)
            except MifinError:
                session = None
            self.own_till = session.till_code if session else ""
        self.doc: CashJournalDoc | None = None
        self.outcomes: list[str] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="journal-form", classes="compact-form"):
            with Horizontal(classes="compact-row"):
                yield Label(_("Day"), markup=False)
                yield DateInput(self.business_date, id="day")
            with Horizontal(classes="compact-row"):
                yield Label(_("Till (empty: all)"), markup=False)
                yield TextField(self.own_till, id="till", max_length=16,
                                placeholder=_("e.g. C01; empty for the whole branch"))
            yield FieldError(id="error-till", classes="row-error")
            with Horizontal(classes="compact-row"):
                yield Label(_("Currency"), markup=False)
                yield FormSelect([(c, c) for c in self.currencies], id="currency",
                                 value=self.currencies[0], allow_blank=False,
                                 classes="submit-on-enter")
            yield FieldError(id="error-currency", classes="row-error")
            yield FieldError(id="error-form")
        yield Static("", id="journal-summary", classes="summary", markup=False)
        yield PagedTable(
            id="journal-lines",
            columns=[(N_("Voucher"), 18), (N_("Time"), 5), (N_("In"), 12), (N_("Out"), 12),
                     (N_("Balance"), 13)],
            fetch=self._page, key=lambda line: line[0], cells=self._cells)
        yield Static("", id="detail", classes="detail", markup=False)
        yield Static("", id="print-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        self.action_submit()

    # --- showing ------------------------------------------------------------------------

    def _page(self, after: int | None, limit: int) -> list[tuple[int, CashJournalLine]]:
        """The document's lines, a page at a time (the document holds the day already)."""
        if self.doc is None:
            return []
        start = 0 if after is None else after + 1
        end = min(start + limit, len(self.doc.lines))
        return [(i, self.doc.lines[i]) for i in range(start, end)]

    def _cells(self, item: tuple[int, CashJournalLine]):
        line = item[1]
        cur = self.doc.currency if self.doc else ""

        def money(minor: int) -> tuple[str, str]:
            return (fmt_amount(minor, cur, symbol=False) if minor else "", "right")

        return (line.number, line.time, money(line.amount_in), money(line.amount_out),
                (fmt_amount(line.balance, cur, symbol=False), "right"))

    def action_submit(self) -> None:
        self.clear_errors()
        day_field = self.query_one("#day", DateInput)
        day_field.check()
        day = day_field.value_date
        if day is None:
            if not day_field.error_message:
                day_field.set_error(_("Write the date as dd/mm/yyyy, e.g. 24/11/2026."))
            day_field.focus()
            return
        till = self.query_one("#till", TextField).value.strip().upper()
        currency = str(self.query_one("#currency", Select).value)
        self.doc = None
        self.outcomes = []
        self.show_doc()
        # A sentence, not a spinner: nothing repaints while it reads (slow links).
        self.query_one("#journal-summary", Static).update(
            _("Reading the cash journal, please wait..."))
        self.load(day, currency, till or None)

    @work(thread=True, exclusive=True, group="cash-journal", exit_on_error=False)
    def load(self, day: date, currency: str, till: str | None) -> CashJournalDoc:
        """A branch's busy day is thousands of entries: read them off the event loop."""
        try:
            return cash_journal.cash_journal(self.ctx, day, currency, till)
        finally:
            release_connection()  # this worker thread's own connection

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "cash-journal":
            return
        if event.state == WorkerState.SUCCESS:
            self.doc = event.worker.result
            self.show_doc()
        elif event.state == WorkerState.ERROR:
            self.doc = None
            self.show_doc()
            error = event.worker.error
            if isinstance(error, ValidationError):
                self.show_errors(error.errors)
            elif isinstance(error, NotFound):
                self.show_errors({"till": str(error)})
            elif isinstance(error, MifinError):
                self.show_form_error(str(error))
            else:
                self.show_form_error(_("The cash journal could not be read: {error}").format(
                    error=error))

    def show_doc(self) -> None:
        doc = self.doc
        summary = self.query_one("#journal-summary", Static)
        self.query_one(PagedTable).reload()
        if doc is None:
            summary.update("")
            self.show_detail()
            self.refresh_bindings()
            return
        cur = doc.currency
        money = lambda minor: fmt_amount(minor, cur)  # noqa: E731
        figure = lambda minor: fmt_amount(minor, cur, symbol=False)  # noqa: E731
        lines = [
            _("{scope}, {date}").format(scope=doc.scope, date=fmt_date(doc.business_date)),
            _("{currency}: opening {opening} + in {total_in} - out {total_out} = closing "
              "{closing}").format(
                currency=cur, opening=figure(doc.opening_balance), total_in=figure(doc.total_in),
                total_out=figure(doc.total_out), closing=figure(doc.closing_balance)),
        ]
        counted = []
        if doc.counted_opening is not None:
            counted.append(_("Counted at opening: {amount}").format(
                amount=money(doc.counted_opening)))
        if doc.counted_closing is not None:
            counted.append(_("Counted at closing: {amount}").format(
                amount=money(doc.counted_closing)))
        if doc.difference is not None:
            counted.append(_("Difference: {amount} {word}").format(
                amount=money(doc.difference), word=difference_word(doc.difference)))
        if counted:
            lines.append(_("; ").join(counted))
        elif not doc.lines:
            lines.append(_("No cash movement and no count on this day."))
        summary.update("\n".join(lines))
        self.show_detail()
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        detail = self.query_one("#detail", Static)
        item = self.query_one(PagedTable).current
        parts: list[str] = []
        if item is not None:
            line = item[1]
            parts.append(_("{number} at {time} by {user}: {label} ({account})").format(
                number=line.number, time=line.time, user=line.cashier, label=line.label,
                account=line.account or "-"))
        elif self.doc is not None and self.doc.difference_note:
            parts.append(_("Note: {note}").format(note=self.doc.difference_note))
        detail.update("\n".join(parts))
        self.query_one("#print-result", Static).update("\n".join(self.outcomes))

    # --- printing -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print":
            return self.doc is not None
        return True

    def action_print(self) -> None:
        if self.doc is None:
            return
        self.outcomes = [_("Printing the cash journal...")]
        self.show_detail()
        print_cash_journals(self.app, [self.doc], on_done=self.printed)

    def printed(self, outcome: PrintOutcome) -> None:
        self.outcomes = [outcome.message]
        self.show_detail()
