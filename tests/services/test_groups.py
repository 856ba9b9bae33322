"""Groups and associations: officers unique per group, a member in several groups, audit."""

from __future__ import annotations

from datetime import date

import pytest

from mifin_tui import db
from mifin_tui.db.models import AuditLog
from mifin_tui.services.kernel.errors import Conflict, PermissionDenied, ValidationError
from mifin_tui.services.members import groups
from mifin_tui.services.members import register as members


@pytest.fixture
def people(admin):
    with db.write_transaction():
        return [members.create_row(admin, {"surname": s, "first_name": f, "sex": "F"},
                                   date(2025, 1, 1)).id
                for s, f in (("Kabongo", "Ruth"), ("Mbuyi", "Esther"), ("Ilunga", "Grâce"))]


def test_groups_with_officers_and_a_member_in_two_groups(make_user, people):
    agent = make_user("loan_officer")
    with pytest.raises(ValidationError) as err:
        groups.create(agent, "", "club")
    assert set(err.value.errors) == {"name", "kind"}
    g1 = groups.create(agent, "Groupe solidaire Bomoko", "solidarity", "Marché Gambela")
    g2 = groups.create(agent, "Association des maraîchères de Kimbanseke", "association")
    with pytest.raises(ValidationError):
        groups.create(agent, "Groupe solidaire Bomoko", "solidarity")
    groups.add_member(agent, g1.id, people[0], "president")
    groups.add_member(agent, g1.id, people[1], "treasurer")
    with pytest.raises(Conflict, match="president already"):
        groups.add_member(agent, g1.id, people[2], "president")
    view = groups.add_member(agent, g2.id, people[0], "secretary")
    assert [m.role for m in view.members] == ["secretary"]
    view = groups.add_member(agent, g1.id, people[1], "member")  # a change of role
    assert {m.member_id: m.role for m in groups.get(agent, g1.id).members} == {
        people[0]: "president", people[1]: "member"}
    view = groups.remove_member(agent, g1.id, people[1])
    assert view.size == 1
    edited = groups.edit(agent, g1.id, "Groupe solidaire Bomoko II", "solidarity", "", "closed")
    assert (edited.name, edited.status) == ("Groupe solidaire Bomoko II", "closed")
    assert [g.size for g in groups.list_groups(agent)] == [1, 1]
    actions = [a.action for a in AuditLog.select().where(AuditLog.action.startswith("group."))]
    assert actions.count("group.add_member") == 3 and "group.change_role" in actions
    assert "group.remove_member" in actions and "group.edit" in actions
    with pytest.raises(PermissionDenied):
        groups.create(make_user("cashier"), "Tontine", "association")
