"""Login and passwords (#21): argon2id, NIST SP 800-63B rules with the shipped list,
waits that end by themselves, one answer after one hash check for every refusal,
one-time passwords that open nothing but their change, incompatible roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from mifin_tui.db.models import AuditLog, User
from mifin_tui.services.admin import users
from mifin_tui.services.kernel import auth, clock
from mifin_tui.services.kernel.errors import (
    AuthenticationError,
    Conflict,
    PermissionDenied,
    ValidationError,
)
from mifin_tui.services.kernel.permissions import PERMISSION_LABELS, REGISTRY, may
from tests.conftest import ADMIN_PASSWORD, PASSWORD


class FakeClock:
    def __init__(self):
        self.moment = clock.now()

    def now(self):
        return self.moment

    def advance(self, seconds):
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def fake_clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(clock, "now", fake.now)
    return fake


def _user(admin, username="mbuyi", roles=("cashier",), full_name="Mbuyi Kalala"):
    """A user who has already replaced his first password by PASSWORD."""
    users.add_user(admin, username, full_name, PASSWORD, list(roles))
    User.update(must_change_password=False).where(User.username == username).execute()


def test_login_returns_the_users_context(admin):
    _user(admin, roles=("cashier", "loan_officer"))
    ctx = auth.login("  MBUYI ", PASSWORD)
    assert ctx.username == "mbuyi" and ctx.roles == {"cashier", "loan_officer"}
    assert ctx.can("ledger.post") and not ctx.can("user.manage")


@pytest.mark.production_hashing  # what production stores, not the suite's cheap hash
def test_hash_is_argon2id_with_owasp_parameters(admin):
    stored = User.get(User.username == "admin").password_hash
    assert stored.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in stored


# --- the password rules -------------------------------------------------------------------


def test_the_shipped_list_is_loaded_with_the_local_words():
    common = auth.common_passwords()
    assert len(common) > 25_000
    assert {"azerty", "motdepasse", "123456789", "password", "kinshasa"} <= common


@pytest.mark.parametrize("password", [
    "12345678", "password", "admin123",          # the issue's: too short
    "qwertyuiop", "1234567890", "motdepasse", "azertyuiop", "password123",  # on the list
    "Password2026!", "AZERTY-2026", "2026_motdepasse", "Kinshasa2026",  # list, decorated
    "aaaaaaaaaaaa", "abcdefghijk", "9876543210",  # runs
    " Leading-space-1",
])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError) as err:
        auth.check_password_policy(password)
    assert "password" in err.value.errors


@pytest.mark.parametrize("password", [
    "mbuyi-at-the-counter", "Counter-MBUYI-26",  # the login, any case
    "kalala-est-la-2026",                       # a word of his name
])
def test_a_password_with_the_users_own_name_is_refused(password):
    with pytest.raises(ValidationError, match="name or login"):
        auth.check_password_policy(password, username="mbuyi", full_name="Mbuyi Kalala")


@pytest.mark.parametrize("password", [
    PASSWORD, "le fleuve coule vers la mer", "Pirogue-tambour-58", "k7mx-q2pd-9hte",
])
def test_long_uncommon_passwords_pass_without_composition_rules(password):
    auth.check_password_policy(password, username="mbuyi", full_name="Mbuyi Kalala")


def test_the_rules_apply_to_new_users_and_own_changes(admin):
    with pytest.raises(ValidationError) as err:
        users.add_user(admin, "mbuyi", "Mbuyi Kalala", "Mbuyi-2026-pass", ["cashier"])
    assert "name or login" in err.value.errors["password"]
    with pytest.raises(ValidationError) as err:
        users.add_user(admin, "mbuyi", "Mbuyi Kalala", "motdepasse", ["cashier"])
    assert "common" in err.value.errors["password"]
    with pytest.raises(ValidationError) as short:
        auth.change_own_password(admin, ADMIN_PASSWORD, "short")
    assert "new" in short.value.errors
    with pytest.raises(ValidationError) as common:
        auth.change_own_password(admin, ADMIN_PASSWORD, "azertyuiop123")
    assert "new" in common.value.errors
    with pytest.raises(ValidationError) as wrong:
        auth.change_own_password(admin, "not-the-password", "Brand-new-pass-1")
    assert "old" in wrong.value.errors
    ctx = auth.change_own_password(admin, ADMIN_PASSWORD, "Brand-new-pass-1")
    assert ctx.can("user.manage")
    assert auth.login("admin", "Brand-new-pass-1")


# --- one answer, one hash check -------------------------------------------------------------


class CountingHasher:
    def __init__(self, real):
        self.real, self.verified = real, 0

    def verify(self, stored, password):
        self.verified += 1
        return self.real.verify(stored, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_unknown_disabled_locked_waiting_and_wrong_get_the_same_answer_and_work(
        admin, fake_clock, monkeypatch):
    for name in ("disabled1", "locked1", "waiting1", "wrong1"):
        _user(admin, name, full_name=f"User {name}")
    User.update(active=False).where(User.username == "disabled1").execute()
    users.lock_user(admin, "locked1")
    for _i in range(5):
        with pytest.raises(AuthenticationError):
            auth.login("waiting1", "bad-password-1")
    counting = CountingHasher(auth.hasher())
    monkeypatch.setattr(auth, "hasher", lambda: counting)
    answers = {}
    # the right password for the known ones: refused all the same, after the same check
    for name, password in (("nobody", PASSWORD), ("disabled1", PASSWORD),
                           ("locked1", PASSWORD), ("waiting1", PASSWORD),
                           ("wrong1", "bad-password-1")):
        before = counting.verified
        with pytest.raises(AuthenticationError) as refused:
            auth.login(name, password)
        assert counting.verified == before + 1, name
        answers[name] = str(refused.value)
    assert len(set(answers.values())) == 1, answers
    assert "bloqu" not in answers["nobody"] and " s " not in answers["nobody"]


def test_a_name_that_is_no_user_never_reaches_the_audit(admin):
    """A password typed in the name field is not kept; a known user's failure names him."""
    with pytest.raises(AuthenticationError):
        auth.login("Secret-typed-in-the-name-field", "whatever-it-is")
    with pytest.raises(AuthenticationError):
        auth.login("admin", "Typo-of-the-password")
    rows = list(AuditLog.select().where(AuditLog.action == "login.failed")
                .order_by(AuditLog.seq))
    assert len(rows) == 2
    for row in rows:
        text = " ".join((row.username, row.entity_id, row.before, row.after))
        assert "secret-typed" not in text.lower() and "Typo" not in text
    assert rows[0].entity_id == "" and rows[1].entity_id == "admin"


