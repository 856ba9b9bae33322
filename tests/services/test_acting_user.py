"""The acting user of a command run at the server's shell: one rule for the closing and
the imports, and a disabled or locked user is never picked."""

from __future__ import annotations

from mifin_tui.db.models import User
from mifin_tui.services.admin import users


def _set(username: str, **state: bool) -> None:
    User.update(**state).where(User.username == username).execute()


def test_the_oldest_holder_of_the_roles_acts(admin, make_user):
    make_user("accountant", username="compta1")
    make_user("accountant", username="compta2")
    assert users.acting_user(("accountant",)).username == "compta1"
    assert users.acting_user(("manager",)) is None


def test_a_disabled_or_locked_user_is_never_picked(admin, make_user):
    make_user("accountant", username="compta1")
    make_user("accountant", username="compta2")
    make_user("accountant", username="compta3")
    _set("compta1", active=False)
    _set("compta2", locked=True)
    assert users.acting_user(("accountant",)).username == "compta3"
    _set("compta3", locked=True)
    assert users.acting_user(("accountant",)) is None
    assert users.acting_user(("accountant",), username="compta1") is None
    assert users.acting_user(("accountant",), username="compta2") is None


def test_only_one_or_nobody(admin, make_user):
    make_user("manager", username="gerant1")
    assert users.acting_user(("manager",), only=True).username == "gerant1"
    make_user("manager", username="gerant2")
    assert users.acting_user(("manager",), only=True) is None
    _set("gerant2", active=False)
    assert users.acting_user(("manager",), only=True).username == "gerant1"


def test_the_named_user_acts_whatever_his_roles(admin, make_user):
    make_user("cashier", username="caisse1")
    assert users.acting_user(("accountant",), username="caisse1").username == "caisse1"
    assert users.acting_user(("accountant",), username="nobody") is None
