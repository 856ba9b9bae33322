"""What the CSV import screens (members, payments) share: the file's path, F2 to check
only and F5 to import, the work in the screen's own thread (the terminal stays
responsive; one run at a time), then the report under the columns' help.

A subclass sets GROUP (its workers' group), composes `path_row` and `result_area`, starts
its service with `run_in_thread` from `start`, and says the report with `report_lines`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Static
from textual.worker import Worker, WorkerState

from mifin_tui.i18n import _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.threads import release_connection
from mifin_tui.widgets import FieldError, TextField


class FileImportScreen(FormMixin, MifinScreen):
    AUTO_FOCUS = "#path"
    GROUP: ClassVar[str] = "file-import"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.report: Any = None

    @staticmethod
    def path_row(placeholder: str, classes: str = "") -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(_("CSV file"), markup=False)
            yield TextField(id="path", placeholder=placeholder, classes=classes)
        yield FieldError(id="error-path", classes="row-error")

    @staticmethod
    def result_area(columns_help: str) -> ComposeResult:
        with VerticalScroll(id="import-result"):
            yield Static("", id="import-summary", markup=False)
            yield Static(_("Columns, English or French headers:") + "\n" + columns_help,
                         id="import-help", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run":
            return not any(w.group == self.GROUP and w.is_running for w in self.workers)
        return True

    def action_run(self, dry_run: bool) -> None:
        self.clear_errors()
        path = self.query_one("#path", TextField).value.strip()
        if not path or not Path(path).is_file():
            self.show_errors({"path": _("No such file.")})
            return
        self.start(path, dry_run)
        self.refresh_bindings()

    def start(self, path: str, dry_run: bool) -> None:
        """Start the import of the file at `path` (it exists) with `run_in_thread`."""
        raise NotImplementedError

    def run_in_thread(self, job: Callable[[], Any]) -> None:
        """Run `job` (the service call, which returns the report) in a thread of its own."""
        def run() -> Any:
            try:
                return job()
            finally:
                release_connection()  # this worker thread's own connection

        self.run_worker(run, name="run_import", group=self.GROUP, exclusive=True,
                        exit_on_error=False, thread=True)

    def report_lines(self, report: Any) -> list[str]:
        raise NotImplementedError

    def imported(self) -> None:
        """After the report is shown (the run succeeded)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != self.GROUP:
            return
        self.refresh_bindings()
        summary = self.query_one("#import-summary", Static)
        if event.state == WorkerState.ERROR:
            summary.update(_("The import could not run: {error}").format(
                error=event.worker.error))
        elif event.state == WorkerState.SUCCESS:
            self.report = event.worker.result
            summary.update("\n".join(self.report_lines(self.report)))
            self.imported()
