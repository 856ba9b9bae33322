"""Close the day (clôture journalière): what the checks say, one key and a confirmation,
then the closing runs in a thread with a progress bar naming the step and its count;
at the end the report is shown, written as a PDF beside the backups, and F6 prints it.

Progress is redrawn at most a few times a second (slow SSH links), and the screen
cannot be left while the closing runs (Escape says so): the thread would go on alone.
"""

from __future__ import annotations

import time
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import ProgressBar, Static
from textual.worker import Worker, WorkerState

from mifin_tui.i18n import N_, _
from mifin_tui.output import closing_files
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.services.closing import nightly as closing
from mifin_tui.services.closing.document import ClosingReportDoc
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.threads import release_connection
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

# Seconds between two progress redraws (step changes are always drawn).
REDRAW = 0.25


def report_lines(doc: ClosingReportDoc) -> list[str]:
    """The report as the screen shows it (the PDF says the same on A4)."""
    out = [_("Day {day} closed; business day {next} is open.").format(
        day=fmt_date(doc.business_date), next=fmt_date(doc.next_date))
        if doc.status == "done" else _("NOT FINISHED: the closing is still in progress."), ""]
    for n, step in enumerate(doc.steps, start=1):
        out.append(_("{n}. {label}: {status}").format(n=n, label=step.label,
                                                      status=step.status_label.upper()))
        out += [f"     {note}" for note in step.notes]
    for w in doc.warnings:
        out.append(_("WARNING: {message}").format(message=w.message))
    if doc.till_differences:
        out.append("")
        out.append(_("Till differences of the day"))
        for d in doc.till_differences:
            out.append(f"  {d.till}  {d.cashier}  {fmt_amount(d.difference, d.currency)}"
                       f"  {d.note}")
    return out


