"""Login: argon2id, growing delays, lockout, rehash, idle unlock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from mifin_tui.db.models import AuditLog, User
from mifin_tui.services.admin import users
from mifin_tui.services.kernel import auth, clock
from mifin_tui.services.kernel.errors import (
    AccountLocked,
    AuthenticationError,
    PermissionDenied,
    RetryLater,
    ValidationError,
)
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


def test_login_returns_the_users_context(admin):
    users.add_user(admin, "mbuyi", "Mbuyi Kalala", PASSWORD, ["cashier", "loan_officer"])
    ctx = auth.login("  MBUYI ", PASSWORD)
    assert ctx.username == "mbuyi" and ctx.roles == {"cashier", "loan_officer"}
    assert ctx.can("ledger.post") and not ctx.can("user.manage")


@pytest.mark.production_hashing  # what production stores, not the suite's cheap hash
def test_hash_is_argon2id_with_owasp_parameters(admin):
    stored = User.get(User.username == "admin").password_hash
    assert stored.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in stored


def test_unknown_user_and_wrong_password_say_the_same(admin):
    with pytest.raises(AuthenticationError) as unknown:
        auth.login("nobody", PASSWORD)
    with pytest.raises(AuthenticationError) as wrong:
        auth.login("admin", "wrong-password")
    assert str(unknown.value) == str(wrong.value)


def test_failures_earn_a_growing_wait_then_lock(admin, fake_clock):
    users.add_user(admin, "mbuyi", "Mbuyi Kalala", PASSWORD, ["cashier"])
    waits = []
    for _attempt in range(1, 5):
        with pytest.raises(AuthenticationError):
            auth.login("mbuyi", "bad-password")
        with pytest.raises(RetryLater) as retry:
            auth.login("mbuyi", PASSWORD)  # even the right password must wait
        waits.append(retry.value.seconds)
        fake_clock.advance(retry.value.seconds)
    assert waits == sorted(waits) and waits[-1] > waits[0]
    with pytest.raises(AccountLocked):
        auth.login("mbuyi", "bad-password")  # fifth failure
    fake_clock.advance(3600)
    with pytest.raises(AccountLocked):
        auth.login("mbuyi", PASSWORD)  # time does not unlock; an administrator does
    assert User.get(User.username == "mbuyi").locked
    users.unlock_user(admin, "mbuyi")
    assert auth.login("mbuyi", PASSWORD).username == "mbuyi"


def test_success_resets_the_failure_count(admin, fake_clock):
    users.add_user(admin, "mbuyi", "Mbuyi Kalala", PASSWORD, ["cashier"])
    for _i in range(3):
        with pytest.raises(AuthenticationError):
            auth.login("mbuyi", "bad-password")
        fake_clock.advance(60)
    auth.login("mbuyi", PASSWORD)
    assert User.get(User.username == "mbuyi").failed_attempts == 0


@pytest.mark.production_hashing  # what production stores, not the suite's cheap hash
def test_password_is_rehashed_when_parameters_change(admin, monkeypatch):
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    User.update(password_hash=weaker.hash(ADMIN_PASSWORD)).where(
        User.username == "admin").execute()
    auth.login("admin", ADMIN_PASSWORD)
    assert "m=19456,t=2,p=1" in User.get(User.username == "admin").password_hash


def test_idle_unlock_checks_the_password_and_counts_failures(admin, fake_clock):
    with pytest.raises(AuthenticationError):
        auth.unlock_session(admin, "bad-password")
    assert User.get(User.username == "admin").failed_attempts == 1
    fake_clock.advance(5)
    auth.unlock_session(admin, ADMIN_PASSWORD)
    assert AuditLog.select().where(AuditLog.action == "session.unlock").count() == 1


def test_failed_logins_are_audited_without_the_password(admin):
    with pytest.raises(AuthenticationError):
        auth.login("admin", "Typo-of-the-password")
    rows = list(AuditLog.select().where(AuditLog.action == "login.failed"))
    assert len(rows) == 1 and "Typo" not in rows[0].after


def test_change_own_password(admin):
    with pytest.raises(ValidationError) as short:
        auth.change_own_password(admin, ADMIN_PASSWORD, "short")
    assert "new" in short.value.errors
    with pytest.raises(ValidationError) as wrong:
        auth.change_own_password(admin, "not-the-password", "Brand-new-pass-1")
    assert "old" in wrong.value.errors
    auth.change_own_password(admin, ADMIN_PASSWORD, "Brand-new-pass-1")
    assert auth.login("admin", "Brand-new-pass-1")


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
