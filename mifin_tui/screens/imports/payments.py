"""Import payments (accountant): a mobile-money or bank statement (CSV), checked, matched
and posted; F2 checks and matches only (nothing posted), F5 imports, F6 prints the A4
summary. Lines left unmatched wait on the screen Unmatched payments (F7 opens it).

Statements are small (hundreds of lines): the import runs in the screen's own thread
like the other file screens, so the terminal stays responsive.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.print_jobs import print_report
from mifin_tui.screens.imports.file_import import FileImportScreen
from mifin_tui.services.imports import payment_file
from mifin_tui.services.imports import payments as payment_import
from mifin_tui.services.imports.payments import ImportReport
from mifin_tui.widgets import FieldError, FormSelect

SHOWN_LINES = 200


class PaymentImportScreen(FileImportScreen):
    TITLE_MSGID = N_("Import payments")
    GROUP = "payment-import"
    BINDINGS = [
        Binding("f2", "run(True)", N_("Check only"), id="payments.check"),
        Binding("f5", "run(False)", N_("Import"), id="payments.run"),
        Binding("f6", "print", N_("Print"), id="payments.print"),
        Binding("f7", "unmatched", N_("Unmatched"), id="payments.unmatched"),
    ]

    def compose_body(self) -> ComposeResult:
        yield from self.path_row(_("/home/compta/releve.csv"))
        yield from self.field_row(_("Channel"), FormSelect(
            [(payment_import.channel_label(c), c) for c in payment_import.CHANNELS],
            id="channel", value="mobile_money", allow_blank=False), "channel")
        yield FieldError(id="error-form", classes="row-error")
        yield from self.result_area(payment_file.columns_help())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print":
            return self.report is not None and self.report.ok
        return super().check_action(action, parameters)

    def start(self, path: str, dry_run: bool) -> None:
        channel = str(self.query_one("#channel", FormSelect).value)
        self.query_one("#import-summary", Static).update(_("Reading {path}...").format(
            path=path))
        self.run_in_thread(lambda: payment_import.import_payments(
            self.ctx, path, channel, dry_run=dry_run))

    def report_lines(self, report: ImportReport) -> list[str]:
        lines = payment_import.summary_lines(report)
        if len(lines) > SHOWN_LINES:
            lines = [*lines[:SHOWN_LINES],
                     _("... and {n} more.").format(n=len(lines) - SHOWN_LINES)]
        return lines

    def imported(self) -> None:
        self.refresh_bindings()

    def action_print(self) -> None:
        report = self.report
        if report is None or not report.ok:
            return
        print_report(self.app, payment_import.summary_table(self.ctx, report),
                     on_done=lambda outcome: self.notify(
                         outcome.message, severity="information" if outcome.ok else "error"))

    def action_unmatched(self) -> None:
        from mifin_tui.screens.imports.matching import PaymentMatchingScreen

        self.app.push_screen(PaymentMatchingScreen(self.ctx))
