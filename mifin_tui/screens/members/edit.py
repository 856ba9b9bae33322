"""Correct a member's fiche: the same fields as the adhésion, saved through the members
service (audited with the fields before and after). The kind cannot change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.members.fields import MemberFieldsMixin
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.members import register as members
from mifin_tui.services.members.register import MemberDetail
from mifin_tui.widgets import FieldError


class MemberEditScreen(MemberFieldsMixin, FormMixin, MifinScreen):
    TITLE_MSGID = N_("Correct a member's record")
    AUTO_FOCUS = "#phone"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="member_edit.save")]

    def __init__(self, ctx: Context, member: MemberDetail) -> None:
        super().__init__(ctx)
        self.member = member

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form", can_focus=False):
            yield from self.compose_member_fields(self.member.values(), kind_fixed=True)
            yield FieldError(id="error-form")

    def on_mount(self) -> None:
        self.on_mount_member_fields()
        self.query_one("#zone").add_class("submit-on-enter")
        self.sub_title = f"{self.member.number}  {self.member.display_name}"

    def action_submit(self) -> None:
        self.clear_errors()
        values = self.member_values()
        if self.member.kind == "legal" and not values["representative_id"] and \
                values["representative_name"] == self.member.representative_name:
            values["representative_id"] = self.member.representative_id
            values["representative_name"] = "" if self.member.representative_id else \
                values["representative_name"]
        ok, _detail = self.call_service(members.update, self.ctx, self.member.id, values)
        if ok:
            self.notify(_("Member {number} saved.").format(number=self.member.number),
                        markup=False)
            self.dismiss(True)
