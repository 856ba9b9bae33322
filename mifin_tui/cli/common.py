"""What every sub-command shares: exit codes, errors, opening the database, secrets."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path

from mifin_tui.i18n import _

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


def db_path(args: argparse.Namespace, *, must_exist: bool = True, demo: bool = False) -> Path:
    """The database file the command works on (`--db`, `MIFIN_DB`, the data folder)."""
    from mifin_tui.paths import resolve_db_path

    path = resolve_db_path(args.db, demo=demo)
    if must_exist and not path.exists():
        raise CliError(_("No database at {path}: run `mifin init` or `mifin demo` first.")
                       .format(path=path))
    return path


def open_db(args: argparse.Namespace, *, must_exist: bool = True, demo: bool = False) -> Path:
    from mifin_tui import paths
    from mifin_tui.db import open_database
    from mifin_tui.services.kernel import chain

    path = db_path(args, must_exist=must_exist, demo=demo)
    if not path.parent.exists() or path.parent == paths.data_dir():
        # A folder Mifin makes (or its own data folder) is private; one the user named
        # is his to set: `mifin check` warns when others can read it.
        paths.private_dir(path.parent)
    open_database(path)
    # Books upgraded from a Mifin without the ledger chain get it now, once.
    chain.ensure_built()
    return path


def require_institution() -> None:
    from mifin_tui.services.kernel import institution

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


def actor(args: argparse.Namespace):  # -> Context
    """The Mifin user a command acts as: `--user NAME`, with his password (prompted, or
    the next line of standard input), logged in as at the login screen. There is no
    default: a command that moves money or imports is one person's act, audited so."""
    from mifin_tui.services.kernel import auth

    username = (getattr(args, "user", None) or "").strip()
    if not username:
        raise CliError(_("Say who acts: --user NAME (his password is asked)."), EXIT_USAGE)
    password = read_secret(_("Password of {user}: ").format(user=username))
    ctx = auth.login(username, password)
    if ctx.must_change_password:
        raise CliError(_("{user} holds a one-time password: he first chooses his own at "
                         "Mifin's login screen.").format(user=username))
    return ctx


def parse_date(text: str) -> date:
    """--date as the screens write it (07/12/2026) or ISO (2026-12-07)."""
    from mifin_tui.services.kernel.dates import parse_date as parse

    try:
        return parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
