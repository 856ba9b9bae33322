"""Reports: every report of the registry the user's permissions allow, each with its
parameter form. F5 shows it as a paged table (read in a worker, a progress bar while it
runs), F6 prints it on A4 on the document printer, F7 writes a CSV file and F8 an XLSX
file (to the path in "File")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, ProgressBar, Select, Static
from textual.worker import Worker, WorkerState

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.print_jobs import print_report
from mifin_tui.services.kernel import institution, regulators
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.kernel.threads import release_connection
from mifin_tui.services.reports import registry as report_registry
from mifin_tui.services.reports.registry import (
    PARAM_HINTS,
    PARAM_LABELS,
    ReportParams,
    ReportSpec,
)
from mifin_tui.services.reports.table import ReportTable, format_cell, is_figure
from mifin_tui.widgets import DateInput, FieldError, FormSelect, PagedTable, TextField

RUN_GROUP = "report"
EXPORT_GROUP = "report-export"
TEXT_PARAMS = ("account", "branch", "till", "product", "officer", "zone")


class ReportsScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Reports")
    AUTO_FOCUS = "#report"
    BINDINGS = [
        Binding("f5", "submit", N_("Show"), id="reports.show"),
        Binding("f6", "print", N_("Print"), id="reports.print"),
        Binding("f7", "export('csv')", N_("CSV"), id="reports.csv"),
        Binding("f8", "export('xlsx')", N_("XLSX"), id="reports.xlsx"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.specs = report_registry.available(ctx)
        info = institution.info(ctx.branch_id)
        self.day: date | None = info.business_date
        try:
            currencies = tuple(regulators.get_profile(info.regulator).currencies)
        except (KeyError, ValueError):
            currencies = (info.currency,)
        self.currencies = (info.currency, *(c for c in currencies if c != info.currency))
        self.table: ReportTable | None = None
        self.generation = 0

    # --- the form -------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Vertical(id="report-form", classes="compact-form"):
            with Horizontal(classes="compact-row"):
                yield Label(_("Report"), markup=False)
                yield FormSelect([(_(s.title), s.name) for s in self.specs], id="report",
                                 value=self.specs[0].name if self.specs else Select.BLANK,
                                 allow_blank=not self.specs)
            for name in ("date", "date_from", "date_to", *TEXT_PARAMS, "currency"):
                with Horizontal(classes="compact-row", id=f"row-{name}"):
                    yield Label(_(PARAM_LABELS[name]), markup=False)
                    if name in report_registry.DATE_PARAMS:
                        start = (self.day.replace(month=1, day=1)
                                 if name == "date_from" and self.day else self.day)
                        yield DateInput(start, id=name)
                    elif name == "currency":
                        yield FormSelect([(c, c) for c in self.currencies], id="currency",
                                         value=self.currencies[0], allow_blank=False)
                    else:
                        yield TextField("", id=name, max_length=32,
                                        placeholder=_(PARAM_HINTS[name]))
                yield FieldError(id=f"error-{name}", classes="row-error")
            with Horizontal(classes="compact-row"):
                yield Label(_("File (CSV, XLSX)"), markup=False)
                yield TextField("", id="output", classes="submit-on-enter", max_length=120,
                                placeholder=_("file name (empty: the report's name)"))
            yield FieldError(id="error-form")
        yield ProgressBar(total=None, id="report-progress", show_eta=False)
        yield Static("", id="report-summary", classes="summary", markup=False)
        yield Vertical(id="report-table")
        yield Static("", id="report-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        self.query_one("#report-progress").display = False
        self.show_params()

    @property
    def spec(self) -> ReportSpec | None:
        value = self.query_one("#report", Select).value
        return next((s for s in self.specs if s.name == value), None)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "report":
            self.show_params()

    def show_params(self) -> None:
        spec = self.spec
        params = spec.params if spec else ()
        for name in ("date", "date_from", "date_to", *TEXT_PARAMS, "currency"):
            self.query_one(f"#row-{name}").display = name in params
            self.query_one(f"#error-{name}").display = name in params
        self.refresh_bindings()

    def _params(self) -> ReportParams | None:
        """The form's values, or None with the bad dates shown at their fields."""
        spec = self.spec
        if spec is None:
            return None
        values: dict[str, object] = {}
        bad = False
        for name in spec.params:
            widget = self.query_one(f"#{name}")
            if isinstance(widget, DateInput):
                widget.check()
                if widget.value.strip() and widget.value_date is None:
                    bad = True
                values[name] = widget.value_date
            elif isinstance(widget, Select):
                values[name] = str(widget.value)
            else:
                values[name] = widget.value.strip() or None
        return None if bad else ReportParams(**values)  # type: ignore[arg-type]

    # --- showing --------------------------------------------------------------------

    def action_submit(self) -> None:
        self.clear_errors()
        params = self._params()
        spec = self.spec
        if params is None or spec is None:
            return
        self.table = None
        self.generation += 1
        self._show_table()
        self.query_one("#report-progress").display = True
        self.query_one("#report-summary", Static).update(
            _("Computing {title}, please wait...").format(title=_(spec.title)))
        self.compute(spec.name, params)

    @work(thread=True, exclusive=True, group=RUN_GROUP, exit_on_error=False)
    def compute(self, name: str, params: ReportParams) -> ReportTable:
        """Millions of entries are summed by the database: off the event loop."""
        try:
            return report_registry.run(name, self.ctx, params)
        finally:
            release_connection()  # this worker thread's own connection

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        group = event.worker.group
        if group not in (RUN_GROUP, EXPORT_GROUP):
            return
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.query_one("#report-progress").display = False
        if group == EXPORT_GROUP:
            if event.state == WorkerState.SUCCESS:
                self._result(_("Written: {path}").format(path=event.worker.result))
            elif event.state == WorkerState.ERROR:
                self._result(_("Not written: {error}").format(error=event.worker.error))
            return
        if event.state == WorkerState.SUCCESS:
            self.table = event.worker.result
            self._show_table()
        elif event.state == WorkerState.ERROR:
            self.query_one("#report-summary", Static).update("")
            error = event.worker.error
            if isinstance(error, ValidationError):
                self.show_errors(error.errors)
            elif isinstance(error, MifinError):
                self.show_form_error(str(error))
            else:
                self.show_form_error(_("The report could not be computed: {error}").format(
                    error=error))
        self.refresh_bindings()

    def _show_table(self) -> None:
        holder = self.query_one("#report-table", Vertical)
        holder.remove_children()
        table = self.table
        summary = self.query_one("#report-summary", Static)
        if table is None:
            summary.update("")
            return
        lines = [f"{table.title} — {table.subtitle}",
                 ngettext("{n} line", "{n} lines", len(table.rows)).format(
                     n=len(table.rows)), *table.notes]
        summary.update("\n".join(lines))
        rows = list(table.rows) + ([table.totals] if table.totals else [])
        lang = table.language

        def fetch(after: int | None, limit: int) -> list[tuple[int, tuple]]:
            start = 0 if after is None else after + 1
            return [(i, rows[i]) for i in range(start, min(start + limit, len(rows)))]

        def cells(item: tuple[int, tuple]):
            return [(format_cell(c, v, lang), "right") if is_figure(c)
                    else format_cell(c, v, lang) for c, v in zip(table.columns, item[1],
                                                                 strict=True)]

        # Text columns as wide as their first rows, within 28 cells, so that the figures
        # start on the first screen of an 80-column terminal.
        sample = rows[:200]
        widths = [14 if is_figure(c) else 10 if c.kind == "date" else min(28, max(
            [len(c.title), *(len(format_cell(c, r[i], lang)) for r in sample)]))
            for i, c in enumerate(table.columns)]
        paged = PagedTable(columns=[(c.title, w) for c, w in zip(table.columns, widths,
                                                                 strict=True)],
                           fetch=fetch, key=lambda item: item[0], cells=cells,
                           id=f"report-rows-{self.generation}")
        holder.mount(paged)
        paged.call_after_refresh(paged.reload)

    # --- output ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("print", "export"):
            return self.table is not None
        return True

    def _result(self, message: str) -> None:
        self.query_one("#report-result", Static).update(message)

    def action_print(self) -> None:
        table = self.table
        if table is None:
            return
        self._result(_("Printing {title}...").format(title=table.title))
        print_report(self.app, table, on_done=lambda outcome: self._result(outcome.message))

    def action_export(self, fmt: str) -> None:
        """Into the user's export folder, under the name typed (never a path); an
        existing file is replaced only once the user says so."""
        from mifin_tui.output import reports
        from mifin_tui.screens.common.dialogs import ConfirmDialog

        table = self.table
        if table is None:
            return
        self.clear_errors()
        text = self.query_one("#output", TextField).value.strip()
        day = table.printed_at.date().isoformat() if table.printed_at else "report"
        try:
            path = reports.export_path(text or f"{table.name}-{day}", fmt)
        except ValueError as exc:
            self.show_form_error(str(exc))
            return
        if not path.exists():
            self._export(table, fmt, path)
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self._export(table, fmt, path)
            else:
                self._result(_("Not written: {path} kept.").format(path=path))

        self.app.push_screen(ConfirmDialog(
            _("Replace the file?"), [_("{path} exists already.").format(path=path)],
            hint=_("F2 or Enter replaces it; Escape keeps it.")), answered)

    def _export(self, table: ReportTable, fmt: str, path: Path) -> None:
        self._result(_("Writing {path}...").format(path=path))
        self.export(table, fmt, path)

    @work(thread=True, group=EXPORT_GROUP, exit_on_error=False)
    def export(self, table: ReportTable, fmt: str, path: Path) -> str:
        from mifin_tui.output import reports

        return str(reports.save_private(path, reports.render_table(table, fmt)))
