"""`mifin close-day`: the nightly closing from the server's shell (or cron)."""

from __future__ import annotations

import argparse
import sys

from mifin_tui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    actor,
    open_db,
    require_institution,
)
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel.dates import format_date


def _refuse_a_day_not_begun(branch_id: int) -> None:
    """Without --date, a day the calendar has not reached is not closed: a cron retry
    after a successful closing would otherwise close the next business day at once. An
    interrupted closing is resumed whatever its day (it was begun on purpose)."""
    from mifin_tui.services.kernel import business_day, clock

    day = business_day.open_date(branch_id)
    if day is None or business_day.is_closing(branch_id) or day <= clock.today():
        return
    language = current_language()
    raise CliError(_("The open business day {day} has not begun (today is {today}); "
                     "close it with --date {day} if that is meant.").format(
        day=format_date(day, language), today=format_date(clock.today(), language)),
        EXIT_FAILED)


def cmd_close_day(args: argparse.Namespace) -> int:
    from mifin_tui.output import closing_files
    from mifin_tui.services.closing import nightly as closing

    open_db(args)
    require_institution()
    ctx = actor(args)
    if args.date is None:
        _refuse_a_day_not_begun(ctx.branch_id)
    tty = sys.stdout.isatty()
    last = {"step": ""}

    def progress(p: closing.Progress) -> None:
        count = f"{p.done}/{p.total}" if p.total else str(p.done)
        line = _("[{n}/{steps}] {label}: {count}").format(
            n=p.position, steps=p.steps, label=p.step_label, count=count)
        if tty:
            end = "\n" if p.step_key != last["step"] and last["step"] else ""
            print(f"{end}\r{line}", end="", flush=True)
        else:
            print(line, flush=True)
        last["step"] = p.step_key

    try:
        doc = closing.run(ctx, day=args.date, progress=progress)
    except closing.ClosingRefused as exc:
        if tty:
            print()
        print(_("The closing of {day} did not start:").format(
            day=format_date(exc.day, current_language())))
        for f in exc.findings:
            word = _("BLOCKING") if f.blocking else _("WARNING")
            print("  " + _("{word}: {message}").format(word=word, message=f.message))
            print(_("    what to do: {todo}").format(todo=f.todo))
        raise CliError(_("closing refused: {n} check(s) failed; nothing was changed.").format(
            n=sum(1 for f in exc.findings if f.blocking)), EXIT_FAILED) from None
    if tty:
        print()
    for step in doc.steps:
        print(f"- {step.label}: {step.status_label}")
        for note in step.notes:
            print(f"    {note}")
    for w in doc.warnings:
        print(_("WARNING: {message}").format(message=w.message))
    for d in doc.till_differences:
        print(_("Till difference {till} ({cashier}): {diff} {cur}").format(
            till=d.till, cashier=d.cashier, diff=d.difference, cur=d.currency))
    path = closing_files.save_report(closing_files.document_report(ctx, doc.business_date))
    print(_("Closing report: {path}").format(path=path))
    print(_("Day {day} closed; business day {next} is open.").format(
        day=format_date(doc.business_date, current_language()),
        next=format_date(doc.next_date, current_language())))
    return EXIT_OK