# --- waits that end by themselves -----------------------------------------------------------


def test_the_wait_grows_then_caps_at_an_hour():
    assert [auth.lockout_seconds(n, free=5) for n in range(0, 13)] == [
        0, 0, 0, 0, 0, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_five_failures_earn_a_wait_that_ends_by_itself(admin, fake_clock):
    _user(admin)
    for _i in range(5):
        with pytest.raises(AuthenticationError):
            auth.login("mbuyi", "bad-password-1")
    with pytest.raises(AuthenticationError):
        auth.login("mbuyi", PASSWORD)  # even the right password waits
    fake_clock.advance(30)
    for _i in range(10):  # tries during the wait do not lengthen it
        with pytest.raises(AuthenticationError):
            auth.login("mbuyi", "bad-password-1")
    assert User.get(User.username == "mbuyi").failed_attempts == 5
    fake_clock.advance(31)
    assert auth.login("mbuyi", PASSWORD).username == "mbuyi"
    user = User.get(User.username == "mbuyi")
    assert user.failed_attempts == 0 and not user.locked


def test_the_next_failure_doubles_the_wait_and_never_locks(admin, fake_clock):
    _user(admin)
    for _i in range(6):
        with pytest.raises(AuthenticationError):
            auth.login("mbuyi", "bad-password-1")
        fake_clock.advance(61)  # past the first wait after the fifth
    assert users.list_users(admin)[-1].waiting_until is not None
    fake_clock.advance(60)  # 121 s after the sixth failure's 120 s wait began
    assert auth.login("mbuyi", PASSWORD)
    assert not User.get(User.username == "mbuyi").locked


def test_the_administrator_lifts_a_wait_sooner(admin, fake_clock):
    _user(admin)
    for _i in range(5):
        with pytest.raises(AuthenticationError):
            auth.login("mbuyi", "bad-password-1")
    users.unlock_user(admin, "mbuyi")
    assert auth.login("mbuyi", PASSWORD)


def test_idle_unlock_counts_only_real_tries(admin, fake_clock):
    with pytest.raises(ValidationError):
        auth.unlock_session(admin, "150")  # keys typed back at the desk: no try
    assert User.get(User.username == "admin").failed_attempts == 0
    with pytest.raises(AuthenticationError):
        auth.unlock_session(admin, "bad-password")
    assert User.get(User.username == "admin").failed_attempts == 1
    auth.unlock_session(admin, ADMIN_PASSWORD)
    assert AuditLog.select().where(AuditLog.action == "session.unlock").count() == 1


@pytest.mark.production_hashing  # what production stores, not the suite's cheap hash
def test_password_is_rehashed_when_parameters_change(admin, monkeypatch):
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    User.update(password_hash=weaker.hash(ADMIN_PASSWORD)).where(
        User.username == "admin").execute()
    auth.login("admin", ADMIN_PASSWORD)
    assert "m=19456,t=2,p=1" in User.get(User.username == "admin").password_hash


# --- one-time passwords ----------------------------------------------------------------------


def test_the_administrator_cannot_act_with_a_one_time_password(admin):
    _user(admin, "gerant", ("manager",), "Gérant Mukendi")
    otp = users.reset_password(admin, "gerant")
    auth.check_password_policy(otp)  # a generated one meets the rules
    assert AuditLog.select().where(AuditLog.action == "user.password.reset").count() == 1
    with pytest.raises(AuthenticationError):
        auth.login("gerant", PASSWORD)  # the old one is gone
    ctx = auth.login("gerant", otp)
    assert ctx.must_change_password and not ctx.permissions
    assert not any(may(ctx, p) for p in PERMISSION_LABELS)
    for name in ("mifin_tui.services.admin.users.list_users",
                 "mifin_tui.services.admin.users.reset_logins"):
        with pytest.raises(PermissionDenied):
            REGISTRY[name].function(ctx)
    # whoever logged in with it, the gérant sees that first login
    row = AuditLog.get(AuditLog.action == "login.after_reset")
    assert row.username == "gerant" and '"reset_by": "admin"' in row.after
    new = auth.change_own_password(ctx, otp, "Ma-nouvelle-phrase-26")
    assert not new.must_change_password and new.can("loan.approve")
    seen = users.reset_logins(new)
    assert [(r.username, r.reset_by) for r in seen] == [("gerant", "admin")]
    assert not auth.login("gerant", "Ma-nouvelle-phrase-26").must_change_password
    # a second login with the new password is no longer a first login after a reset
    assert AuditLog.select().where(AuditLog.action == "login.after_reset").count() == 1


def test_an_administrator_does_not_reset_his_own_password(admin):
    with pytest.raises(Conflict):
        users.reset_password(admin, "admin")


def test_a_reset_lifts_the_wait(admin, fake_clock):
    _user(admin)
    for _i in range(5):
        with pytest.raises(AuthenticationError):
            auth.login("mbuyi", "bad-password-1")
    otp = users.reset_password(admin, "mbuyi")
    assert auth.login("mbuyi", otp).must_change_password


# --- incompatible roles ----------------------------------------------------------------------

# The specification, written apart from the code's table.
INCOMPATIBLE = [
    ("cashier", "manager"), ("cashier", "accountant"), ("cashier", "auditor"),
    ("auditor", "loan_officer"), ("auditor", "committee"), ("auditor", "manager"),
    ("auditor", "accountant"),
    ("admin", "cashier"), ("admin", "loan_officer"), ("admin", "committee"),
    ("admin", "manager"), ("admin", "accountant"),
]
COMPATIBLE = [("cashier", "loan_officer"), ("committee", "loan_officer"),
              ("manager", "loan_officer"), ("manager", "accountant"), ("admin", "auditor"),
              ("cashier", "committee")]
LABELS = {"cashier": "Cashier", "manager": "Branch manager", "accountant": "Accountant",
          "auditor": "Auditor", "admin": "Administrator", "loan_officer": "Loan officer",
          "committee": "Credit committee member"}


@pytest.mark.parametrize("pair", INCOMPATIBLE, ids="+".join)
def test_incompatible_roles_are_refused_with_the_pair_named(admin, pair):
    with pytest.raises(ValidationError) as err:
        users.add_user(admin, "mbuyi", "Mbuyi Kalala", PASSWORD, list(pair))
    message = err.value.errors["roles"]
    assert LABELS[pair[0]] in message and LABELS[pair[1]] in message
    _user(admin, roles=(pair[0],))
    with pytest.raises(ValidationError) as err:
        users.set_roles(admin, "mbuyi", list(pair))
    assert LABELS[pair[1]] in err.value.errors["roles"]
    assert users.list_users(admin)[-1].roles == (pair[0],)


@pytest.mark.parametrize("pair", COMPATIBLE, ids="+".join)
def test_compatible_roles_are_accepted(admin, pair):
    assert users.add_user(admin, "mbuyi", "Mbuyi Kalala", PASSWORD, list(pair)).roles == \
        tuple(sorted(pair))


def test_an_administrator_never_grants_himself_an_operating_role(admin):
    for role in ("manager", "cashier", "accountant"):
        with pytest.raises((Conflict, ValidationError)):
            users.set_roles(admin, "admin", ["admin", role])
    with pytest.raises(Conflict):
        users.set_roles(admin, "admin", ["manager"])
    assert users.list_users(admin)[0].roles == ("admin",)


def test_new_user_validation_reports_every_field_at_once(admin):
    with pytest.raises(ValidationError) as err:
        users.add_user(admin, "9bad name", "", "short", ["cashier", "pope"])
    assert set(err.value.errors) == {"username", "full_name", "password", "roles"}
    assert User.select().count() == 1


def test_only_an_administrator_manages_users(admin, make_user):
    cashier = make_user("cashier")
    with pytest.raises(PermissionDenied):
        users.add_user(cashier, "eve", "Eve", PASSWORD, ["admin"])
    with pytest.raises(PermissionDenied):
        users.unlock_user(cashier, "admin")


def test_the_gerant_is_told_once_of_a_first_login_after_a_reset(admin, fake_clock):
    _user(admin, "gerant", ("manager",), "Gérant Mukendi")
    _user(admin, "kabongo", ("cashier",), "Kabongo Ilunga")
    first = auth.login("gerant", PASSWORD)
    assert users.reset_logins_since_my_last_login(first) == []
    otp = users.reset_password(admin, "kabongo")
    fake_clock.advance(60)
    auth.login("kabongo", otp)  # whoever typed it
    fake_clock.advance(60)
    second = auth.login("gerant", PASSWORD)
    seen = users.reset_logins_since_my_last_login(second)
    assert [(r.username, r.reset_by) for r in seen] == [("kabongo", "admin")]
    fake_clock.advance(60)
    third = auth.login("gerant", PASSWORD)
    assert users.reset_logins_since_my_last_login(third) == []  # told once
    assert [r.username for r in users.reset_logins(third)] == ["kabongo"]  # still listed
    with pytest.raises(PermissionDenied):
        users.reset_logins_since_my_last_login(auth.login("kabongo", otp))
