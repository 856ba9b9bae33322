"""The server's shell: checking and backing up the books, managing users."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mifin_tui.cli.common import EXIT_FAILED, EXIT_OK, open_db, read_secret, require_institution
from mifin_tui.i18n import _

if TYPE_CHECKING:
    from mifin_tui.services.kernel.context import Context


def cmd_check(args: argparse.Namespace) -> int:
    from mifin_tui.services.admin import check

    open_db(args)
    report = check.run()
    print(_("{t} transactions, {e} entries, {a} accounts, {r} audit rows checked.").format(
        t=report.transactions, e=report.entries, a=report.accounts, r=report.audit_rows))
    print(_("Ledger digest: {digest}").format(digest=report.digest))
    if report.ok:
        print(_("OK: ledger balanced, balances match their entries, audit chain intact."))
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
