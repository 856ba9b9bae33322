"""Import members (administrator): a CSV member register, checked row by row, then written.

F2 checks the file only (nothing written); F5 imports it, which checks it again first and
writes nothing if any row is bad. The work runs in a thread with a progress bar; the bad
rows are listed as line, column, reason.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import ProgressBar, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.imports.file_import import FileImportScreen
from mifin_tui.services.imports import members as member_import
from mifin_tui.services.imports.members import ImportReport

SHOWN_ERRORS = 200


class MemberImportScreen(FileImportScreen):
    TITLE_MSGID = N_("Import members")
    GROUP = "member-import"
    BINDINGS = [
        Binding("f2", "run(True)", N_("Check only"), id="import.check"),
        Binding("f5", "run(False)", N_("Import"), id="import.run"),
    ]

    def compose_body(self) -> ComposeResult:
        yield from self.path_row(_("/home/admin/registre.csv"), classes="submit-on-enter")
        yield ProgressBar(id="import-progress", total=100, show_eta=False)
        yield Static("", id="import-phase", classes="hint", markup=False)
        yield from self.result_area(member_import.columns_help())

    def action_submit(self) -> None:
        self.action_run(True)

    def start(self, path: str, dry_run: bool) -> None:
        self.query_one("#import-summary", Static).update("")
        self.query_one("#import-progress", ProgressBar).update(total=100, progress=0)
        self.run_in_thread(lambda: member_import.import_members(
            self.ctx, path, dry_run=dry_run, progress=self._progress))

    def _progress(self, phase: str, done: int, total: int) -> None:
        word = _("Checking the rows") if phase == "check" else _("Writing the members")
        percent = 100 if not total else done * 100 // total
        # checking is the first half of the bar, writing the second
        value = percent // 2 + (50 if phase == "write" else 0)
        self.app.call_from_thread(self._show_progress, word, done, total, value)

    def _show_progress(self, word: str, done: int, total: int, value: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(progress=value)
        self.query_one("#import-phase", Static).update(f"{word}: {done} / {total}")

    def imported(self) -> None:
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
            lines.append(ngettext("{count} member imported: {first} to {last}.",
                                  "{count} members imported: {first} to {last}.",
                                  r.imported).format(
                count=r.imported, first=r.first_number, last=r.last_number))
        return lines
