"""The server's shell: checking and backing up the books, managing users."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from mifin_tui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    db_path,
    open_db,
    read_secret,
    require_institution,
)
from mifin_tui.i18n import _

if TYPE_CHECKING:
    from mifin_tui.services.kernel.context import Context


def readable_files_warnings(path: Path) -> list[str]:
    """The database's files and folders that other accounts of this machine can read."""
    from mifin_tui import paths

    found = [f for f in paths.database_files(path) if paths.readable_by_others(f)]
    folders = [path.resolve().parent, path.resolve().parent / f"{path.stem}-closing"]
    try:
        from mifin_tui.services.kernel import settings

        configured = settings.get("closing_backup_dir")  # the closing's backups
        if configured:
            folders[1] = Path(configured).expanduser()
    except Exception:  # noqa: BLE001 - a warning never stops the check
        pass
    found += [d for d in folders if d.is_dir() and paths.readable_by_others(d)]
    found += [f for d in folders[1:] if d.is_dir() for f in sorted(d.glob("*.db"))
              if paths.readable_by_others(f)]
    return [_("Warning: {path} can be read by other accounts of this machine "
              "(chmod {mode} {path}).").format(path=f, mode="700" if f.is_dir() else "600")
            for f in found]


def cmd_check(args: argparse.Namespace) -> int:
    """Reads the file through a read-only connection: it creates, migrates, writes
    nothing (an empty file stays empty: "not a Mifin database")."""
    import sqlite3

    import peewee

    from mifin_tui.db import latest_version, open_database_readonly
    from mifin_tui.db.files import damaged
    from mifin_tui.services.admin import check

    path = db_path(args)
    version = open_database_readonly(path)
    if version < latest_version():
        raise CliError(_("{path} is at schema version {version}, this Mifin writes {latest}: "
                         "open it once with Mifin (which upgrades it), then check it.")
                       .format(path=path, version=version, latest=latest_version()))
    for line in readable_files_warnings(path):
        print(line)
    from mifin_tui.services.closing.end import anchor_file

    anchors = args.anchors or anchor_file()
    try:
        report = check.run(anchors=anchors)
    except (sqlite3.DatabaseError, peewee.DatabaseError) as exc:
        raise damaged(path, str(exc)) from None
    print(_("{t} transactions, {e} entries, {a} accounts, {r} audit rows checked.").format(
        t=report.transactions, e=report.entries, a=report.accounts, r=report.audit_rows))
    if anchors:
        print(_("{n} anchors compared ({path}).").format(n=report.anchors, path=anchors))
    print(_("Ledger digest: {digest}").format(digest=report.digest))
    if report.ok:
        print(_("OK: ledger balanced, balances match their entries, ledger and audit chains "
                "intact, no voucher missing, triggers in place."))
        return EXIT_OK
    for finding in report.findings:
        print(_("FAILED: {finding}").format(finding=finding))
    return EXIT_FAILED


def cmd_backup(args: argparse.Namespace) -> int:
    from mifin_tui.services.admin import backup

    open_db(args)
    target = backup.backup_to(args.to)
    print(_("Backup written and verified: {path}").format(path=target))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Never opens the current database (it may be the damaged one)."""
    import sys

    from mifin_tui.services.admin import backup

    target = db_path(args, must_exist=False)
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError(_("Restoring replaces {path}: confirm with --yes.").format(
                path=target))
        answer = input(_("Replace {path} with {backup}? Type yes: ").format(
            path=target, backup=args.backup))
        if answer.strip().lower() not in ("yes", "oui"):
            raise CliError(_("Nothing restored."))
    result = backup.restore(args.backup, target)
    for f in result.kept_aside:
        print(_("Kept aside: {path}").format(path=f))
    print(_("Restored {path}: {name}, business date {day}, {n} transactions; checked.")
          .format(path=result.database, name=result.institution, day=result.business_date,
                  n=result.transactions))
    return EXIT_OK


def operator() -> Context:
    """The administrator at the server's shell (see institution.operator_context)."""
    from mifin_tui.services.kernel import institution

    require_institution()
    return institution.operator_context()


def cmd_user_list(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from mifin_tui.services.admin import users
    from mifin_tui.services.kernel.permissions import role_label

    open_db(args)
    rows = [
        (u.username, u.full_name, ", ".join(role_label(r) for r in u.roles), u.branch_code,
         _("locked") if u.locked else _("disabled") if not u.active
         else _("waiting") if u.waiting_until else _("one-time password")
         if u.must_change_password else _("active"),
         u.failed_attempts)
        for u in users.list_users(operator())
    ]
    print(tabulate(rows, headers=[_("user"), _("name"), _("roles"), _("branch"), _("state"),
                                  _("failures")]))
    return EXIT_OK


def cmd_user_add(args: argparse.Namespace) -> int:
    from mifin_tui.services.admin import users

    open_db(args)
    ctx = operator()
    password = read_secret(_("Password for {user}: ").format(user=args.username), confirm=True)
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    user = users.add_user(ctx, args.username, args.name, password, roles, args.language)
    print(_("User {user} added; he changes his password at first login.").format(
        user=user.username))
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace) -> int:
    from mifin_tui.services.admin import users

    open_db(args)
    password = users.reset_password(operator(), args.username)
    print(_("One-time password of {user}: {password}").format(user=args.username,
                                                            password=password))
    print(_("Shown once: hand it over in person. It only lets {user} choose his own "
            "password at his next login.").format(user=args.username))
    return EXIT_OK


def cmd_user_roles(args: argparse.Namespace) -> int:
    from mifin_tui.services.admin import users
    from mifin_tui.services.kernel.permissions import role_label

    open_db(args)
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    user = users.set_roles(operator(), args.username, roles)
    print(_("Roles of {user}: {roles}.").format(
        user=user.username, roles=", ".join(role_label(r) for r in user.roles)))
    return EXIT_OK


def cmd_user_lock(args: argparse.Namespace) -> int:
    from mifin_tui.services.admin import users

    open_db(args)
    users.lock_user(operator(), args.username)
    print(_("User {user} locked.").format(user=args.username))
    return EXIT_OK


def cmd_user_unlock(args: argparse.Namespace) -> int:
    from mifin_tui.services.admin import users

    open_db(args)
    users.unlock_user(operator(), args.username)
    print(_("User {user} unlocked.").format(user=args.username))
    return EXIT_OK
