"""Log in, unlock, change one's password; the password rules.

Passwords are hashed with argon2id at OWASP's parameters (19 MiB, t=2, p=1) and
rehashed at the next login when the parameters change. The rules are NIST SP 800-63B's
(5.1.1.2): a length, a list of common and breached passwords, the user's own name, no
composition rules. Failed logins past `max_failed_logins` earn a wait that grows (1 min,
doubling, at most 1 h) and ends by itself; only an administrator locks a user for good.
Every refusal gives the same answer after the same work (one argon2 check), whether the
name is unknown, the user disabled, locked, waiting, or the password wrong. Neither the
password nor its hash reaches the audit log, nor a name that is no user's (it may be a
password typed in the wrong field).
"""

from __future__ import annotations

import functools
import gzip
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Branch, User, UserRole
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit, business_day, clock, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import AuthenticationError, ValidationError
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


MIN_PASSWORD_LENGTH = 10
# No password Mifin ever accepted is shorter (the rule was 8 before): a shorter entry on
# the lock screen cannot be the user's password, and is not counted as a try.
SHORTEST_PASSWORD = 8
# The wait after `max_failed_logins` failures, doubling with each further one, capped.
FIRST_WAIT_SECONDS = 60
LONGEST_WAIT_SECONDS = 3600
# The one answer to every refused login.
REFUSED = N_("Wrong user name or password, or this user may not log in now (after "
             "repeated failures, logging in waits a few minutes).")
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"
# What people put around a common word to pass rules: digits, punctuation, spaces.
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown user names, so that a wrong name takes
    as long as a wrong password and does not reveal which names exist. Made on
    first use: hashing costs 20 ms and 19 MiB, too much for every start-up."""
    return hasher().hash("not a password of anyone")


def hash_password(password: str) -> str:
    return hasher().hash(password)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list (data/common-passwords.SOURCE.txt says where it comes from)."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def _is_common(password: str) -> bool:
    """On the list as typed, or once the digits and signs around it are taken off
    ("Password2026!", "2026-azerty"), in any case."""
    known = common_passwords()
    lowered = password.lower()
    base = _DECORATION.sub("", lowered)
    return lowered in known or (len(base) >= 4 and base in known)


def _is_run(password: str) -> bool:
    """One character repeated, or a run of consecutive characters ("aaaaaaaaaa",
    "0123456789", "9876543210", "abcdefghij")."""
    if len(set(password)) == 1:
        return True
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
    return steps in ({1}, {-1})


def _own_words(username: str, full_name: str) -> list[str]:
    words = [username.lower()] if len(username) >= 3 else []
    words += [w for w in re.split(r"[\W_]+", full_name.lower()) if len(w) >= 4]
    return words


def check_password_policy(password: str, field: str = "password", *, username: str = "",
                          full_name: str = "") -> None:
    """Refuse a password too short, common or breached (the shipped list), a run of one
    or consecutive characters, or containing the user's login or a word of his name."""
    def refuse(message: str) -> None:
        raise ValidationError({field: message})

    if len(password) < MIN_PASSWORD_LENGTH:
        refuse(_("At least {n} characters.").format(n=MIN_PASSWORD_LENGTH))
    if password.strip() != password:
        refuse(_("No space at the start or end."))
    if _is_common(password) or _is_run(password):
        refuse(_("This password is among the most common ones: choose another."))
    lowered = password.lower()
    if any(word in lowered for word in _own_words(username, full_name)):
        refuse(_("The password must not contain the user's name or login."))


def lockout_seconds(failed_attempts: int, free: int | None = None) -> int:
    """The wait after `failed_attempts` failures in a row: none for the first `free`
    (setting max_failed_logins), then 1 min, doubling, at most 1 h."""
    free = settings.get("max_failed_logins") if free is None else free
    if failed_attempts < free:
        return 0
    return min(FIRST_WAIT_SECONDS * 2 ** (failed_attempts - free), LONGEST_WAIT_SECONDS)


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands datetimes back naive; they were written in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def waiting_until(user: User, now: datetime | None = None) -> datetime | None:
    """When the wait earned by failed logins ends, or None when the user may try now."""
    last = _aware(user.last_failed_at)
    wait = lockout_seconds(user.failed_attempts)
    if not wait or last is None:
        return None
    end = last + timedelta(seconds=wait)
    return end if end > (now or clock.now()) else None


def context_for(user: User) -> Context:
    """The user's context. A user who must change a password an administrator set gets
    no permission at all: that password only opens the change (see permissions.may)."""
    roles = frozenset(r.role for r in UserRole.select().where(UserRole.user == user))
    branch: Branch = user.branch
    return Context(
        user_id=user.id, username=user.username, full_name=user.full_name, roles=roles,
        branch_id=branch.id, branch_code=branch.code, language=user.language,
        permissions=frozenset() if user.must_change_password else permissions_for(roles),
        must_change_password=user.must_change_password,
    )


