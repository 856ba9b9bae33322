"""Groups and associations: the list, each group's members and officers.

F2 creates a group, F4 edits the one under the cursor, F5 adds a member (or changes his
role), F6 takes the highlighted member out. Tab goes between the groups and the members.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Select, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.base import DialogScreen, FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.members import groups
from mifin_tui.services.members import register as members
from mifin_tui.services.members.groups import GroupView
from mifin_tui.widgets import FieldError, FormSelect, MemberPicker, MifinFooter, TextField


class GroupDialog(FormMixin, DialogScreen):
    """Name, kind and meeting place of a group; F2 saves through `save(name, kind, place)`."""

    AUTO_FOCUS = "#name"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="group.save")]

    def __init__(self, title: str, save: Callable[[str, str, str], Any],
                 group: GroupView | None = None) -> None:
        super().__init__()
        self.title_text, self.save, self.group = title, save, group

    def compose(self) -> ComposeResult:
        g = self.group
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="screen-title", markup=False)
            yield from self.field_row(_("Name"), TextField(g.name if g else "", id="name",
                                                           max_length=120), "name")
            yield from self.field_row(_("Kind"), FormSelect(
                [(_(label), key) for key, label in groups.KINDS.items()], id="kind",
                value=g.kind if g else "solidarity", allow_blank=False), "kind")
            yield from self.field_row(_("Meets at"), TextField(
                g.meeting_place if g else "", id="meeting_place", max_length=120,
                classes="submit-on-enter"), "meeting_place")
            yield FieldError(id="error-form")
        yield MifinFooter()

    def action_submit(self) -> None:
        self.clear_errors()
        ok, result = self.call_service(
            self.save, self.query_one("#name", TextField).value,
            str(self.query_one("#kind", Select).value),
            self.query_one("#meeting_place", TextField).value)
        if ok:
            self.dismiss(result)


class AddMemberDialog(FormMixin, DialogScreen):
    """A member (search as you type) and his role in the group; F2 adds him."""

    AUTO_FOCUS = "#pick Input"
    BINDINGS = [Binding("f2", "submit", N_("Add"), id="group.add")]

    def __init__(self, ctx: Context, group: GroupView) -> None:
        super().__init__()
        self.ctx, self.group = ctx, group
        self.member = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(_("Add a member to {group}").format(group=self.group.name),
                         classes="screen-title", markup=False)
            with Horizontal(classes="row"):
                yield Label(_("Member"), markup=False)
                yield MemberPicker(lambda text: members.search(self.ctx, text, limit=5),
                                   id="pick")
            yield Static("", id="picked", classes="summary", markup=False)
            yield from self.field_row(_("Role"), FormSelect(
                [(_(label), key) for key, label in groups.ROLES.items()], id="role",
                value="member", allow_blank=False), "role")
            yield FieldError(id="error-member")
            yield FieldError(id="error-form")
        yield MifinFooter()

    @on(MemberPicker.Selected)
    def _picked(self, event: MemberPicker.Selected) -> None:
        self.member = event.member
        self.query_one("#picked", Static).update(f"{event.member.number}  "
                                                 f"{event.member.display_name}")
        self.query_one("#role").focus()

    def action_submit(self) -> None:
        self.clear_errors()
        if self.member is None:
            self.show_errors({"member": _("Choose a member first.")})
            return
        ok, result = self.call_service(groups.add_member, self.ctx, self.group.id,
                                       self.member.id,
                                       str(self.query_one("#role", Select).value))
        if ok:
            self.dismiss(result)


class GroupsScreen(MifinScreen):
    TITLE_MSGID = N_("Groups and associations")
    AUTO_FOCUS = "#groups"
    BINDINGS = [
        Binding("f2", "new", N_("New group"), id="groups.new"),
        Binding("f4", "edit", N_("Edit"), id="groups.edit"),
        Binding("f5", "add", N_("Add member"), id="groups.add"),
        Binding("f6", "remove", N_("Remove member"), id="groups.remove"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.shown: list[GroupView] = []
        self.detail: GroupView | None = None

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="groups", cursor_type="row")
        yield Static("", id="group-title", classes="summary", markup=False)
        yield DataTable(id="group-members", cursor_type="row")
        yield Static("", id="groups-message", classes="hint", markup=False)

    def on_mount(self) -> None:
        t = self.query_one("#groups", DataTable)
        for title, width in ((_("Group"), 38), (_("Kind"), 18), (_("Members"), 8),
                             (_("State"), 8)):
            t.add_column(title, width=width)
        m = self.query_one("#group-members", DataTable)
        for title, width in ((_("Member"), 12), (_("Name"), 36), (_("Role"), 14)):
            m.add_column(title, width=width)
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new", "edit", "add", "remove"):
            return self.ctx.can("group.manage")
        return True

    def reload(self, select: int | None = None) -> None:
        try:
            self.shown = groups.list_groups(self.ctx)
        except MifinError as exc:
            self.query_one("#groups-message", Static).update(str(exc))
            return
        table = self.query_one("#groups", DataTable)
        table.clear()
        for g in self.shown:
            table.add_row(Text(g.name, no_wrap=True, overflow="ellipsis"),
                          Text(_(groups.KINDS[g.kind])), Text(str(g.size), justify="right"),
                          Text(_("active") if g.status == "active" else _("CLOSED")))
        if select is not None:
            row = next((i for i, g in enumerate(self.shown) if g.id == select), 0)
            table.move_cursor(row=row)
        self.show_group()

    def current(self) -> GroupView | None:
        row = self.query_one("#groups", DataTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "groups":
            self.show_group()

    def show_group(self) -> None:
        g = self.current()
        table = self.query_one("#group-members", DataTable)
        table.clear()
        if g is None:
            self.detail = None
            self.query_one("#group-title", Static).update(_("No group yet: F2 creates one."))
            return
        self.detail = groups.get(self.ctx, g.id)
        self.query_one("#group-title", Static).update(
            f"{g.name} — {_(groups.KINDS[g.kind])}" + (f" — {g.meeting_place}"
                                                      if g.meeting_place else ""))
        for m in self.detail.members:
            table.add_row(Text(m.number), Text(m.display_name, no_wrap=True),
                          Text(_(groups.ROLES[m.role])))

    def action_new(self) -> None:
        self.app.push_screen(GroupDialog(
            _("New group"), lambda name, kind, place: groups.create(self.ctx, name, kind,
                                                                    place)), self._saved)

    def action_edit(self) -> None:
        g = self.current()
        if g is not None:
            self.app.push_screen(GroupDialog(
                _("Edit the group"), lambda name, kind, place: groups.edit(
                    self.ctx, g.id, name, kind, place, g.status), g), self._saved)

    def action_add(self) -> None:
        g = self.current()
        if g is not None:
            self.app.push_screen(AddMemberDialog(self.ctx, g), self._saved)

    def action_remove(self) -> None:
        g, d = self.current(), self.detail
        row = self.query_one("#group-members", DataTable).cursor_row
        if g is None or d is None or not 0 <= row < len(d.members):
            return
        m = d.members[row]

        def done(confirmed: bool | None) -> None:
            if confirmed:
                try:
                    self._saved(groups.remove_member(self.ctx, g.id, m.member_id))
                except MifinError as exc:
                    self.query_one("#groups-message", Static).update(str(exc))

        self.app.push_screen(ConfirmDialog(_("Remove a member"), [
            _("Take {name} out of {group}?").format(name=m.display_name, group=g.name)]),
            done)

    def _saved(self, group: GroupView | None) -> None:
        if group is not None:
            self.reload(select=group.id)
            self.query_one("#groups-message", Static).update(
                ngettext("{name}: {count} member.", "{name}: {count} members.",
                         group.size).format(name=group.name, count=group.size))
