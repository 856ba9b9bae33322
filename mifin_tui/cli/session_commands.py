"""Opening Mifin: the interface, a new institution, the demo.

`mifin demo` builds its history up to today. MIFIN_DEMO_DATE (07/12/2026 or 2026-12-07),
read by the demo alone, names that day instead: the same seed on the same date builds
the same institution, whatever the wall clock says (bench/reports_identical.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from mifin_tui.cli.common import EXIT_OK, CliError, db_path, open_db, read_secret
from mifin_tui.i18n import _, current_language


def cmd_open(args: argparse.Namespace) -> int:
    _need_terminal()
    # The app opens it just after drawing the login screen (see MifinApp.open_database).
    return run_tui(db_path(args))


def _need_terminal() -> None:
    from mifin_tui.hangup import no_terminal

    if no_terminal():
        # scp, sftp or `ssh host cmd` reaching the forced command, a cron job, a pipe:
        # the interface would wait for keys that never come, holding the database.
        raise CliError(_("no terminal: Mifin's interface needs one (over SSH: ssh -t)."))


def run_tui(db_path: Path | None = None) -> int:
    _need_terminal()
    # Old machines and slow links: no animation unless the user asks for it;
    # over SSH give Escape sequences time to arrive whole.
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    if os.environ.get("SSH_CONNECTION"):
        os.environ.setdefault("ESCDELAY", "250")
    from mifin_tui.app import MifinApp

    app = MifinApp(db_path=db_path)
    app.run()
    return app.return_code or EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from mifin_tui.services.admin import institution as institution_setup
    from mifin_tui.services.kernel import institution

    path = open_db(args, must_exist=False)
    if institution.is_initialized():
        raise CliError(_("{path} already holds an institution.").format(path=path))
    password = read_secret(_("Administrator password: "), confirm=True)
    from mifin_tui.services.admin.users import validate_new_user
    from mifin_tui.services.kernel.permissions import ADMIN

    # A wrong password is said before the rates are asked for.
    errors = validate_new_user(args.admin, args.admin_name, password, [ADMIN])
    if errors:
        raise CliError("; ".join(errors.values()))
    rates = _provision_rates(args.regulator, args.provision_rate or [])
    institution_setup.initialize(
        name=args.name, branch_code=args.branch_code, branch_name=args.branch_name or "",
        currency=args.currency.upper(), regulator=args.regulator,
        admin_username=args.admin, admin_full_name=args.admin_name,
        admin_password=password, first_day=args.date, city=args.city,
        provision_rates=rates,
    )
    print(_("Institution created in {path}. Log in as {user}.").format(
        path=path, user=args.admin))
    if args.keygen:
        from mifin_tui.cli.evidence_commands import enrol

        enrol()
    return EXIT_OK


def _provision_rates(regulator: str, given: list[str]) -> dict[str, int]:
    """The provision rates the regulator's text leaves to the institution: from
    --provision-rate KEY=PERCENT, else asked one by one (the next line of standard input
    when it is no terminal). Basis points by arrears class."""
    from mifin_tui.services.kernel import settings
    from mifin_tui.services.kernel.errors import ValidationError

    fields = [f for f in settings.provision_rate_fields(regulator) if f.asked]
    if not fields:
        return {}
    known = {f.key for f in fields}
    rates: dict[str, int] = {}
    try:
        for item in given:
            key, sep, text = item.partition("=")
            if not sep or key.strip() not in known:
                raise CliError(_("--provision-rate: KEY=PERCENT with KEY one of {keys}.")
                               .format(keys=", ".join(sorted(known))))
            rates[key.strip()] = settings.parse_rate(text)
        missing = [f for f in fields if f.key not in rates]
        if missing:
            print(_("The regulator's text leaves these provision rates to the institution "
                    "(percent of the provisioning base):"), flush=True)
        for f in missing:
            prompt = _("Provision rate, {label} ({key}) %: ").format(label=f.label, key=f.key)
            if sys.stdin.isatty():
                text = input(prompt)
            else:
                print(prompt, flush=True)
                text = sys.stdin.readline()
                if not text:
                    raise CliError(_("Expected the provision rate of {key} on standard input "
                                     "(or --provision-rate {key}=PERCENT).").format(key=f.key))
            rates[f.key] = settings.parse_rate(text)
    except ValidationError as exc:
        raise CliError("; ".join(exc.errors.values())) from None
    return rates


def _demo_date() -> date | None:
    """The day the demo's history ends on, from MIFIN_DEMO_DATE; None: today."""
    text = os.environ.get("MIFIN_DEMO_DATE", "").strip()
    if not text:
        return None
    from mifin_tui.services.kernel.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise CliError(_("{word}: {message}").format(word="MIFIN_DEMO_DATE", message=exc)
                       ) from None


def cmd_demo(args: argparse.Namespace) -> int:
    from mifin_tui.services.kernel import institution

    today = _demo_date()  # a bad date is said before any file is made
    path = open_db(args, must_exist=False, demo=True)
    if not institution.is_initialized():
        from mifin_tui.demo import build as demo
        from mifin_tui.services.kernel.dates import format_date

        print(_("Creating the demo institution in {path} ...").format(path=path), flush=True)
        from mifin_tui.output import closing_files

        result = demo.build(members=args.members, seed=args.seed, regulator=args.regulator,
                            today=today, on_day_closed=closing_files.save_day_report)
        print(_("Demo institution: {name}, branch {branch}, business date {day}.").format(
            name=result.institution, branch=result.branch_code,
            day=format_date(result.business_date, current_language())))
        print(_("The working day begins: the tills are closed, each cashier opens his with "
                "a count."))
        if result.savers:
            print(_("Regular savers, eligible for the loan products: {numbers}.").format(
                numbers=", ".join(result.savers)))
        print(_("Demo users (shown once; write them down):"))
        from tabulate import tabulate

        # roles wrap inside their column: the table stays within 80 columns
        print(tabulate([(u.username, u.password, u.roles_label) for u in result.users],
                       headers=[_("user"), _("password"), _("roles")],
                       maxcolwidths=[None, None, 44]))
    else:
        print(_("Opening the existing demo database {path}.").format(path=path))
    from mifin_tui.hangup import no_terminal

    if args.no_open or no_terminal():  # built for a script: nothing to open it in
        return EXIT_OK
    if sys.stdin.isatty():
        input(_("Press Enter to open Mifin..."))
    return run_tui()
