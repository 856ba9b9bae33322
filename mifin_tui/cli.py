"""The `mifin` command: the TUI by default, sub-commands for setup, batch and audit.

Exit codes: 0 ok, 1 the operation or check failed, 2 usage error. Errors are
one line on stderr, never a traceback. Heavy modules (Textual, the demo
generator) are imported only by the sub-command that needs them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from mifin_tui import __version__
from mifin_tui.i18n import N_, _, set_language

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


def _open(args: argparse.Namespace, *, must_exist: bool = True, demo: bool = False) -> Path:
    from mifin_tui.db import open_database
    from mifin_tui.paths import resolve_db_path

    path = resolve_db_path(args.db, demo=demo)
    if must_exist and not path.exists():
        raise CliError(_("No database at {path}: run `mifin init` or `mifin demo` first.")
                       .format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    open_database(path)
    return path


def _require_institution() -> None:
    from mifin_tui.services import institution

    if not institution.is_initialized():
        raise CliError(_("This database holds no institution: run `mifin init` first."))


def read_secret(prompt: str, *, confirm: bool = False) -> str:
    """A password from the terminal (hidden), or the next line of standard input."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise CliError(_("Expected a password on standard input."))
        return line.rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Again: ")) != first:
        raise CliError(_("The two passwords differ."))
    return first


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("expected a date as YYYY-MM-DD")) from exc


# --- sub-commands -------------------------------------------------------------------------

def cmd_open(args: argparse.Namespace) -> int:
    _open(args)
    _require_institution()
    return run_tui()


def run_tui() -> int:
    # Old machines and slow links: no animation unless the user asks for it;
    # over SSH give Escape sequences time to arrive whole.
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    if os.environ.get("SSH_CONNECTION"):
        os.environ.setdefault("ESCDELAY", "250")
    from mifin_tui.app import MifinApp

    MifinApp().run()
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from mifin_tui.services import institution

    path = _open(args, must_exist=False)
    if institution.is_initialized():
        raise CliError(_("{path} already holds an institution.").format(path=path))
    password = read_secret(_("Administrator password: "), confirm=True)
    institution.initialize(
        name=args.name, branch_code=args.branch_code, branch_name=args.branch_name or "",
        currency=args.currency.upper(), regulator=args.regulator,
        admin_username=args.admin, admin_full_name=args.admin_name,
        admin_password=password, first_day=args.date, city=args.city,
    )
    print(_("Institution created in {path}. Log in as {user}.").format(
        path=path, user=args.admin))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from mifin_tui.services import institution

    path = _open(args, must_exist=False, demo=True)
    if not institution.is_initialized():
        from mifin_tui.services import demo

        print(_("Creating the demo institution in {path} ...").format(path=path), flush=True)
        result = demo.build(members=args.members, seed=args.seed, regulator=args.regulator)
        print(_("Demo institution: {name}, branch {branch}, business date {day}.").format(
            name=result.institution, branch=result.branch_code,
            day=result.business_date.strftime("%d/%m/%Y")))
        print(_("Demo users (shown once; write them down):"))
        from tabulate import tabulate

        # roles wrap inside their column: the table stays within 80 columns
        print(tabulate([(u.username, u.password, u.roles_label) for u in result.users],
                       headers=[_("user"), _("password"), _("roles")],
                       maxcolwidths=[None, None, 44]))
    else:
        print(_("Opening the existing demo database {path}.").format(path=path))
    if args.no_open:
        return EXIT_OK
    if sys.stdin.isatty():
        input(_("Press Enter to open Mifin..."))
    return run_tui()


def cmd_check(args: argparse.Namespace) -> int:
    from mifin_tui.services import check

    _open(args)
    report = check.run()
    print(_("{t} transactions, {e} entries, {a} accounts, {r} audit rows checked.").format(
        t=report.transactions, e=report.entries, a=report.accounts, r=report.audit_rows))
    if report.ok:
        print(_("OK: ledger balanced, balances match their entries, audit chain intact."))
        return EXIT_OK
    for finding in report.findings:
        print(_("FAILED: {finding}").format(finding=finding))
    return EXIT_FAILED


def cmd_backup(args: argparse.Namespace) -> int:
    from mifin_tui.services import backup

    _open(args)
    target = backup.backup_to(args.to)
    print(_("Backup written and verified: {path}").format(path=target))
    return EXIT_OK


def _operator():
    from mifin_tui.services import institution

    _require_institution()
    return institution.operator_context()