def _verify(user: User | None, password: str) -> tuple[bool, bool]:
    """(matches, needs_rehash); one argon2 check whoever is asked for."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    stored = user.password_hash if user else _dummy_hash()
    try:
        hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, False
    return user is not None, hasher().check_needs_rehash(stored)


def _why_not(user: User, now: datetime) -> str:
    """Why this user may not log in now whatever the password, '' if he may."""
    if not user.active:
        return "disabled"
    if user.locked:
        return "locked"
    return "waiting" if waiting_until(user, now) else ""


def _attempt(username: str, password: str, action: str) -> User | None:
    """Verify a password with the failure bookkeeping; the user, or None when refused.

    A refusal is returned, not raised, so that the failure count is committed; the
    caller raises REFUSED, the same for every reason."""
    now = clock.now()
    with write_transaction():
        user = User.get_or_none(User.username == username)
        matches, needs_rehash = _verify(user, password)  # before any decision: same work
        if user is None:
            # The typed name is not kept: it may be a password typed in the wrong field.
            audit.record(None, f"{action}.failed", "user", "",
                         after={"reason": "unknown user"})
            return None
        reason = _why_not(user, now)
        if reason:
            # Not counted: tries during a wait do not lengthen it (no one can keep a
            # user out for good by failing in his name).
            audit.record(None, f"{action}.refused", "user", user.username,
                         username=user.username, after={"reason": reason})
            return None
        if not matches:
            attempts = user.failed_attempts + 1
            User.update(failed_attempts=attempts, last_failed_at=now).where(
                User.id == user.id).execute()
            audit.record(None, f"{action}.failed", "user", user.username,
                         username=user.username,
                         after={"failed_attempts": attempts,
                                "wait_seconds": lockout_seconds(attempts)})
            return None
        changes: dict[str, object] = {"failed_attempts": 0, "last_failed_at": None}
        if needs_rehash:
            changes["password_hash"] = hasher().hash(password)
        first_after_reset = (action == "login" and user.must_change_password
                             and user.reset_at is not None and user.reset_login_at is None)
        if first_after_reset:
            changes["reset_login_at"] = now
        User.update(**changes).where(User.id == user.id).execute()
        user = User.get_by_id(user.id)
        ctx = context_for(user)
        if action == "login":
            audit.record(ctx, "login", "user", user.username,
                         business_date=business_day.open_date(ctx.branch_id))
            if first_after_reset:
                # For the gérant (users.reset_logins): was it the user, or whoever set
                # the password?
                audit.record(ctx, "login.after_reset", "user", user.username,
                             after={"reset_by": user.reset_by,
                                    "reset_at": _aware(user.reset_at).isoformat()})
        elif action == "unlock":
            audit.record(ctx, "session.unlock", "user", user.username)
        return user


def login(username: str, password: str) -> Context:
    """Check the credentials and return the user's context, or raise REFUSED."""
    user = _attempt(username.strip().lower(), password, "login")
    if user is None:
        raise AuthenticationError(_(REFUSED))
    return context_for(user)


def unlock_session(ctx: Context, password: str) -> None:
    """Re-check the password of the user whose idle session was locked. An entry shorter
    than any password is no try at all (keys typed on the lock screen by one back at his
    desk): refused without being checked or counted."""
    if len(password) < SHORTEST_PASSWORD:
        raise ValidationError({"password": _(
            "That is not your password (too short); nothing was counted.")})
    if _attempt(ctx.username, password, "unlock") is None:
        raise AuthenticationError(_(REFUSED))


def confirm_password(ctx: Context, password: str) -> None:
    """The actor's password typed again to confirm a money movement (#21: every command
    that moves money asks its actor's password). Counted like a login try; the operation
    it confirms is what gets audited."""
    if _attempt(ctx.username, password, "confirm") is None:
        raise AuthenticationError(_(REFUSED))


def check_session(ctx: Context) -> None:
    """Raise if the user was locked or disabled since he logged in (the app asks
    now and then, so locking a user ends the session he has open)."""
    from mifin_tui.services.kernel.errors import AccountLocked

    user = User.get_or_none(User.id == ctx.user_id)
    if user is None or not user.active:
        raise AccountLocked(_("This user was disabled."))
    if user.locked:
        raise AccountLocked(_("This user was locked by an administrator."))


def logout(ctx: Context) -> None:
    with write_transaction():
        audit.record(ctx, "logout", "user", ctx.username)


def change_own_password(ctx: Context, old: str, new: str) -> Context:
    """Change one's own password; returns the context to go on with (after a password
    an administrator set, the first one with the user's permissions)."""
    user = User.get_by_id(ctx.user_id)
    check_password_policy(new, "new", username=user.username, full_name=user.full_name)
    if old == new:
        raise ValidationError({"new": _("The new password must differ from the old one.")})
    with write_transaction():
        if not _verify(user, old)[0]:
            raise ValidationError({"old": _("The current password is wrong.")})
        User.update(password_hash=hasher().hash(new), password_changed_at=clock.now(),
                    must_change_password=False).where(User.id == user.id).execute()
        audit.record(ctx, "user.password.change", "user", user.username,
                     after={"after_reset": user.must_change_password})
        return context_for(User.get_by_id(user.id))
