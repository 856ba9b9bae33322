"""The `mifin` command: the TUI by default, sub-commands for setup, batch and audit.

Exit codes: 0 ok, 1 the operation or check failed, 2 usage error. Errors are
one line on stderr, never a traceback. Heavy modules (Textual, the demo
generator) are imported only by the sub-command that needs them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from mifin_tui import __version__
from mifin_tui.cli.common import EXIT_FAILED, EXIT_USAGE, CliError, parse_date, read_secret
from mifin_tui.cli.session_commands import cmd_open, run_tui
from mifin_tui.i18n import LANGUAGES, _, choose_language

__all__ = ["CliError", "build_parser", "main", "read_secret", "run_tui"]


class _Parser(argparse.ArgumentParser):
    # A help text that needs the store's modules (the import columns) is built only when
    # the help is shown: every command builds this parser.
    epilog_factory: Callable[[], str] | None = None

    def format_help(self) -> str:
        if self.epilog is None and self.epilog_factory is not None:
            self.epilog = self.epilog_factory()
        return super().format_help()

    def error(self, message: str) -> None:  # one line, exit 2
        # main() prefixes "mifin:"; name the sub-command when there is one.
        where = self.prog.removeprefix("mifin").strip()
        raise CliError(f"{where}: {message}" if where else message, EXIT_USAGE)


# The options of `mifin` itself (no command): what opens the interface. Each takes a value
# or not; "--db=PATH" is accepted as well.
_INTERFACE_OPTIONS = {"--db": True, "--lang": True, "--check-terminal": False,
                      "--key-file": True}


def _top_parser() -> _Parser:
    """`mifin` and its own options, with no command."""
    parser = _Parser(
        prog="mifin",
        description=_("Mifin, the core-banking terminal of a microfinance institution. "
                      "Without a command, opens the interface."),
    )
    parser.add_argument("--version", action="version", version=f"mifin {__version__}")
    parser.add_argument("--db", metavar="PATH",
                        help=_("database file (default: $MIFIN_DB, then the user data folder)"))
    parser.add_argument("--lang", choices=("fr", "en"),
                        help=_("language of messages for this session, over each user's "
                               "own (default: $MIFIN_LANG)"))
    parser.add_argument("--check-terminal", action="store_true",
                        help=_("report what this terminal supports, then exit"))
    parser.add_argument("--key-file", metavar="FILE",
                        help=_("the books' key file (default: $MIFIN_KEY_FILE, then "
                               "chain.key in the configuration folder)"))
    parser.set_defaults(handler=cmd_open)
    return parser


def opens_interface(argv: Sequence[str]) -> bool:
    """Whether `argv` holds only `mifin`'s own options (--db, --lang, --check-terminal):
    then no command's parser is needed. Anything else (a command, --help, a typo) goes
    to the full parser, which answers it as before."""
    i = 0
    while i < len(argv):
        name, eq, _value = argv[i].partition("=")
        takes_value = _INTERFACE_OPTIONS.get(name)
        if takes_value is None or (eq and not takes_value):
            return False
        if takes_value and not eq:
            i += 1
            if i >= len(argv) or argv[i].startswith("-"):
                return False  # a missing value: the full parser says so
        i += 1
    return True


def build_parser() -> argparse.ArgumentParser:
    """The full parser: `mifin` and every command. The commands' modules load here, not
    when the interface starts (`mifin --db FILE` parses with `_top_parser` alone)."""
    from mifin_tui.cli.admin_commands import (
        cmd_backup,
        cmd_check,
        cmd_restore,
        cmd_user_add,
        cmd_user_list,
        cmd_user_lock,
        cmd_user_passwd,
        cmd_user_roles,
        cmd_user_unlock,
    )
    from mifin_tui.cli.closing_commands import cmd_close_day
    from mifin_tui.cli.evidence_commands import cmd_keygen, cmd_verify_receipt
    from mifin_tui.cli.members_commands import cmd_import_members, import_epilog
    from mifin_tui.cli.payments_commands import add_parser as add_payments_parser
    from mifin_tui.cli.payments_commands import add_suspense_parser
    from mifin_tui.cli.remote_commands import cmd_serve, cmd_ssh_setup
    from mifin_tui.cli.report_commands import cmd_report
    from mifin_tui.cli.schedule_commands import add_parser as add_schedule_parser
    from mifin_tui.cli.session_commands import cmd_demo, cmd_init

    parser = _top_parser()
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
    p.add_argument("--date", type=parse_date,
                   help=_("first business date (DD/MM/YYYY or YYYY-MM-DD)"))
    p.add_argument("--provision-rate", action="append", metavar="CLASS=PERCENT",
                   help=_("a provision rate the regulator leaves to the institution "
                          "(asked when not given)"))
    p.add_argument("--keygen", action="store_true",
                   help=_("also enrol the new books in a key file (see `mifin keygen`)"))

    p = add("demo", cmd_demo, _("create the demo institution if missing, then open it"))
    p.add_argument("--no-open", action="store_true", help=_("only create the database"))
    p.add_argument("--members", type=int, default=60, help=_("number of members"))
    p.add_argument("--seed", type=int, default=2026, help=_("random seed"))
    p.add_argument("--regulator", default="bcc", choices=("bceao", "cobac", "bcc"),
                   help=_("regulator profile of the demo institution"))

    p = add("check", cmd_check, _("verify the ledger, the balances, the books' chains, the "
                                  "vouchers and the triggers (exit 1 when a check fails)"))
    p.add_argument("--anchors", metavar="FILE",
                   help=_("also compare the books with the chain heads of this anchor file "
                          "(the closings append them beside their backups)"))
    p = add("keygen", cmd_keygen, _("enrol the books in a key file (made if missing, "
                                    "readable by this account only): from now on their "
                                    "chains are HMACs"))
    p = add("verify-receipt", cmd_verify_receipt,
            _("say whether the books hold exactly the transaction of a receipt's code "
              "(exit 1 when they do not)"))
    p.add_argument("code", metavar="CODE", help=_("the code printed under the voucher's QR"))
    p = add("backup", cmd_backup, _("copy the database to a file, then verify the copy"))
    p.add_argument("--to", required=True, metavar="FILE", help=_("backup file to write"))
    p = add("restore", cmd_restore, _("put a backup in the place of the database: the "
                                      "backup is checked first, the current files are "
                                      "kept aside (every session must be closed)"))
    p.add_argument("backup", metavar="BACKUP", help=_("backup file (from `mifin backup` or "
                                                       "the closing folder)"))
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))

    p = add("close-day", cmd_close_day, _("close the business day (nightly closing): checks, "
                                          "steps, backup, next day; resumes an interrupted "
                                          "closing"))
    p.add_argument("--date", type=parse_date, help=_("the day to close (default: the open "
                                                     "day); refused if it is not the open day"))
    p.add_argument("--user", required=True,
                   help=_("the manager who closes; his password is prompted, or read from "
                          "standard input"))

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
    p.add_argument("--max-sessions", type=int, metavar="N",
                   help=_("sessions open at once (default: the serve_max_sessions setting)"))

    p = add("report", cmd_report, _("print a report as a table, CSV, PDF or XLSX"))
    p.add_argument("name", nargs="?", help=_("report name (see --list)"))
    p.add_argument("--list", action="store_true", help=_("list the reports"))
    p.add_argument("--date", type=parse_date, help=_("business date (default: the open day)"))
    p.add_argument("--till", help=_("till code (default: every till and the vault)"))
    p.add_argument("--currency", help=_("currency (default: the institution's)"))
    p.add_argument("--from", dest="date_from", type=parse_date,
                   help=_("first day of the period"))
    p.add_argument("--to", dest="date_to", type=parse_date, help=_("last day of the period"))
    p.add_argument("--account", help=_("GL account code or account number (account-sheet, "
                                       "statement)"))
    p.add_argument("--branch", help=_("branch code (default: every branch)"))
    p.add_argument("--product", help=_("loan or savings product code (default: every one)"))
    p.add_argument("--officer", help=_("loan officer's user name (default: every officer)"))
    p.add_argument("--zone", help=_("members' zone (default: every zone)"))
    p.add_argument("--format", choices=("table", "csv", "pdf", "xlsx"), default="table")
    p.add_argument("--output", metavar="FILE", help=_("write to FILE instead of the screen"))
    p.add_argument("account_number", nargs="?", metavar="ACCOUNT",
                   help=_("account number (statement), or use --account"))

    add_schedule_parser(add)
    add_suspense_parser(add)

    ip = add("import", lambda a: (ip.print_help(), EXIT_USAGE)[1],
             _("import data from a spreadsheet"))
    imports = ip.add_subparsers(title=_("what"), metavar="WHAT", parser_class=_Parser)
    i = imports.add_parser("members", help=_("import a member register from a CSV file"),
                           description=_("Import a member register from a CSV file."),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    i.epilog_factory = import_epilog
    i.add_argument("file", metavar="FILE.csv")
    i.add_argument("--dry-run", action="store_true",
                   help=_("check every row, import nothing"))
    i.add_argument("--user", required=True,
                   help=_("the administrator who imports; his password is prompted, or "
                          "read from standard input"))
    i.set_defaults(handler=cmd_import_members)
    add_payments_parser(imports)

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
    u = users.add_parser("roles", help=_("give a user his roles (replacing those he holds)"))
    u.add_argument("username")
    u.add_argument("--roles", required=True, help=_("comma-separated, as for add"))
    u.set_defaults(handler=cmd_user_roles)
    for name, handler, text in (
        ("passwd", cmd_user_passwd, _("give a one-time password, printed once (the user "
                                      "chooses his own at his next login)")),
        ("lock", cmd_user_lock, _("lock a user")),
        ("unlock", cmd_user_unlock, _("unlock a user, or end his wait after failed "
                                      "logins")),
    ):
        u = users.add_parser(name, help=text, description=text)
        u.add_argument("username")
        u.set_defaults(handler=handler)
    return parser


def _store_errors() -> tuple[type[Exception], ...]:
    """The store's refusals (schema too new, database busy), if the store was loaded:
    it cannot have raised them otherwise. Importing it here for the `except` clause
    loaded peewee and sqlite3 before the interface drew its login screen."""
    found = []
    for module, name in (("mifin_tui.db.schema", "SchemaTooNew"),
                         ("mifin_tui.db.connection", "DatabaseBusy"),
                         ("mifin_tui.db.files", "DatabaseRefused")):
        error = getattr(sys.modules.get(module), name, None)
        if error is not None:
            found.append(error)
    return tuple(found)


def _language_asked(argv: Sequence[str]) -> str | None:
    """`--lang LANG` (or `--lang=LANG`), else MIFIN_LANG: read before the parser, whose
    messages are translated. A value that is no language is left to the parser (--lang)
    or ignored (MIFIN_LANG)."""
    for i, word in enumerate(argv):
        if word == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in LANGUAGES else None
        if word.startswith("--lang="):
            return word.partition("=")[2] if word.partition("=")[2] in LANGUAGES else None
    language = os.environ.get("MIFIN_LANG", "").strip().lower()
    return language if language in LANGUAGES else None


def unexpected_error(exc: BaseException) -> int:
    """One line: the error's kind and message, never a traceback or its local variables
    (a password being checked, a member's data). A damaged file reached past the start
    check (a page read later) is told as such."""
    import sqlite3

    text = f"{type(exc).__name__}: {exc}"
    cause = exc if isinstance(exc, sqlite3.DatabaseError) else exc.__cause__
    if isinstance(cause, sqlite3.DatabaseError) and "malformed" in str(cause):
        from mifin_tui.db.files import damaged

        refusal = damaged(_("the database"), str(cause))
        print(f"mifin: {refusal}", file=sys.stderr)
        return EXIT_FAILED
    print(_("mifin: unexpected error: {error}").format(error=text.splitlines()[0][:300]),
          file=sys.stderr)
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from mifin_tui.paths import private_umask

    private_umask()  # the database, its -wal/-shm, backups, PDFs, exports: 0600 / 0700
    language = _language_asked(argv)
    if language is not None:
        choose_language(language)
    from mifin_tui.services.kernel.errors import MifinError, ValidationError

    try:
        parser = _top_parser() if opens_interface(argv) else build_parser()
        args = parser.parse_args(argv)
        if args.key_file:
            # through the environment: the interface and what it starts read it there
            os.environ["MIFIN_KEY_FILE"] = str(Path(args.key_file).expanduser().resolve())
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
    except (MifinError, *_store_errors()) as exc:
        print(f"mifin: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(_("mifin: interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        return unexpected_error(exc)


if __name__ == "__main__":
    sys.exit(main())
