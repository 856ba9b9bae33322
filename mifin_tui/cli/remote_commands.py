"""Reaching Mifin from elsewhere: over SSH, in a browser."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from mifin_tui.cli.common import EXIT_OK, CliError, open_db, require_institution
from mifin_tui.i18n import _


def cmd_ssh_setup(args: argparse.Namespace) -> int:
    from mifin_tui.paths import resolve_db_path
    from mifin_tui.ssh_setup import SetupFailed, SshSetup, apply, instructions

    mifin = args.mifin or shutil.which("mifin") or os.path.abspath(sys.argv[0])
    setup = SshSetup(args.user, resolve_db_path(args.db).resolve(), mifin)
    if not args.apply:
        for line in instructions(setup):
            print(line)
        return EXIT_OK
    try:
        for line in apply(setup, Path(args.keys) if args.keys else None):
            print(line)
    except (PermissionError, SetupFailed) as exc:
        raise CliError(str(exc)) from exc
    return EXIT_OK


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def cmd_serve(args: argparse.Namespace) -> int:
    """The same app in a browser (textual-serve): one Mifin process per visitor, at most
    `serve_max_sessions` at once, gated by Mifin's own login."""
    import shlex

    path = open_db(args)
    require_institution()
    from mifin_tui.services.kernel import settings
    from mifin_tui.web_serve import MifinServer

    if args.max_sessions is not None and args.max_sessions < 1:
        raise CliError(_("--max-sessions: at least 1."))
    max_sessions = args.max_sessions or settings.get("serve_max_sessions")
    mifin = shutil.which("mifin")
    launcher = shlex.quote(mifin) if mifin else f"{shlex.quote(sys.executable)} -m mifin_tui"
    lang = f" --lang {args.lang}" if args.lang else ""
    command = f"{launcher}{lang} --db {shlex.quote(str(path.resolve()))}"
    if args.host not in LOOPBACK:
        print(_("Warning: serving on {host} without TLS: passwords would cross the network "
                "in clear. Keep the default (127.0.0.1) and put a reverse proxy with TLS in "
                "front (README, \"Mifin in a browser\").").format(host=args.host),
              file=sys.stderr)
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    MifinServer(command, max_sessions=max_sessions, host=args.host, port=args.port,
                title="Mifin", public_url=args.public_url).serve()
    return EXIT_OK
