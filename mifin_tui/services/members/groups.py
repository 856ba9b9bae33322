"""Solidarity groups (groupes solidaires) and associations: members with roles.

A member may belong to several groups; a group has at most one president, one
secretary and one treasurer. Group loans belong to the loans issues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import GroupMembership, Member, MemberGroup
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit, business_day, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members

KINDS = {"solidarity": N_("Solidarity group"), "association": N_("Association")}
ROLES = {"president": N_("President"), "secretary": N_("Secretary"),
         "treasurer": N_("Treasurer"), "member": N_("Member")}
OFFICER_ROLES = ("president", "secretary", "treasurer")


@dataclass(frozen=True)
class GroupMember:
    member_id: int
    number: str
    display_name: str
    role: str
    joined_on: date


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str
    kind: str
    meeting_place: str
    status: str
    size: int
    members: tuple[GroupMember, ...] = ()


def _view(g: MemberGroup, with_members: bool = False) -> GroupView:
    rows = list(GroupMembership.select(GroupMembership, Member).join(Member)
                .where(GroupMembership.group == g.id)
                .order_by(GroupMembership.role != "president", GroupMembership.role,
                          Member.surname))
    people = tuple(GroupMember(r.member.id, r.member.number, members.display_name(r.member),
                               r.role, r.joined_on) for r in rows) if with_members else ()
    return GroupView(g.id, g.name, g.kind, g.meeting_place, g.status, len(rows), people)


def _row(ctx: Context, group_id: int) -> MemberGroup:
    g = MemberGroup.get_or_none(MemberGroup.id == group_id)
    if g is None or g.branch_id != ctx.branch_id:
        raise NotFound(_("No such group."))
    return g


def _check(name: str, kind: str) -> dict[str, str]:
    errors = {}
    if not name.strip():
        errors["name"] = _("Required.")
    if kind not in KINDS:
        errors["kind"] = _("Solidarity group or association.")
    return errors


@requires("group.manage")
def create(ctx: Context, name: str, kind: str, meeting_place: str = "") -> GroupView:
    errors = _check(name, kind)
    if errors:
        raise ValidationError(errors)
    name = " ".join(name.split())
    with write_transaction():
        if MemberGroup.select().where((MemberGroup.branch == ctx.branch_id)
                                      & (MemberGroup.name == name)).exists():
            raise ValidationError({"name": _("A group of this name exists already.")})
        g = MemberGroup.create(branch=ctx.branch_id, name=name, kind=kind,
                               meeting_place=meeting_place.strip(), created_by=ctx.user_id,
                               created_at=clock.now())
        audit.record(ctx, "group.create", "group", str(g.id),
                     after={"name": name, "kind": kind, "meeting_place": g.meeting_place})
    return _view(g, True)


@requires("group.manage")
def edit(ctx: Context, group_id: int, name: str, kind: str, meeting_place: str = "",
         status: str = "active") -> GroupView:
    errors = _check(name, kind)
    if status not in ("active", "closed"):
        errors["status"] = _("Active or closed.")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        g = _row(ctx, group_id)
        before = {"name": g.name, "kind": g.kind, "meeting_place": g.meeting_place,
                  "status": g.status}
        after = {"name": " ".join(name.split()), "kind": kind,
                 "meeting_place": meeting_place.strip(), "status": status}
        MemberGroup.update(**after).where(MemberGroup.id == g.id).execute()
        audit.record(ctx, "group.edit", "group", str(g.id), before=before, after=after)
        g = MemberGroup.get_by_id(g.id)
    return _view(g, True)


@requires("group.manage")
def add_member(ctx: Context, group_id: int, member_id: int, role: str = "member"
               ) -> GroupView:
    """Add a member with a role, or change his role if he is in the group already."""
    if role not in ROLES:
        raise ValidationError({"role": _("President, secretary, treasurer or member.")})
    with write_transaction():
        g = _row(ctx, group_id)
        m = members.row(member_id)
        if m.status == "left":
            raise ValidationError({"member": _("Member {number} has left the institution.")
                                  .format(number=m.number)})
        if role in OFFICER_ROLES:
            holder = (GroupMembership.select().where(
                (GroupMembership.group == g.id) & (GroupMembership.role == role)
                & (GroupMembership.member != m.id)).first())
            if holder is not None:
                raise Conflict(_("The group has a {role} already: {who}.").format(
                    role=_(ROLES[role]).lower(), who=members.display_name(holder.member)))
        current = GroupMembership.get_or_none((GroupMembership.group == g.id)
                                              & (GroupMembership.member == m.id))
        if current is None:
            GroupMembership.create(group=g.id, member=m.id, role=role,
                                   joined_on=business_day.open_date(ctx.branch_id)
                                   or clock.today())
            audit.record(ctx, "group.add_member", "group", str(g.id),
                         after={"member": m.number, "role": role})
        elif current.role != role:
            GroupMembership.update(role=role).where(GroupMembership.id == current.id).execute()
            audit.record(ctx, "group.change_role", "group", str(g.id),
                         before={"member": m.number, "role": current.role},
                         after={"member": m.number, "role": role})
    return _view(g, True)


@requires("group.manage")
def remove_member(ctx: Context, group_id: int, member_id: int) -> GroupView:
    with write_transaction():
        g = _row(ctx, group_id)
        current = GroupMembership.get_or_none((GroupMembership.group == g.id)
                                              & (GroupMembership.member == member_id))
        if current is None:
            raise NotFound(_("This member is not in the group."))
        number = current.member.number
        GroupMembership.delete().where(GroupMembership.id == current.id).execute()
        audit.record(ctx, "group.remove_member", "group", str(g.id),
                     before={"member": number, "role": current.role})
    return _view(g, True)


@requires("member.read")
def list_groups(ctx: Context, text: str = "") -> list[GroupView]:
    query = MemberGroup.select().where(MemberGroup.branch == ctx.branch_id)
    if text.strip():
        query = query.where(MemberGroup.name.contains(text.strip()))
    return [_view(g) for g in query.order_by(MemberGroup.name)]


@requires("member.read")
def get(ctx: Context, group_id: int) -> GroupView:
    return _view(_row(ctx, group_id), True)