def cmd_user_list(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from mifin_tui.services import users
    from mifin_tui.services.permissions import role_label

    _open(args)
    rows = [
        (u.username, u.full_name, ", ".join(role_label(r) for r in u.roles), u.branch_code,
         _("locked") if u.locked else (_("active") if u.active else _("disabled")),
         u.failed_attempts)
        for u in users.list_users(_operator())
    ]
    print(tabulate(rows, headers=[_("user"), _("name"), _("roles"), _("branch"), _("state"),
                                  _("failures")]))
    return EXIT_OK


def cmd_user_add(args: argparse.Namespace) -> int:
    from mifin_tui.services import users

    _open(args)
    ctx = _operator()
    password = read_secret(_("Password for {user}: ").format(user=args.username), confirm=True)
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    user = users.add_user(ctx, args.username, args.name, password, roles, args.language)
    print(_("User {user} added; he changes his password at first login.").format(
        user=user.username))
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace) -> int:
    from mifin_tui.services import users

    _open(args)
    ctx = _operator()
    password = read_secret(_("New password for {user}: ").format(user=args.username),
                           confirm=True)
    users.reset_password(ctx, args.username, password)
    print(_("Password of {user} reset.").format(user=args.username))
    return EXIT_OK


def cmd_user_lock(args: argparse.Namespace) -> int:
    from mifin_tui.services import users

    _open(args)
    users.lock_user(_operator(), args.username)
    print(_("User {user} locked.").format(user=args.username))
    return EXIT_OK


def cmd_user_unlock(args: argparse.Namespace) -> int:
    from mifin_tui.services import users

    _open(args)
    users.unlock_user(_operator(), args.username)
    print(_("User {user} unlocked.").format(user=args.username))
    return EXIT_OK


def cmd_ssh_setup(args: argparse.Namespace) -> int:
    from mifin_tui.paths import resolve_db_path
    from mifin_tui.ssh_setup import SshSetup, apply

    mifin = args.mifin or shutil.which("mifin") or os.path.abspath(sys.argv[0])
    setup = SshSetup(args.user, resolve_db_path(args.db).resolve(), mifin)
    if not args.apply:
        print(_("# Put this in {path}, then reload sshd:").format(
            path="/etc/ssh/sshd_config.d/mifin.conf"))
        print(setup.snippet())
        print(_("# Create the account: useradd --system --create-home {user} && "
                "usermod -p '*' {user}").format(user=args.user))
        print(_("# Add each staff member's public key to ~{user}/.ssh/authorized_keys").format(
            user=args.user))
        return EXIT_OK
    try:
        for line in apply(setup, Path(args.keys) if args.keys else None):
            print(line)
    except (PermissionError, RuntimeError) as exc:
        raise CliError(str(exc)) from exc
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """The same app in a browser (textual-serve): one Mifin process per visitor,
    gated by Mifin's own login."""
    import shlex

    path = _open(args)
    _require_institution()
    from textual_serve.server import Server

    mifin = shutil.which("mifin")
    launcher = shlex.quote(mifin) if mifin else f"{shlex.quote(sys.executable)} -m mifin_tui"
    lang = f" --lang {args.lang}" if args.lang else ""
    command = f"{launcher}{lang} --db {shlex.quote(str(path.resolve()))}"
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(_("Warning: serving on {host}: anyone who reaches this address gets the login "
                "screen. Put it behind TLS (a reverse proxy) on a trusted network.").format(
            host=args.host), file=sys.stderr)
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    Server(command, host=args.host, port=args.port, title="Mifin",
           public_url=args.public_url).serve()
    return EXIT_OK


REPORTS = {
    "cash-journal": N_("cash journal (journal de caisse) of a till or the branch for a day"),
}


def cmd_report(args: argparse.Namespace) -> int:
    if args.list or not args.name:
        for name, text in REPORTS.items():
            print(f"{name:16} {_(text)}")
        return EXIT_OK if args.list else EXIT_USAGE
    if args.name not in REPORTS:
        raise CliError(_("Unknown report {name}; `mifin report --list` names them.").format(
            name=args.name), EXIT_USAGE)
    _open(args)
    _require_institution()
    from mifin_tui import reports

    data = reports.render(args.name, _operator(), day=args.date, till=args.till,
                          currency=args.currency, fmt=args.format)
    if args.output:
        Path(args.output).write_bytes(data)
        print(_("Written: {path}").format(path=args.output))
    elif args.format == "pdf":
        raise CliError(_("A PDF needs --output FILE."), EXIT_USAGE)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK


