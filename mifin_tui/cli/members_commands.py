"""`mifin import members FILE.csv [--dry-run]`: bring a member register from a spreadsheet."""

from __future__ import annotations

import argparse
import sys

from mifin_tui.cli.common import EXIT_FAILED, EXIT_OK, actor, open_db, require_institution
from mifin_tui.i18n import _


def import_epilog() -> str:
    from mifin_tui.services.imports.members import columns_help

    return _("Columns (first line of the file; English or French headers, any case, with "
             "or without accents; other columns are ignored):\n{columns}\n\n"
             "Separator: comma, semicolon or tab; UTF-8 or Excel (cp1252). Every row is "
             "checked first: on any bad row nothing is written and each is reported as "
             "line, column, reason.").format(columns=columns_help())


def cmd_import_members(args: argparse.Namespace) -> int:
    open_db(args)
    require_institution()
    from mifin_tui.services.imports import members as member_import

    ctx = actor(args)
    interactive = sys.stderr.isatty()

    def progress(phase: str, done: int, total: int) -> None:
        if total < 2000:
            return
        word = _("checking") if phase == "check" else _("writing")
        end = "\n" if done >= total else ""
        if interactive:
            print(f"\r{word} {done}/{total}", end=end, file=sys.stderr, flush=True)
        elif done >= total or done % 10000 == 0:
            print(f"{word} {done}/{total}", file=sys.stderr, flush=True)

    report = member_import.import_members(ctx, args.file, dry_run=args.dry_run,
                                          progress=progress)
    for column in report.ignored_columns:
        print(_("Column ignored: {column}").format(column=column))
    if report.errors:
        print(_("{rows} rows read, {bad} errors: nothing was imported.").format(
            rows=report.rows, bad=len(report.errors)))
        for e in report.errors:
            print(_("line {line}, column {column}: {reason}").format(
                line=e.line, column=e.column, reason=e.reason))
        return EXIT_FAILED
    if report.dry_run:
        print(_("{rows} rows checked, all good (dry run: nothing imported).").format(
            rows=report.rows))
        return EXIT_OK
    print(_("{count} members imported: {first} to {last}.").format(
        count=report.imported, first=report.first_number, last=report.last_number))
    return EXIT_OK
