"""Second records to approve (gérant): a person already a member asks for another record.

The request shows who asked, why, and the member he looks like; F2 approves, F4 refuses
(with a reason). Nobody decides his own request (the service refuses it).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.members import adhesion
from mifin_tui.services.members.adhesion import DuplicateRequestView


class DuplicateApprovalsScreen(MifinScreen):
    TITLE_MSGID = N_("Second records to approve")
    AUTO_FOCUS = "#requests"
    BINDINGS = [
        Binding("f2", "decide(True)", N_("Approve"), id="duplicates.approve"),
        Binding("f4", "decide(False)", N_("Refuse"), id="duplicates.refuse"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.shown: list[DuplicateRequestView] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="requests", cursor_type="row")
        yield Static("", id="request-detail", classes="summary", markup=False)
        yield Static("", id="request-message", classes="hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#requests", DataTable)
        table.add_column(_("No."), width=4)
        table.add_column(_("Person"), width=26)
        table.add_column(_("Looks like"), width=26)
        table.add_column(_("Asked by"), width=16)
        self.reload()

    def reload(self) -> None:
        table = self.query_one("#requests", DataTable)
        table.clear()
        try:
            self.shown = adhesion.pending_duplicates(self.ctx)
        except MifinError as exc:
            self.query_one("#request-message", Static).update(str(exc))
            return
        for r in self.shown:
            table.add_row(Text(str(r.id)), Text(r.display_name, no_wrap=True),
                          Text(f"{r.duplicate_of.number} {r.duplicate_of.display_name}",
                               no_wrap=True), Text(r.requested_by, no_wrap=True))
        if not self.shown:
            self.query_one("#request-detail", Static).update(_("No request is waiting."))

    def current(self) -> DuplicateRequestView | None:
        row = self.query_one("#requests", DataTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        r = self.current()
        if r is None:
            return
        f = r.fields
        self.query_one("#request-detail", Static).update("\n".join([
            _("Reason: {reason}").format(reason=r.reason),
            _("Born {birth}; ID {id}; phone {phone}").format(
                birth=f.get("birth_date") or "-", id=f.get("id_number") or "-",
                phone=f.get("phone") or "-"),
            _("Member on the books: {number} {name}, ID {id}").format(
                number=r.duplicate_of.number, name=r.duplicate_of.display_name,
                id=r.duplicate_of.id_number or "-"),
        ]))

    def action_decide(self, approve: bool) -> None:
        r = self.current()
        if r is None:
            return
        title = _("Approve a second record") if approve else _("Refuse a second record")
        self.app.push_screen(NoteDialog(
            title, [r.display_name, _("Looks like {number} {name}").format(
                number=r.duplicate_of.number, name=r.duplicate_of.display_name)],
            lambda note: adhesion.decide_duplicate(self.ctx, r.id, approve, note),
            note_label=_("Note") if approve else _("Why is it refused?")), self._decided)

    def _decided(self, result: DuplicateRequestView | None) -> None:
        if result is None:
            return
        word = _("approved") if result.status == "approved" else _("refused")
        self.query_one("#request-message", Static).update(
            _("Request {id} {word}.").format(id=result.id, word=word))
        self.reload()