# --- parser -------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        # main() prefixes "mifin:"; name the sub-command when there is one.
        where = self.prog.removeprefix("mifin").strip()
        raise CliError(f"{where}: {message}" if where else message, EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mifin",
        description=_("Mifin, the core-banking terminal of a microfinance institution. "
                      "Without a command, opens the interface."),
    )
    parser.add_argument("--version", action="version", version=f"mifin {__version__}")
    parser.add_argument("--db", metavar="PATH",
                        help=_("database file (default: $MIFIN_DB, then the user data folder)"))
    parser.add_argument("--lang", choices=("fr", "en"), help=_("language of messages"))
    parser.add_argument("--check-terminal", action="store_true",
                        help=_("report what this terminal supports, then exit"))
    parser.set_defaults(handler=cmd_open)
    sub = parser.add_subparsers(title=_("commands"), metavar="COMMAND", parser_class=_Parser)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = add("init", cmd_init, _("create a new institution (password prompted, or read "
                                "from standard input)"))
    p.add_argument("--name", required=True, help=_("institution name"))
    p.add_argument("--branch-code", required=True, help=_("branch code, e.g. KIN"))
    p.add_argument("--branch-name", help=_("branch name"))
    p.add_argument("--city", default="", help=_("branch city"))
    p.add_argument("--currency", required=True, help=_("XOF, XAF, USD or CDF"))
    p.add_argument("--regulator", required=True, choices=("bceao", "cobac", "bcc"),
                   help=_("regulator profile"))
    p.add_argument("--admin", default="admin", help=_("administrator user name"))
    p.add_argument("--admin-name", default="Administrateur",
                   help=_("administrator full name"))
    p.add_argument("--date", type=_parse_date, help=_("first business date (YYYY-MM-DD)"))

    p = add("demo", cmd_demo, _("create the demo institution if missing, then open it"))
    p.add_argument("--no-open", action="store_true", help=_("only create the database"))
    p.add_argument("--members", type=int, default=60, help=_("number of members"))
    p.add_argument("--seed", type=int, default=2026, help=_("random seed"))
    p.add_argument("--regulator", default="bcc", choices=("bceao", "cobac", "bcc"),
                   help=_("regulator profile of the demo institution"))

    add("check", cmd_check, _("verify the ledger, the balances and the audit chain "
                              "(exit 1 when a check fails)"))
    p = add("backup", cmd_backup, _("copy the database to a file, then verify the copy"))
    p.add_argument("--to", required=True, metavar="FILE", help=_("backup file to write"))

    p = add("ssh-setup", cmd_ssh_setup, _("print (or install, with --apply as root) the "
                                          "sshd set-up that lands remote staff in Mifin"))
    p.add_argument("--user", default="mifin", help=_("system account for remote staff"))
    p.add_argument("--mifin", help=_("path of the mifin command (default: the one on PATH)"))
    p.add_argument("--keys", metavar="FILE", help=_("public keys to authorise (with --apply)"))
    p.add_argument("--apply", action="store_true", help=_("create the account and install "
                                                          "the snippet (root)"))

    p = add("serve", cmd_serve, _("serve the interface to a web browser (textual-serve)"))
    p.add_argument("--host", default="127.0.0.1", help=_("address to listen on "
                                                         "(default: this machine only)"))
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--public-url", help=_("the address browsers use, behind a proxy"))

    p = add("report", cmd_report, _("print a report as a table, CSV or PDF"))
    p.add_argument("name", nargs="?", help=_("report name (see --list)"))
    p.add_argument("--list", action="store_true", help=_("list the reports"))
    p.add_argument("--date", type=_parse_date, help=_("business date (default: the open day)"))
    p.add_argument("--till", help=_("till code (default: every till and the vault)"))
    p.add_argument("--currency", help=_("currency (default: the institution's)"))
    p.add_argument("--format", choices=("table", "csv", "pdf"), default="table")
    p.add_argument("--output", metavar="FILE", help=_("write to FILE instead of the screen"))

    p = add("user", lambda a: (p.print_help(), EXIT_USAGE)[1], _("manage users"))
    users = p.add_subparsers(title=_("actions"), metavar="ACTION", parser_class=_Parser)
    u = users.add_parser("list", help=_("list users"))
    u.set_defaults(handler=cmd_user_list)
    u = users.add_parser("add", help=_("add a user (password prompted or from stdin)"))
    u.add_argument("username")
    u.add_argument("--name", required=True, help=_("full name"))
    u.add_argument("--roles", required=True,
                   help=_("comma-separated: cashier, loan_officer, committee, manager, "
                          "accountant, auditor, admin"))
    u.add_argument("--language", default="fr", choices=("fr", "en"))
    u.set_defaults(handler=cmd_user_add)
    for name, handler, text in (
        ("passwd", cmd_user_passwd, _("set a new password (the user changes it at login)")),
        ("lock", cmd_user_lock, _("lock a user")),
        ("unlock", cmd_user_unlock, _("unlock a user after failed logins")),
    ):
        u = users.add_parser(name, help=text, description=text)
        u.add_argument("username")
        u.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv) and argv[i + 1] in ("fr", "en"):
            set_language(argv[i + 1])
    from mifin_tui.db import DatabaseBusy, SchemaTooNew
    from mifin_tui.services.errors import MifinError, ValidationError

    try:
        args = build_parser().parse_args(argv)
        if args.check_terminal:
            from mifin_tui.terminal_check import print_report

            return print_report()
        return args.handler(args)
    except CliError as exc:
        print(f"mifin: {exc}", file=sys.stderr)
        return exc.code
    except ValidationError as exc:
        detail = "; ".join(f"{field}: {msg}" for field, msg in exc.errors.items())
        print(f"mifin: {detail}", file=sys.stderr)
        return EXIT_FAILED
    except (MifinError, SchemaTooNew, DatabaseBusy) as exc:
        print(f"mifin: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(_("mifin: interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        print(_("mifin: unexpected error: {error}").format(error=f"{type(exc).__name__}: {exc}"),
              file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
