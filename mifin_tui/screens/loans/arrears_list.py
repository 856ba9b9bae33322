"""The officer's list of loans in arrears for the field visits: filter by officer (his
login) and zone, sorted by days past due; F5 prints it on A4 (landscape) with the
members' and guarantors' phones; Enter opens the loan card of the highlighted loan."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.print_jobs import run_print_jobs
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.loans import arrears
from mifin_tui.services.loans.arrears import ArrearsRow
from mifin_tui.widgets import FieldError, TextField
from mifin_tui.widgets.formatting import fmt_amount


class ArrearsListScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Loans in arrears")
    AUTO_FOCUS = "#officer"
    BINDINGS = [Binding("f2", "submit", N_("Show"), id="arrears.show"),
                Binding("f5", "print_list", N_("Print"), id="arrears.print"),
                Binding("f6", "open_loan", N_("Loan card"), id="arrears.open")]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.rows: tuple[ArrearsRow, ...] = ()
        self.officer: int | None = None
        self.zone: str = ""

    def compose_body(self) -> ComposeResult:
        yield from self.field_row(_("Officer (login)"), TextField(
            id="officer", max_length=40, placeholder=_("empty: every officer")), "officer")
        yield from self.field_row(_("Zone"), TextField(
            id="zone", max_length=40, placeholder=_("empty: every zone"),
            classes="submit-on-enter"), "zone")
        yield FieldError(id="error-form")
        yield Static("", id="arrears-count", classes="summary", markup=False)
        yield DataTable(id="arrears", cursor_type="row")
        yield Static("", id="arrears-detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#arrears", DataTable)
        # The loan number as wide as the widest (None): its check digits are never cut.
        for title, width in ((_("Days"), 5), (_("Member"), 19), (_("Loan"), None),
                             (_("Overdue"), 13), (_("Outstanding"), 13)):
            table.add_column(title, width=width)
        self.load(focus_table=False)

    def action_submit(self) -> None:
        self.load(focus_table=True)

    def load(self, focus_table: bool) -> None:
        self.clear_errors()
        ok, officer = self.call_service(arrears.find_officer, self.ctx,
                                        self.query_one("#officer", TextField).value)
        if not ok:
            return
        zone = self.query_one("#zone", TextField).value.strip()
        ok, rows = self.call_service(arrears.arrears_list, self.ctx, None, officer,
                                     zone or None)
        if not ok:
            return
        self.rows, self.officer, self.zone = rows, officer, zone
        table = self.query_one("#arrears", DataTable)
        table.clear()
        for r in rows:
            table.add_row(Text(str(r.days_past_due), justify="right"),
                          Text(r.member_name, no_wrap=True, overflow="ellipsis"),
                          Text(r.loan_number, no_wrap=True),
                          Text(fmt_amount(r.overdue, r.currency), justify="right"),
                          Text(fmt_amount(r.outstanding_principal, r.currency),
                               justify="right"))
        self.query_one("#arrears-count", Static).update(
            ngettext("{n} loan in arrears.", "{n} loans in arrears.", len(rows)).format(
                n=len(rows)) if rows
            else _("No loan in arrears."))
        self.show_detail()
        if rows and focus_table:
            table.focus()
        self.refresh_bindings()

    @property
    def current(self) -> ArrearsRow | None:
        table = self.query_one("#arrears", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_loan()

    def show_detail(self) -> None:
        r = self.current
        text = ""
        if r is not None:
            text = "\n".join([
                f"{r.member_number} {r.member_name}  {' / '.join(r.phones) or '-'}",
                _("Zone {zone}; officer {officer}").format(zone=r.zone or "-",
                                                         officer=r.officer or "-"),
                _("Guarantors: {phones}").format(
                    phones="; ".join(r.guarantor_phones) or "-")])
        self.query_one("#arrears-detail", Static).update(text)

    def action_open_loan(self) -> None:
        from mifin_tui.screens.loans.card import LoanCardScreen

        if self.current is not None:
            self.app.push_screen(LoanCardScreen(self.ctx, self.current.loan_id))

    def action_print_list(self) -> None:
        from mifin_tui.output.printing import print_report

        ok, table = self.call_service(arrears.arrears_table, self.ctx, None, self.officer,
                                      self.zone or None)
        if not ok:
            return
        run_print_jobs(self.app, [lambda: print_report(table)], "print arrears",
                       on_done=self.printed)

    def printed(self, outcome: PrintOutcome) -> None:
        self.query_one("#arrears-count", Static).update(outcome.message)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_loan":
            return self.current is not None
        return super().check_action(action, parameters)
