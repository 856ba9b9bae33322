"""Verify the books: the ledger balances, balances match their entries, the ledger and
audit chains are intact (and agree with the closings' anchor file, when there is one).
The check reads the whole database, so it runs in a thread."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.admin import check
from mifin_tui.services.admin.check import CheckReport
from mifin_tui.services.closing.end import anchor_file
from mifin_tui.services.kernel.threads import release_connection


class VerifyScreen(MifinScreen):
    TITLE_MSGID = N_("Verify the books")
    BINDINGS = [Binding("f5", "run", N_("Run again"), id="verify.run")]

    def compose_body(self) -> ComposeResult:
        # A sentence, not a spinner: nothing repaints while the check runs (slow links).
        yield Static("", id="verify-busy", classes="busy", markup=False)
        with VerticalScroll(id="verify-result"):
            yield Static("", id="verify-summary", markup=False)
            yield Static("", id="verify-findings", markup=False)

    def on_mount(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        self.query_one("#verify-busy", Static).update(
            _("Verifying the books, please wait. This reads every entry and audit row."))
        self.query_one("#verify-busy").display = True
        self.query_one("#verify-summary", Static).update("")
        self.query_one("#verify-findings", Static).update("")
        self.run_check()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run":
            return not self.workers_running()
        return True

    def workers_running(self) -> bool:
        return any(w.group == "verify" and w.is_running for w in self.workers)

    @work(thread=True, exclusive=True, group="verify", exit_on_error=False)
    def run_check(self) -> CheckReport:
        try:
            return check.run(anchors=anchor_file())
        finally:
            release_connection()  # this worker thread's own connection

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "verify":
            return
        self.refresh_bindings()
        if event.state == WorkerState.SUCCESS:
            self.show_report(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#verify-busy").display = False
            self.query_one("#verify-summary", Static).update(
                _("The check could not run: {error}").format(error=event.worker.error))

    def show_report(self, report: CheckReport) -> None:
        self.query_one("#verify-busy").display = False
        counts = _("{t} transactions, {e} entries, {a} accounts, {r} audit rows checked.").format(
            t=report.transactions, e=report.entries, a=report.accounts, r=report.audit_rows)
        if report.ok:
            verdict = _("OK: ledger balanced, balances match their entries, audit chain intact.")
            findings = ""
        else:
            n = len(report.findings)
            verdict = ngettext("FAILED: {n} problem found. Tell the manager and the auditor.",
                               "FAILED: {n} problems found. Tell the manager and the auditor.",
                               n).format(n=n)
            findings = "\n".join(_("FAILED: {finding}").format(finding=f)
                                 for f in report.findings)
        self.query_one("#verify-summary", Static).update(f"{verdict}\n{counts}\n")
        self.query_one("#verify-findings", Static).update(findings)
