"""Statement for a period (relevé): an account, two dates -> opening balance, the lines,
closing balance on screen; F4 prints the A4 PDF on the document printer, F6 writes the
CSV (amounts in minor units) to the exports folder."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.print_jobs import run_print_jobs
from mifin_tui.screens.savings.form import SavingsFormScreen
from mifin_tui.services.kernel import business_day, clock
from mifin_tui.services.savings import statements
from mifin_tui.services.savings.documents import StatementDoc
from mifin_tui.widgets import DateInput, FieldError
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


def exports_dir() -> Path:
    from mifin_tui import paths

    return paths.exports_dir()


class PeriodStatementScreen(SavingsFormScreen):
    TITLE_MSGID = N_("Statement for a period")
    BINDINGS = [
        Binding("f2", "submit", N_("Show"), id="pstatement.show"),
        Binding("f4", "print", N_("Print PDF"), id="pstatement.print"),
        Binding("f6", "csv", N_("Save CSV"), id="pstatement.csv"),
    ]

    def __init__(self, ctx, account_id: int | None = None, **kwargs) -> None:
        super().__init__(ctx, account_id, **kwargs)
        self.doc: StatementDoc | None = None

    def compose_body(self) -> ComposeResult:
        today = business_day.open_date(self.ctx.branch_id) or clock.today()
        with VerticalScroll(classes="form", can_focus=False):
            yield from self.compose_account()
            yield from self.field_row(_("From"), DateInput(today.replace(day=1), id="start"),
                                      "start")
            yield from self.field_row(_("To"), DateInput(today, id="end",
                                                         classes="submit-on-enter"), "end")
            yield FieldError(id="error-form")
            yield Static("", id="statement-head", classes="summary", markup=False)
            yield DataTable(id="statement-lines", cursor_type="row")
            yield Static("", id="statement-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#statement-lines", DataTable)
        for title, width in ((_("Date"), 10), (_("Voucher"), 18), (_("Withdrawal"), 12),
                             (_("Deposit"), 12), (_("Balance"), 13)):
            table.add_column(title, width=width)

    def focus_after_account(self) -> None:
        self.query_one("#start").focus()

    def action_submit(self) -> None:
        self.clear_errors()
        if self.account is None and not self.load_number():
            self.show_errors({"account": _("Choose the account first.")})
            return
        start_field, end_field = self.query_one("#start", DateInput), \
            self.query_one("#end", DateInput)
        start_field.check()
        end_field.check()
        start, end = start_field.value_date, end_field.value_date
        if start is None or end is None:
            self.show_errors({"start" if start is None else "end": _("Enter a date.")})
            return
        ok, doc = self.call_service(statements.statement, self.ctx, self.account.id, start, end)
        if not ok:
            return
        self.doc = doc
        cur = doc.currency
        self.query_one("#statement-head", Static).update(
            _("Opening {opening}  in {credit}  out {debit}  closing {closing}").format(
                opening=fmt_amount(doc.opening_balance, cur),
                credit=fmt_amount(doc.total_credit, cur), debit=fmt_amount(doc.total_debit, cur),
                closing=fmt_amount(doc.closing_balance, cur)))
        table = self.query_one("#statement-lines", DataTable)
        table.clear()
        for ln in doc.lines:
            table.add_row(Text(fmt_date(ln.business_date)), Text(ln.voucher, no_wrap=True),
                          Text(fmt_amount(ln.debit, cur, symbol=False) if ln.debit else "",
                               justify="right"),
                          Text(fmt_amount(ln.credit, cur, symbol=False) if ln.credit else "",
                               justify="right"),
                          Text(fmt_amount(ln.balance, cur, symbol=False), justify="right"))
        if not doc.lines:
            self.query_one("#statement-result", Static).update(
                _("No movement in this period."))

    def action_print(self) -> None:
        if self.doc is None:
            self.action_submit()
        if self.doc is None:
            return
        from mifin_tui.output.savings import print_statement

        doc = self.doc

        def job() -> PrintOutcome:
            try:
                return print_statement(doc)
            except Exception as exc:  # a printer setting or font problem: say it
                return PrintOutcome(False, _("The statement could not be printed ({error})."
                                             ).format(error=exc))

        run_print_jobs(self.app, [job], "print statement", on_done=self.printed)

    def printed(self, outcome: PrintOutcome) -> None:
        self.query_one("#statement-result", Static).update(outcome.message)

    def action_csv(self) -> None:
        if self.doc is None:
            self.action_submit()
        if self.doc is None:
            return
        from mifin_tui.output.statement_report import statement_csv

        doc = self.doc
        from mifin_tui.output.reports import save_private

        path = exports_dir() / f"releve-{doc.account_number}-{doc.start.isoformat()}-" \
                               f"{doc.end.isoformat()}.csv"
        save_private(path, statement_csv(doc).encode("utf-8"))  # 0600 in a 0700 folder
        self.query_one("#statement-result", Static).update(
            _("CSV written: {path}").format(path=path))
