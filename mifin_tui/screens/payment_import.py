"""Import payments (accountant): a mobile-money or bank statement (CSV), checked, matched
and posted; F2 checks and matches only (nothing posted), F5 imports, F6 prints the A4
summary. Lines left unmatched wait on the screen Unmatched payments (F7 opens it).

Statements are small (hundreds of lines): the import runs in the screen's own thread
like the other file screens, so the terminal stays responsive.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Static
from textual.worker import Worker, WorkerState

from mifin_tui import db
from mifin_tui.i18n import N_, _
from mifin_tui.printing import PrintOutcome
from mifin_tui.screens.base import FormMixin, MifinScreen
from mifin_tui.screens.print_jobs import run_print_jobs
from mifin_tui.services import payment_import
from mifin_tui.services.context import Context
from mifin_tui.services.payment_import import ImportReport
from mifin_tui.widgets import FieldError, FormSelect, TextField

GROUP = "payment-import"
SHOWN_LINES = 200


class PaymentImportScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Import payments")
    AUTO_FOCUS = "#path"
    BINDINGS = [
        Binding("f2", "run(True)", N_("Check only"), id="payments.check"),
        Binding("f5", "run(False)", N_("Import"), id="payments.run"),
        Binding("f6", "print", N_("Print"), id="payments.print"),
        Binding("f7", "unmatched", N_("Unmatched"), id="payments.unmatched"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.report: ImportReport | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(_("CSV file"), markup=False)
            yield TextField(id="path", placeholder=_("/home/compta/releve.csv"))
        yield FieldError(id="error-path", classes="row-error")
        yield from self.field_row(_("Channel"), FormSelect(
            [(payment_import.channel_label(c), c) for c in payment_import.CHANNELS],
            id="channel", value="mobile_money", allow_blank=False), "channel")
        yield FieldError(id="error-form", classes="row-error")
        with VerticalScroll(id="import-result"):
            yield Static("", id="import-summary", markup=False)
            yield Static(_("Columns, English or French headers:") + "\n"
                         + payment_import.columns_help(), id="import-help", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run":
            return not any(w.group == GROUP and w.is_running for w in self.workers)
        if action == "print":
            return self.report is not None and self.report.ok
        return True

    def action_run(self, dry_run: bool) -> None:
        self.clear_errors()
        path = self.query_one("#path", TextField).value.strip()
        if not path or not Path(path).is_file():
            self.show_errors({"path": _("No such file.")})
            return
        channel = str(self.query_one("#channel", FormSelect).value)
        self.query_one("#import-summary", Static).update(_("Reading {path}...").format(
            path=path))
        self.run_import(path, channel, dry_run)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group=GROUP, exit_on_error=False)
    def run_import(self, path: str, channel: str, dry_run: bool) -> ImportReport:
        try:
            return payment_import.import_payments(self.ctx, path, channel, dry_run=dry_run)
        finally:
            db.database.close()  # this thread's own connection

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != GROUP:
            return
        self.refresh_bindings()
        summary = self.query_one("#import-summary", Static)
        if event.state == WorkerState.ERROR:
            summary.update(_("The import could not run: {error}").format(
                error=event.worker.error))
        elif event.state == WorkerState.SUCCESS:
            self.report = event.worker.result
            lines = payment_import.summary_lines(self.report)
            if len(lines) > SHOWN_LINES:
                lines = [*lines[:SHOWN_LINES],
                         _("... and {n} more.").format(n=len(lines) - SHOWN_LINES)]
            summary.update("\n".join(lines))
            self.refresh_bindings()

    def action_print(self) -> None:
        report = self.report
        if report is None or not report.ok:
            return
        table = payment_import.summary_table(self.ctx, report)

        def job() -> PrintOutcome:
            from mifin_tui import config, printing

            try:
                return printing.print_report(table)
            except config.ConfigError as exc:
                return PrintOutcome(False, _(
                    "Not printed: the printer settings of this workstation are wrong "
                    "({error}). Fix them in Printer settings.").format(error=exc))

        run_print_jobs(self.app, [job], "print payment-import",
                       on_done=lambda outcome: self.notify(
                           outcome.message, severity="information" if outcome.ok else "error"))

    def action_unmatched(self) -> None:
        from mifin_tui.screens.payment_matching import PaymentMatchingScreen

        self.app.push_screen(PaymentMatchingScreen(self.ctx))
