"""User administration (administrator): add, roles, reset password, lock, unlock."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Branch, User, UserRole
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit, clock
from mifin_tui.services.kernel.auth import check_password_policy, hash_password
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, ValidationError
from mifin_tui.services.kernel.permissions import ROLES, requires

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")


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


def _view(user: User) -> UserView:
    roles = tuple(sorted(r.role for r in UserRole.select().where(UserRole.user == user)))
    return UserView(user.id, user.username, user.full_name, roles, user.branch.code,
                    user.language, user.active, user.locked, user.failed_attempts)


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
        check_password_policy(password)
    except ValidationError as exc:
        errors.update(exc.errors)
    if not roles:
        errors["roles"] = _("Give at least one role.")
    elif unknown := [r for r in roles if r not in ROLES]:
        errors["roles"] = _("Unknown role: {roles}.").format(roles=", ".join(unknown))
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
        user.must_change_password = True
        user.save()
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
        if user.id == ctx.user_id and "admin" not in roles:
            raise Conflict(_("You cannot remove your own administrator role."))
        before = _view(user).roles
        UserRole.delete().where(UserRole.user == user).execute()
        for role in sorted(set(roles)):
            UserRole.create(user=user, role=role)
        audit.record(ctx, "user.roles", "user", user.username,
                     before={"roles": list(before)}, after={"roles": sorted(set(roles))})
        return _view(user)


@requires("user.manage")
def reset_password(ctx: Context, username: str, new_password: str) -> None:
    """An administrator sets a temporary password; the user changes it at next login."""
    check_password_policy(new_password)
    with write_transaction():
        user = _get(username)
        User.update(password_hash=hash_password(new_password), must_change_password=True,
                    password_changed_at=clock.now()).where(User.id == user.id).execute()
        audit.record(ctx, "user.password.reset", "user", user.username)


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


def acting_user(roles: Collection[str], *, username: str | None = None,
                only: bool = False) -> User | None:
    """Who acts for a command run at the server's shell (closing, imports): `username`
    when named, else the oldest holder of one of `roles`; with `only`, nobody unless
    exactly one holds them. Never a disabled or locked user: the shell has no password
    check of its own to stop him. The named user's roles are left to the services'
    permission checks."""
    query = User.select().where((User.active == True) & (User.locked == False))  # noqa: E712
    if username:
        query = query.where(User.username == username)
    else:
        query = query.where(User.id.in_(
            UserRole.select(UserRole.user).where(UserRole.role.in_(sorted(roles)))))
    found = list(query.order_by(User.id).limit(2))
    if not found or (only and len(found) > 1):
        return None
    return found[0]
