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
    from mifin_tui.services.closing.end import anchor_file

    anchors = args.anchors or anchor_file()
    report = check.run(anchors=anchors)
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
         _("locked") if u.locked else (_("active") if u.active else _("disabled")),
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
    ctx = operator()
    password = read_secret(_("New password for {user}: ").format(user=args.username),
                           confirm=True)
    users.reset_password(ctx, args.username, password)
    print(_("Password of {user} reset.").format(user=args.username))
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