class ClosingScreen(MifinScreen):
    TITLE_MSGID = N_("Close the day")
    BINDINGS = [
        Binding("f2", "start", N_("Close the day"), id="closing.start"),
        Binding("f5", "refresh", N_("Refresh"), id="closing.refresh"),
        Binding("f6", "print", N_("Print the report"), id="closing.print"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="closing-day", markup=False)
        yield ProgressBar(id="closing-bar", show_eta=False)
        yield Static("", id="closing-status", markup=False)
        with VerticalScroll(id="closing-body"):
            yield Static("", id="closing-text", markup=False)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.preview: closing.Preview | None = None
        self.doc: ClosingReportDoc | None = None
        self.pdf: Path | None = None
        self._last_draw = 0.0
        self._last_step = ""

    def on_mount(self) -> None:
        self.query_one("#closing-bar").display = False
        self.action_refresh()

    # --- before ---------------------------------------------------------------------

    def action_refresh(self) -> None:
        try:
            self.preview = closing.preview(self.ctx)
        except MifinError as exc:
            self.preview = None
            self.query_one("#closing-day", Static).update(str(exc))
            return
        p = self.preview
        self.query_one("#closing-day", Static).update(
            _("Business day to close: {day}. Next business day: {next}.").format(
                day=fmt_date(p.day), next=fmt_date(p.next_day)))
        lines: list[str] = []
        if p.status == "closing":
            lines.append(_("A closing of this day was interrupted: F2 resumes it where it "
                           "stopped."))
        elif any(f.blocking for f in p.findings):
            lines.append(_("The closing cannot start yet:"))
        else:
            lines.append(_("All checks pass. F2 closes the day."))
        for f in p.findings:
            word = _("BLOCKING") if f.blocking else _("WARNING")
            lines += [_("{word}: {message}").format(word=word, message=f.message),
                      _("    what to do: {todo}").format(todo=f.todo)]
        lines += ["", _("Steps")] + [f"  {n}. {label}" for n, label in
                                      enumerate(p.steps, start=1)]
        past = closing.history(self.ctx, limit=10)
        if past:
            lines += ["", _("Last closings")]
            lines += [f"  {fmt_date(day)}  {_(closing.RUN_LABELS.get(status, status))}"
                      for day, status in past]
        self.query_one("#closing-status", Static).update("")
        self.query_one("#closing-text", Static).update("\n".join(lines))
        self.refresh_bindings()

    def running(self) -> bool:
        return any(w.group == "closing" and w.is_running for w in self.workers)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start":
            return (not self.running() and self.doc is None and self.preview is not None
                    and self.preview.can_start)
        if action == "print":
            return self.doc is not None and not self.running()
        if action == "refresh":
            return not self.running()
        return True

    def action_back(self) -> None:
        if self.running():
            self.notify(_("The closing is running: wait for it to finish."),
                        severity="warning")
            return
        self.dismiss()

    def action_start(self) -> None:
        p = self.preview
        if p is None or not p.can_start:
            return
        lines = [_("Business day to close: {day}. Next business day: {next}.").format(
            day=fmt_date(p.day), next=fmt_date(p.next_day)),
            _("Once the closing has started, cashiers cannot post on this day."),
            *[f"- {f.message}" for f in p.findings]]
        self.app.push_screen(ConfirmDialog(_("Close the day {day}?").format(
            day=fmt_date(p.day)), lines), self._confirmed)

    def _confirmed(self, ok: bool | None) -> None:
        if not ok:
            return
        self.query_one("#closing-bar", ProgressBar).display = True
        self.query_one("#closing-status", Static).update(_("The closing starts..."))
        self.query_one("#closing-text", Static).update("")
        self.run_closing()
        self.refresh_bindings()

    # --- during ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="closing", exit_on_error=False)
    def run_closing(self) -> tuple[ClosingReportDoc, Path]:
        try:
            doc = closing.run(self.ctx, progress=self._progress_from_thread)
            path = closing_files.save_day_report(self.ctx, doc.business_date)
            return doc, path
        finally:
            release_connection()  # this worker thread's own connection

    def _progress_from_thread(self, p: closing.Progress) -> None:
        now = time.monotonic()
        if p.step_key == self._last_step and now - self._last_draw < REDRAW:
            return
        self._last_step, self._last_draw = p.step_key, now
        self.app.call_from_thread(self.show_progress, p)

    def show_progress(self, p: closing.Progress) -> None:
        bar = self.query_one("#closing-bar", ProgressBar)
        bar.update(total=p.total or None, progress=p.done)
        count = f"{p.done}/{p.total}" if p.total else str(p.done)
        self.query_one("#closing-status", Static).update(
            _("[{n}/{steps}] {label}: {count}").format(n=p.position, steps=p.steps,
                                                       label=p.step_label, count=count))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "closing":
            return
        self.refresh_bindings()
        status = self.query_one("#closing-status", Static)
        if event.state == WorkerState.SUCCESS:
            self.doc, self.pdf = event.worker.result
            self.query_one("#closing-bar").display = False
            self.query_one("#closing-day", Static).update(
                _("Closing of {day} finished.").format(day=fmt_date(self.doc.business_date)))
            status.update(_("Closing report: {path}").format(path=self.pdf))
            self.query_one("#closing-text", Static).update("\n".join(report_lines(self.doc)))
            refresh = getattr(self.app, "refresh_status", None)
            if refresh is not None:
                refresh()
        elif event.state == WorkerState.ERROR:
            self.query_one("#closing-bar").display = False
            error = event.worker.error
            message = str(error) if isinstance(error, MifinError) else _(
                "The closing stopped: {error}").format(error=error)
            status.update(_("FAILED: {finding}").format(finding=message))
            if isinstance(error, closing.ClosingRefused):
                self.action_refresh()
                status.update(_("FAILED: {finding}").format(finding=message))

    # --- after ----------------------------------------------------------------------

    def action_print(self) -> None:
        if self.doc is None:
            return
        self.print_report(closing_files.document_report(self.ctx, self.doc.business_date))

    @work(thread=True, group="closing-print", exit_on_error=False)
    def print_report(self, doc: ClosingReportDoc) -> None:
        from mifin_tui.output.printing import print_closing_report

        outcome = print_closing_report(doc)
        self.app.call_from_thread(self.notify, outcome.message,
                                  severity="information" if outcome.ok else "error")
