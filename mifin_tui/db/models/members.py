"""Members, their duplicate checks and their solidarity groups."""

from __future__ import annotations

import peewee as pw

from mifin_tui.db.models.base import BaseModel, new_uid
from mifin_tui.db.models.kernel import Branch, User


class Member(BaseModel):
    uid = pw.CharField(unique=True, default=new_uid)
    number = pw.CharField(unique=True, max_length=32)
    branch = pw.ForeignKeyField(Branch, backref="members")
    kind = pw.CharField(default="person")  # person | legal
    surname = pw.CharField(default="")
    postname = pw.CharField(default="")
    first_name = pw.CharField(default="")
    legal_name = pw.CharField(default="")
    sex = pw.CharField(default="", max_length=1)
    birth_date = pw.DateField(null=True)
    birth_place = pw.CharField(default="")
    phone = pw.CharField(default="")
    profession = pw.CharField(default="")
    address = pw.CharField(default="")
    commune = pw.CharField(default="")
    city = pw.CharField(default="")
    province = pw.CharField(default="")
    id_type = pw.CharField(default="")
    id_number = pw.CharField(default="", index=True)
    joined_on = pw.DateField()
    status = pw.CharField(default="member")  # founder | member | client | left
    # Lower-cased, accent-free words of number, names, phone and ID, with their compact
    # forms: the member picker's full-text index (member_fts, schema 4) mirrors it.
    search_key = pw.CharField()
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = pw.DateTimeField()
    # The rest of the fiche d'adhésion (schema 4).
    civil_status = pw.CharField(default="")
    id_issued_at = pw.CharField(default="")
    id_issued_on = pw.DateField(null=True)
    legal_form = pw.CharField(default="")
    registration = pw.CharField(default="")
    representative = pw.ForeignKeyField("self", null=True, backref="represented")
    representative_name = pw.CharField(default="")
    representative_phone = pw.CharField(default="")
    category = pw.CharField(default="")
    officer = pw.ForeignKeyField(User, null=True, backref="+")
    zone = pw.CharField(default="")
    left_on = pw.DateField(null=True)
    # Folded name and compacted ID number: the duplicate check reads them by index.
    name_key = pw.CharField(default="")
    id_key = pw.CharField(default="", index=True)
    forms_printed = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("name_key", "birth_date"), False),)


class DuplicateRequest(BaseModel):
    """A second record for a person already a member: waits for the gérant's decision.

    Approved, it lets the adhésion of exactly these fields go through once (`member`
    is then the record created)."""

    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="+")
    fields = pw.TextField()  # JSON of the fiche as typed
    display_name = pw.CharField()
    duplicate_of = pw.ForeignKeyField(Member, backref="+")
    reason = pw.CharField()
    status = pw.CharField(default="pending", index=True)  # pending | approved | refused | used
    requested_by = pw.ForeignKeyField(User, backref="+")
    requested_at = pw.DateTimeField()
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    decision_note = pw.CharField(default="")
    member = pw.ForeignKeyField(Member, null=True, backref="+")


class MemberGroup(BaseModel):
    """A solidarity group (groupe solidaire) or an association of members."""

    uid = pw.CharField(unique=True, default=new_uid)
    branch = pw.ForeignKeyField(Branch, backref="+")
    name = pw.CharField()
    kind = pw.CharField()  # solidarity | association
    meeting_place = pw.CharField(default="")
    status = pw.CharField(default="active")  # active | closed
    created_by = pw.ForeignKeyField(User, backref="+")
    created_at = pw.DateTimeField()


class GroupMembership(BaseModel):
    group = pw.ForeignKeyField(MemberGroup, backref="memberships")
    member = pw.ForeignKeyField(Member, backref="group_rows")
    role = pw.CharField(max_length=32)  # president | secretary | treasurer | member
    joined_on = pw.DateField()

    class Meta:
        indexes = ((("group", "member"), True),)


class MemberResignation(BaseModel):
    """A démission (#21): asked at the counter, approved by the gérant, then the shares
    are refunded at the till (the BS voucher's number kept here)."""

    uid = pw.CharField(unique=True, default=new_uid)
    member = pw.ForeignKeyField(Member, backref="+")
    state = pw.CharField(max_length=10, index=True)  # pending | approved | rejected | paid
    reason = pw.CharField()
    requested_by = pw.ForeignKeyField(User, backref="+")
    requested_at = pw.DateTimeField()
    decided_by = pw.ForeignKeyField(User, null=True, backref="+")
    decided_at = pw.DateTimeField(null=True)
    decision_note = pw.CharField(default="")
    paid_by = pw.ForeignKeyField(User, null=True, backref="+")
    paid_at = pw.DateTimeField(null=True)
    voucher_number = pw.CharField(default="")
