"""Import members (administrator): a CSV member register, checked row by row, then written.

F2 checks the file only (nothing written); F5 imports it, which checks it again first and
writes nothing if any row is bad. The work runs in a thread with a progress bar; the bad
rows are listed as line, column, reason.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from mifin_tui import db
from mifin_tui.i18n import N_, _
from mifin_tui.screens.base import FormMixin, MifinScreen
from mifin_tui.services import member_import
from mifin_tui.services.context import Context
from mifin_tui.services.member_import import ImportReport
from mifin_tui.widgets import FieldError, TextField

GROUP = "member-import"
SHOWN_ERRORS = 200


class MemberImportScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Import members")
    AUTO_FOCUS = "#path"
    BINDINGS = [
        Binding("f2", "run(True)", N_("Check only"), id="import.check"),
        Binding("f5", "run(False)", N_("Import"), id="import.run"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.report: ImportReport | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(_("CSV file"), markup=False)
            yield TextField(id="path", placeholder=_("/home/admin/registre.csv"),
                            classes="submit-on-enter")
        yield FieldError(id="error-path", classes="row-error")
        yield ProgressBar(id="import-progress", total=100, show_eta=False)
        yield Static("", id="import-phase", classes="hint", markup=False)
        with VerticalScroll(id="import-result"):
            yield Static("", id="import-summary", markup=False)
            yield Static(_("Columns, English or French headers:") + "\n"
                         + member_import.columns_help(), id="import-help", markup=False)

    def action_submit(self) -> None:
        self.action_run(True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run":
            return not any(w.group == GROUP and w.is_running for w in self.workers)
        return True

    def action_run(self, dry_run: bool) -> None:
        self.clear_errors()
        path = self.query_one("#path", TextField).value.strip()
        if not path or not Path(path).is_file():
            self.show_errors({"path": _("No such file.")})
            return
        self.query_one("#import-summary", Static).update("")
        self.query_one("#import-progress", ProgressBar).update(total=100, progress=0)
        self.run_import(path, dry_run)
        self.refresh_bindings()

    def _progress(self, phase: str, done: int, total: int) -> None:
        word = _("Checking the rows") if phase == "check" else _("Writing the members")
        percent = 100 if not total else done * 100 // total
        # checking is the first half of the bar, writing the second
        value = percent // 2 + (50 if phase == "write" else 0)
        self.app.call_from_thread(self._show_progress, word, done, total, value)

    def _show_progress(self, word: str, done: int, total: int, value: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(progress=value)
        self.query_one("#import-phase", Static).update(f"{word}: {done} / {total}")

    @work(thread=True, exclusive=True, group=GROUP, exit_on_error=False)
    def run_import(self, path: str, dry_run: bool) -> ImportReport:
        try:
            return member_import.import_members(self.ctx, path, dry_run=dry_run,
                                                progress=self._progress)
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
            summary.update("\n".join(self.report_lines(self.report)))
            self.query_one("#import-progress", ProgressBar).update(progress=100)

    @staticmethod
    def report_lines(r: ImportReport) -> list[str]:
        lines = [_("Column ignored: {column}").format(column=c) for c in r.ignored_columns]
        if r.errors:
            lines.append(_("{rows} rows read, {bad} errors: nothing was imported.").format(
                rows=r.rows, bad=len(r.errors)))
            lines += [_("line {line}, column {column}: {reason}").format(
                line=e.line, column=e.column, reason=e.reason)
                for e in r.errors[:SHOWN_ERRORS]]
            if len(r.errors) > SHOWN_ERRORS:
                lines.append(_("... and {n} more.").format(n=len(r.errors) - SHOWN_ERRORS))
        elif r.dry_run:
            lines.append(_("{rows} rows checked, all good (dry run: nothing imported).")
                         .format(rows=r.rows))
        else:
            lines.append(_("{count} members imported: {first} to {last}.").format(
                count=r.imported, first=r.first_number, last=r.last_number))
        return lines
