"""`mifin report`: any report of the registry as a table, CSV, PDF or XLSX.

The CSV is written for the spreadsheet of the --lang (output/reports.py, table.csv_document):
in French ";" between cells and "1234,50" in major units, in English "," and "1234.50";
always a UTF-8 byte order mark first, on standard output too (`> file.csv` opens in Excel)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mifin_tui.cli.admin_commands import operator
from mifin_tui.cli.common import EXIT_OK, EXIT_USAGE, CliError, open_db, require_institution
from mifin_tui.i18n import _


def cmd_report(args: argparse.Namespace) -> int:
    from mifin_tui.services.reports.registry import REPORTS, ReportParams

    if args.list or not args.name:
        for name, spec in REPORTS.items():
            print(f"{name:18} {_(spec.help)}")
        return EXIT_OK if args.list else EXIT_USAGE
    if args.name not in REPORTS:
        raise CliError(_("Unknown report {name}; `mifin report --list` names them.").format(
            name=args.name), EXIT_USAGE)
    if args.format in ("pdf", "xlsx") and not args.output:
        raise CliError(_("A PDF or XLSX report needs --output FILE."), EXIT_USAGE)
    if args.name == "statement" and not ((args.account or args.account_number)
                                         and args.date_from and args.date_to):
        raise CliError(_("statement needs ACCOUNT, --from and --to."), EXIT_USAGE)
    open_db(args)
    require_institution()
    from mifin_tui.output import reports

    params = ReportParams(date=args.date, date_from=args.date_from, date_to=args.date_to,
                          account=args.account or args.account_number, currency=args.currency,
                          branch=args.branch, till=args.till,
                          product=args.product, officer=args.officer, zone=args.zone)
    data = reports.render(args.name, operator(), params, fmt=args.format)
    if args.output:
        Path(args.output).write_bytes(data)
        print(_("Written: {path}").format(path=args.output))
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK
