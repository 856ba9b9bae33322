"""User administration (administrator): add, roles, reset password, lock, unlock.

Roles that would let one person check his own work are refused together (segregation
of duties, see `incompatible_roles`). A password the administrator sets, a new user's
or a reset's, is a one-time password: it lets its user choose his own and nothing else,
and his first login with it is shown to the gérant (`reset_logins`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from mifin_tui.db import write_transaction
from mifin_tui.db.models import AuditLog, Branch, User, UserRole
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit, clock
from mifin_tui.services.kernel.auth import (
    check_password_policy,
    hash_password,
    waiting_until,
)
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, ValidationError
from mifin_tui.services.kernel.permissions import (
    ACCOUNTANT,
    ADMIN,
    AUDITOR,
    CASHIER,
    COMMITTEE,
    LOAN_OFFICER,
    MANAGER,
    ROLES,
    requires,
    role_label,
)

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")

# The roles that run the institution's operations (an auditor checks them, an
# administrator configures them: neither holds one).
OPERATING_ROLES = (CASHIER, LOAN_OFFICER, COMMITTEE, MANAGER, ACCOUNTANT)
# Pairs one person never holds: who handles the cash is not who approves, books or
# checks it; who checks holds nothing he would check; who configures does not operate.
INCOMPATIBLE: tuple[tuple[str, str], ...] = (
    (CASHIER, MANAGER), (CASHIER, ACCOUNTANT), (CASHIER, AUDITOR),
    *((AUDITOR, role) for role in OPERATING_ROLES if role != CASHIER),
    *((ADMIN, role) for role in OPERATING_ROLES),
)
# One-time passwords: unambiguous letters and digits (no 0/o, 1/l/i), read out in
# groups of four.
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def incompatible_roles(roles: list[str] | tuple[str, ...] | set[str]) -> str:
    """The message naming the first pair of `roles` one person may not hold, or ''."""
    held = set(roles)
    for a, b in INCOMPATIBLE:
        if a in held and b in held:
            return _("A user cannot be both {a} and {b}.").format(
                a=role_label(a), b=role_label(b))
    return ""


def one_time_password() -> str:
    """A random password for an administrator to hand over: 12 letters and digits,
    some 59 bits, e.g. k7mx-q2pd-9hte."""
    groups = ("".join(secrets.choice(_OTP_ALPHABET) for _i in range(4)) for _g in range(3))
    return "-".join(groups)


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    full_name: str
    roles: tuple[str, ...]
    branch_code: str
    language: str
    active: bool
    locked: bool
    failed_attempts: int
    waiting_until: datetime | None = None  # the wait earned by failed logins
    must_change_password: bool = False  # holds a one-time password
    reset_by: str = ""
    reset_at: datetime | None = None
    reset_login_at: datetime | None = None  # his first login with it


def _view(user: User) -> UserView:
    roles = tuple(sorted(r.role for r in UserRole.select().where(UserRole.user == user)))
    return UserView(user.id, user.username, user.full_name, roles, user.branch.code,
                    user.language, user.active, user.locked, user.failed_attempts,
                    waiting_until(user), user.must_change_password, user.reset_by or "",
                    user.reset_at, user.reset_login_at)


FULL_NAME_MAX = 120


def validate_new_user(username: str, full_name: str, password: str, roles: list[str]) -> dict:
    errors: dict[str, str] = {}
    if not _USERNAME.match(username):
        errors["username"] = _("2 to 32 lower-case letters, digits, dot, dash; "
                               "starts with a letter.")
    elif User.select().where(User.username == username).exists():
        errors["username"] = _("This user name is taken.")
    if not full_name.strip():
        errors["full_name"] = _("Required.")
    elif len(full_name.strip()) > FULL_NAME_MAX:  # the status line, vouchers, the audit
        errors["full_name"] = _("At most {n} characters ({length} given).").format(
            n=FULL_NAME_MAX, length=len(full_name.strip()))
    try:
        check_password_policy(password, username=username, full_name=full_name)
    except ValidationError as exc:
        errors.update(exc.errors)
    if not roles:
        errors["roles"] = _("Give at least one role.")
    elif unknown := [r for r in roles if r not in ROLES]:
        errors["roles"] = _("Unknown role: {roles}.").format(roles=", ".join(unknown))
    elif clash := incompatible_roles(roles):
        errors["roles"] = clash
    return errors


def create_user_row(
    username: str, full_name: str, password: str, roles: list[str], branch: Branch,
    language: str = "fr",
) -> User:
    """Insert a user and his roles; inside the caller's transaction, validated before."""
    user = User.create(username=username, full_name=full_name.strip(),
                       password_hash=hash_password(password), branch=branch,
                       language=language, created_at=clock.now(),
                       password_changed_at=clock.now())
    for role in sorted(set(roles)):
        UserRole.create(user=user, role=role)
    return user


@requires("user.manage")
def add_user(
    ctx: Context, username: str, full_name: str, password: str, roles: list[str],
    language: str = "fr",
) -> UserView:
    username = username.strip().lower()
    with write_transaction():
        errors = validate_new_user(username, full_name, password, roles)
        if language not in ("fr", "en"):
            errors["language"] = _("Choose fr or en.")
        if errors:
            raise ValidationError(errors)
        user = create_user_row(username, full_name, password, roles,
                               Branch.get_by_id(ctx.branch_id), language)
        # The administrator knows this password: it is a one-time one, like a reset's.
        User.update(must_change_password=True, reset_by=ctx.username,
                    reset_at=clock.now()).where(User.id == user.id).execute()
        user = User.get_by_id(user.id)
        audit.record(ctx, "user.add", "user", username,
                     after={"full_name": full_name, "roles": sorted(roles),
                            "language": language})
        return _view(user)


def _get(username: str) -> User:
    user = User.get_or_none(User.username == username.strip().lower())
    if user is None:
        raise NotFound(_("No user {name}.").format(name=username))
    return user


@requires("user.manage")
def list_users(ctx: Context) -> list[UserView]:
    return [_view(u) for u in User.select().order_by(User.username)]


@requires("user.manage")
def set_roles(ctx: Context, username: str, roles: list[str]) -> UserView:
    with write_transaction():
        user = _get(username)
        if not roles or any(r not in ROLES for r in roles):
            raise ValidationError({"roles": _("Give known roles, at least one.")})
        if user.id == ctx.user_id and ADMIN not in roles:
            raise Conflict(_("You cannot remove your own administrator role."))
        if user.id == ctx.user_id and set(roles) & set(OPERATING_ROLES):
            raise Conflict(_("You cannot grant yourself an operating role."))
        if clash := incompatible_roles(roles):
            raise ValidationError({"roles": clash})
        before = _view(user).roles
        UserRole.delete().where(UserRole.user == user).execute()
        for role in sorted(set(roles)):
            UserRole.create(user=user, role=role)
        audit.record(ctx, "user.roles", "user", user.username,
                     before={"roles": list(before)}, after={"roles": sorted(set(roles))})
        return _view(user)


@requires("user.manage")
def reset_password(ctx: Context, username: str) -> str:
    """Give the user a new one-time password and return it (shown once, to hand over in
    person): it only lets him choose his own at his next login, so the administrator
    cannot act with it. Lifts a wait earned by failed logins."""
    password = one_time_password()
    with write_transaction():
        user = _get(username)
        if user.id == ctx.user_id:
            raise Conflict(_("Change your own password from My password."))
        now = clock.now()
        User.update(password_hash=hash_password(password), must_change_password=True,
                    password_changed_at=now, reset_by=ctx.username, reset_at=now,
                    reset_login_at=None, failed_attempts=0, last_failed_at=None,
                    ).where(User.id == user.id).execute()
        audit.record(ctx, "user.password.reset", "user", user.username)
    return password


@requires("user.manage")
def lock_user(ctx: Context, username: str) -> None:
    with write_transaction():
        user = _get(username)
        if user.id == ctx.user_id:
            raise Conflict(_("You cannot lock yourself."))
        User.update(locked=True).where(User.id == user.id).execute()
        audit.record(ctx, "user.lock", "user", user.username,
                     before={"locked": user.locked}, after={"locked": True})


@requires("user.manage")
def unlock_user(ctx: Context, username: str) -> None:
    """Lift the administrator's lock, and the wait failed logins earned."""
    with write_transaction():
        user = _get(username)
        User.update(locked=False, failed_attempts=0, last_failed_at=None).where(
            User.id == user.id).execute()
        audit.record(ctx, "user.unlock", "user", user.username,
                     before={"locked": user.locked, "failed_attempts": user.failed_attempts},
                     after={"locked": False, "failed_attempts": 0})


def set_language(ctx: Context, language: str) -> None:
    """A user's own setting; no permission beyond being logged in."""
    if language not in ("fr", "en"):
        raise ValidationError({"language": _("Choose fr or en.")})
    with write_transaction():
        user = User.get_by_id(ctx.user_id)
        User.update(language=language).where(User.id == user.id).execute()
        audit.record(ctx, "user.language", "user", user.username,
                     before={"language": user.language}, after={"language": language})


@dataclass(frozen=True)
class ResetLogin:
    """A first login with a password an administrator set: the gérant checks it was
    the user himself."""

    username: str
    full_name: str
    reset_by: str
    reset_at: datetime
    login_at: datetime


@requires("audit.read")
def reset_logins(ctx: Context, since: datetime | None = None) -> list[ResetLogin]:
    """First logins after an administrator set the password, newest first: since
    `since`, else over the last 30 days."""
    since = since or clock.now() - timedelta(days=30)
    query = (User.select().where(User.reset_login_at.is_null(False)
                                 & (User.reset_login_at >= since))
             .order_by(User.reset_login_at.desc()))
    return [ResetLogin(u.username, u.full_name, u.reset_by or "", u.reset_at,
                       u.reset_login_at) for u in query]


@requires("audit.read")
def reset_logins_since_my_last_login(ctx: Context) -> list[ResetLogin]:
    """What `reset_logins` holds since this user's login before the current one (for
    the notice the gérant gets when he logs in)."""
    previous = (AuditLog.select(AuditLog.at)
                .where((AuditLog.action == "login") & (AuditLog.user_id == ctx.user_id))
                .order_by(AuditLog.seq.desc()).offset(1).limit(1).first())
    since = datetime.fromisoformat(previous.at) if previous else None
    return reset_logins(ctx, since)
