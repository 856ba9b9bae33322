"""`mifin report`: reports as a table, CSV or PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mifin_tui.cli.admin_commands import operator
from mifin_tui.cli.common import EXIT_OK, EXIT_USAGE, CliError, open_db, require_institution
from mifin_tui.i18n import N_, _

REPORTS = {
    "cash-journal": N_("cash journal (journal de caisse) of a till or the branch for a day"),
    "statement": N_("statement (relevé) of an account for a period: ACCOUNT --from D --to D"),
}


def cmd_report(args: argparse.Namespace) -> int:
    if args.list or not args.name:
        for name, text in REPORTS.items():
            print(f"{name:16} {_(text)}")
        return EXIT_OK if args.list else EXIT_USAGE
    if args.name not in REPORTS:
        raise CliError(_("Unknown report {name}; `mifin report --list` names them.").format(
            name=args.name), EXIT_USAGE)
    open_db(args)
    require_institution()
    from mifin_tui import reports

    if args.name == "statement":
        from mifin_tui import savings_reports

        if not args.account or not args.date_from or not args.date_to:
            raise CliError(_("statement needs ACCOUNT, --from and --to."), EXIT_USAGE)
        data = savings_reports.render_statement(operator(), args.account, args.date_from,
                                                args.date_to, args.format)
    else:
        data = reports.render(args.name, operator(), day=args.date, till=args.till,
                              currency=args.currency, fmt=args.format)
    if args.output:
        Path(args.output).write_bytes(data)
        print(_("Written: {path}").format(path=args.output))
    elif args.format == "pdf":
        raise CliError(_("A PDF needs --output FILE."), EXIT_USAGE)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK
