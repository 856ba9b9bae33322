"""Log in, unlock, change one's password.

Passwords are hashed with argon2id at OWASP's parameters (19 MiB, t=2, p=1) and
rehashed at the next login when the parameters change. Failed attempts earn a
growing wait; the fifth (setting) locks the user until an administrator
unlocks him. Neither the password nor its hash reaches the audit log.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Branch, User, UserRole
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit, business_day, clock, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import (
    AccountLocked,
    AuthenticationError,
    RetryLater,
    ValidationError,
)
from mifin_tui.services.kernel.permissions import permissions_for

# OWASP Password Storage Cheat Sheet, argon2id minimum configuration.
ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_parameters: dict[str, int] = ARGON2_PARAMETERS


def use_hash_parameters(parameters: dict[str, int] | None) -> None:
    """Hash (and rehash at login) with `parameters` from now on; None: ARGON2_PARAMETERS.

    For the test suite only, which hashes thousands of passwords in one process: it is a
    call, not a setting or an environment variable, so nothing a deployment can set
    reaches it. A weaker hash left by it is rehashed at the next production login."""
    global _parameters
    _parameters = dict(parameters) if parameters is not None else ARGON2_PARAMETERS
    hasher.cache_clear()
    _dummy_hash.cache_clear()


@functools.cache
def hasher():  # -> argon2.PasswordHasher; imported on first use, not at start-up
    from argon2 import PasswordHasher

    return PasswordHasher(**_parameters)


MIN_PASSWORD_LENGTH = 8


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown user names, so that a wrong name takes
    as long as a wrong password and does not reveal which names exist. Made on
    first use: hashing costs 20 ms and 19 MiB, too much for every start-up."""
    return hasher().hash("not a password of anyone")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def check_password_policy(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError({field: _("At least {n} characters.").format(
            n=MIN_PASSWORD_LENGTH)})
    if password.strip() != password:
        raise ValidationError({field: _("No space at the start or end.")})


def retry_delay(failed_attempts: int) -> int:
    """Seconds to wait before the next try: 0, then 1, 2, 4, 8 ... capped at 60."""
    if failed_attempts <= 0:
        return 0
    return min(2 ** (failed_attempts - 1), 60)


def context_for(user: User) -> Context:
    roles = frozenset(r.role for r in UserRole.select().where(UserRole.user == user))
    branch: Branch = user.branch
    return Context(
        user_id=user.id, username=user.username, full_name=user.full_name, roles=roles,
        branch_id=branch.id, branch_code=branch.code, language=user.language,
        permissions=permissions_for(roles),
        must_change_password=user.must_change_password,
    )


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands datetimes back naive; they were written in UTC.
    if moment is not None and moment.tzinfo is None:
        from datetime import UTC

        return moment.replace(tzinfo=UTC)
    return moment


def _verify(user: User | None, password: str) -> tuple[bool, bool]:
    """(matches, needs_rehash)"""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    stored = user.password_hash if user else _dummy_hash()
    try:
        hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, False
    return user is not None, hasher().check_needs_rehash(stored)


def _attempt(username: str, password: str, action: str) -> tuple[User | None, Exception | None]:
    """Verify a password with lockout bookkeeping.

    The failure count must be committed even though the caller is refused, so
    the refusal is returned, not raised, and raised once the transaction is over.
    """
    now = clock.now()
    with write_transaction():
        user = User.get_or_none(User.username == username)
        if user is not None:
            if not user.active:
                return None, AuthenticationError(_("Wrong user name or password."))
            if user.locked:
                return None, AccountLocked(
                    _("This user is locked after too many failed attempts; "
                      "an administrator must unlock it.")
                )
            wait = retry_delay(user.failed_attempts)
            last = _aware(user.last_failed_at)
            if wait and last and now < last + timedelta(seconds=wait):
                seconds = int((last + timedelta(seconds=wait) - now).total_seconds()) + 1
                return None, RetryLater(
                    _("Wait {n} s before trying again.").format(n=seconds), seconds)
        matches, needs_rehash = _verify(user, password)
        if user is None:
            audit.record(None, f"{action}.failed", "user", username, username=username,
                         after={"reason": "unknown user"})
            return None, AuthenticationError(_("Wrong user name or password."))
        if not matches:
            attempts = user.failed_attempts + 1
            locked = attempts >= settings.get("max_failed_logins")
            User.update(failed_attempts=attempts, last_failed_at=now, locked=locked).where(
                User.id == user.id).execute()
            audit.record(None, f"{action}.failed", "user", user.username,
                         username=user.username,
                         after={"failed_attempts": attempts, "locked": locked})
            if locked:
                return None, AccountLocked(
                    _("Too many failed attempts: this user is now locked; "
                      "an administrator must unlock it.")
                )
            return None, AuthenticationError(_("Wrong user name or password."))
        changes: dict[str, object] = {"failed_attempts": 0, "last_failed_at": None}
        if needs_rehash:
            changes["password_hash"] = hasher().hash(password)
        User.update(**changes).where(User.id == user.id).execute()
        user = User.get_by_id(user.id)
        if action == "login":
            ctx = context_for(user)
            audit.record(ctx, "login", "user", user.username,
                         business_date=business_day.open_date(ctx.branch_id))
        elif action == "unlock":
            audit.record(context_for(user), "session.unlock", "user", user.username)
        return user, None


def login(username: str, password: str) -> Context:
    """Check the credentials and return the user's context, or raise."""
    user, refusal = _attempt(username.strip().lower(), password, "login")
    if refusal is not None:
        raise refusal
    assert user is not None
    return context_for(user)


def unlock_session(ctx: Context, password: str) -> None:
    """Re-check the password of the user whose idle session was locked."""
    _user, refusal = _attempt(ctx.username, password, "unlock")
    if refusal is not None:
        raise refusal


def confirm_password(ctx: Context, password: str) -> None:
    """The actor's password typed again to confirm a money movement (#21: every command
    that moves money asks its actor's password). Counted like a login try; the operation
    it confirms is what gets audited."""
    _user, refusal = _attempt(ctx.username, password, "confirm")
    if refusal is not None:
        raise refusal


def check_session(ctx: Context) -> None:
    """Raise if the user was locked or disabled since he logged in (the app asks
    now and then, so locking a user ends the session he has open)."""
    user = User.get_or_none(User.id == ctx.user_id)
    if user is None or not user.active:
        raise AuthenticationError(_("This user was disabled."))
    if user.locked:
        raise AccountLocked(_("This user was locked by an administrator."))


def logout(ctx: Context) -> None:
    with write_transaction():
        audit.record(ctx, "logout", "user", ctx.username)


def change_own_password(ctx: Context, old: str, new: str) -> None:
    check_password_policy(new, "new")
    if old == new:
        raise ValidationError({"new": _("The new password must differ from the old one.")})
    with write_transaction():
        user = User.get_by_id(ctx.user_id)
        if not _verify(user, old)[0]:
            raise ValidationError({"old": _("The current password is wrong.")})
        User.update(password_hash=hasher().hash(new), password_changed_at=clock.now(),
                    must_change_password=False).where(User.id == user.id).execute()
        audit.record(ctx, "user.password.change", "user", user.username)
