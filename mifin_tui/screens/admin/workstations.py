"""Workstations (administrator): each desk of the branch, how its sessions are recognised
and where they print.

A remote cashier's session is matched by the MIFIN_WORKSTATION name his SSH client sends,
else by the client's address; its receipts and documents then go to that desk's
printers, whoever logs in there. A session matched by neither keeps the printer settings
of its account (Printer settings). The line above the table says how this very session
is recognised, so the administrator can set up the desk he sits at.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Select, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.output.printing import PrintOutcome, desk_printers, print_voucher
from mifin_tui.screens.admin.printer_settings import sample_voucher
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.common.print_jobs import run_print_jobs
from mifin_tui.services.admin import workstations
from mifin_tui.services.admin.workstations import WorkstationDraft, WorkstationView
from mifin_tui.services.kernel import clock, institution
from mifin_tui.services.kernel.context import Context
from mifin_tui.widgets import FieldError, FormSelect, TextField

KIND_LABELS = {
    "cups": N_("Printer queue (CUPS)"),
    "folder": N_("PDF files in a folder"),
    "ask": N_("Save the PDF and show where"),
    "terminal": N_("Printer of the cashier's terminal (pass-through)"),
}


def printer_text(kind: str, target: str, paper_mm: int | None = None) -> str:
    """ "cups desk3", "terminal 58 mm": a printer in a table cell."""
    parts = [kind]
    if target:
        parts.append(target)
    if paper_mm is not None:
        parts.append(_("{mm} mm").format(mm=paper_mm))
    return " ".join(parts)


def session_line(found: WorkstationView | None) -> str:
    """How this session is recognised, and what it prints with."""
    me = workstations.session_identity(os.environ)
    said = []
    if me.name:
        said.append(_("name {name}").format(name=me.name))
    if me.address:
        said.append(_("address {address}").format(address=me.address))
    if not said:
        return _("This session sends no workstation name and comes from no SSH address: "
                 "it prints with the account's printer settings.")
    if found is None:
        return _("This session ({said}) matches no workstation: it prints with the "
                 "account's printer settings.").format(said=", ".join(said))
    return _("This session ({said}) is workstation {name}.").format(
        said=", ".join(said), name=found.name)


class WorkstationsScreen(MifinScreen):
    TITLE_MSGID = N_("Workstations")
    AUTO_FOCUS = "#workstations"
    BINDINGS = [Binding("f2,ctrl+n", "add", N_("Add"), id="workstations.add"),
                Binding("enter", "edit", N_("Change"), id="workstations.edit"),
                Binding("f8,delete", "remove", N_("Remove"), id="workstations.remove"),
                Binding("f6", "test", N_("Test slip"), id="workstations.test")]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.rows: list[WorkstationView] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="session", classes="hint", markup=False)
        yield DataTable(id="workstations", cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#workstations", DataTable)
        table.add_column(_("Name"), width=11)
        table.add_column(_("Address"), width=15)
        table.add_column(_("Receipts"), width=20)
        table.add_column(_("Documents"), width=12)
        table.add_column(_("In use"), width=5)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        self.rows = workstations.list_workstations()
        table = self.query_one("#workstations", DataTable)
        table.clear()
        for w in self.rows:
            table.add_row(
                Text(w.name), Text(w.address or "-"),
                Text(printer_text(w.receipt_kind, w.receipt_target, w.paper_mm),
                     no_wrap=True, overflow="ellipsis"),
                Text(printer_text(w.document_kind, w.document_target), no_wrap=True,
                     overflow="ellipsis"),
                Text(_("yes") if w.active else _("no")), key=str(w.id))
        if select is not None:
            row = next((i for i, w in enumerate(self.rows) if w.name == select), 0)
            table.move_cursor(row=row)
        found = workstations.for_session(os.environ)
        self.query_one("#session", Static).update(session_line(found))
        self.query_one("#detail", Static).update(
            ngettext("{count} workstation. F2 adds one; Enter changes the one under the "
                     "cursor, F6 prints a test slip on it, F8 removes it.",
                     "{count} workstations. F2 adds one; Enter changes the one under the "
                     "cursor, F6 prints a test slip on it, F8 removes it.",
                     len(self.rows)).format(count=len(self.rows))
            if self.rows else _("No workstation yet: every session prints with its "
                                "account's printer settings. Press F2 to add one."))

    @property
    def current(self) -> WorkstationView | None:
        table = self.query_one("#workstations", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _open_form(self, existing: WorkstationView | None) -> None:
        def saved(name: str | None) -> None:
            if name is not None:
                self.reload(select=name)

        self.app.push_screen(WorkstationFormScreen(self.ctx, existing), callback=saved)

    def action_add(self) -> None:
        self._open_form(None)

    def action_edit(self) -> None:
        if self.current is not None:
            self._open_form(self.current)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_test(self) -> None:
        """A test slip on the receipt printer of the desk under the cursor (a terminal's
        printer: the one of the terminal this screen runs in)."""
        desk = self.current
        if desk is None:
            return
        info = institution.info(self.ctx.branch_id)
        doc = sample_voucher(info.name, info.branch_code, info.branch_name, info.currency,
                             clock.now().astimezone(), self.ctx.full_name)
        detail = self.query_one("#detail", Static)
        detail.update(_("Printing a test page..."))

        def job() -> PrintOutcome:
            try:
                return print_voucher(doc, desk_printers(desk))
            except Exception as exc:  # a test page: say what went wrong, nothing more
                return PrintOutcome(False, str(exc))

        def done(outcome: PrintOutcome) -> None:
            if self.is_attached:
                detail.update(_("Test page on {name}: {message}").format(
                    name=desk.name, message=outcome.message))

        run_print_jobs(self.app, [job], f"test {desk.name}", on_done=done)

    def action_remove(self) -> None:
        desk = self.current
        if desk is None:
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                try:
                    workstations.remove_workstation(self.ctx, desk.id)
                except Exception as exc:  # noqa: BLE001 - a refusal is shown, not raised
                    self.notify(str(exc), severity="error")
                self.reload()

        self.app.push_screen(ConfirmDialog(
            _("Remove a workstation"),
            [desk.name, _("Its sessions will print with their account's printer settings.")]),
            callback=confirmed)


class WorkstationFormScreen(FormMixin, MifinScreen):
    """Add or change a workstation; dismissed with its name, or None."""

    TITLE_MSGID = N_("Workstation")
    AUTO_FOCUS = "#name"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="workstation_form.save")]

    def __init__(self, ctx: Context, existing: WorkstationView | None = None) -> None:
        super().__init__(ctx)
        self.existing = existing

    def compose_body(self) -> ComposeResult:
        w = self.existing
        me = workstations.session_identity(os.environ)
        receipt_kinds = [(_(KIND_LABELS[k]), k) for k in workstations.RECEIPT_KINDS]
        document_kinds = [(_(KIND_LABELS[k]), k) for k in workstations.DOCUMENT_KINDS]
        with VerticalScroll(classes="form"):
            yield from self.field_row(_("Name"), TextField(
                w.name if w else "", id="name", max_length=32,
                placeholder=_("as MIFIN_WORKSTATION says, e.g. GUICHET-1")), "name")
            yield from self.field_row(_("SSH address"), TextField(
                w.address if w else "", id="address", max_length=64,
                placeholder=_("IP address (this session: {address})").format(
                    address=me.address or "-")), "address")
            yield from self.field_row(_("Where"), TextField(
                w.location if w else "", id="location", max_length=80), "location")
            yield Static(_("Receipt printer (vouchers, roll)"), classes="group-title",
                         markup=False)
            yield from self.field_row(_("Kind"), FormSelect(
                receipt_kinds, id="receipt_kind", allow_blank=False,
                value=w.receipt_kind if w else "cups"), "receipt_kind")
            yield from self.field_row(_("Queue or folder"), TextField(
                w.receipt_target if w else "", id="receipt_target", max_length=200,
                placeholder=_("queue name, or folder (empty: default)")), "receipt_target")
            yield from self.field_row(_("Paper width"), FormSelect(
                [(_("{mm} mm").format(mm=mm), str(mm)) for mm in workstations.PAPER_WIDTHS],
                id="paper_mm", allow_blank=False, value=str(w.paper_mm if w else 80)),
                "paper_mm")
            yield Static(_("Document printer (A4)"), classes="group-title", markup=False)
            yield from self.field_row(_("Kind"), FormSelect(
                document_kinds, id="document_kind", allow_blank=False,
                value=w.document_kind if w else "cups"), "document_kind")
            yield from self.field_row(_("Queue or folder"), TextField(
                w.document_target if w else "", id="document_target", max_length=200,
                placeholder=_("queue name, or folder (empty: default)")), "document_target")
            yield from self.field_row(_("In use"), FormSelect(
                [(_("yes"), "1"), (_("no"), "0")], id="active", allow_blank=False,
                value="1" if (w is None or w.active) else "0", classes="submit-on-enter"),
                "active")
            yield FieldError(id="error-form")

    def action_submit(self) -> None:
        self.clear_errors()

        def text(name: str) -> str:
            return self.query_one(f"#{name}", TextField).value

        def choice(name: str) -> str:
            return str(self.query_one(f"#{name}", Select).value)

        draft = WorkstationDraft(
            name=text("name"), address=text("address"), location=text("location"),
            receipt_kind=choice("receipt_kind"), receipt_target=text("receipt_target"),
            paper_mm=int(choice("paper_mm")), document_kind=choice("document_kind"),
            document_target=text("document_target"), active=choice("active") == "1")
        if self.existing is None:
            ok, saved = self.call_service(workstations.add_workstation, self.ctx, draft)
        else:
            ok, saved = self.call_service(workstations.update_workstation, self.ctx,
                                          self.existing.id, draft)
        if ok:
            self.dismiss(saved.name)
