"""The steps that end the nightly closing: year end (income and expenses to the result),
the verified backup of the database, and the day closed with the next one opened."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from mifin_tui import paths
from mifin_tui.db import locks
from mifin_tui.db.models import Account, Branch, BusinessDay, ClosingRun, GLAccount
from mifin_tui.i18n import Translator, _
from mifin_tui.paths import write_private
from mifin_tui.services.admin import backup
from mifin_tui.services.closing.steps import Batch, ClosingFailed, StepRun, _fault
from mifin_tui.services.kernel import accounts, audit, chain, clock, ledger, settings
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.money import format_amount


def _year_end(r: StepRun) -> None:
    """Close every income and expense account of the branch to the result of the year:
    one OD posting per currency and batch of accounts."""
    gl_ids = _income_and_expense_gls()

    def fetch(cursor: int, limit: int) -> list[Account]:
        # By the GL index: a few dozen accounts among the members' hundreds of thousands.
        return list(Account.select(Account.id, Account.currency, Account.balance,
                                   Account.normal_side)
                    .where((Account.branch == r.branch_id) & Account.gl_account.in_(gl_ids)
                           & (Account.balance != 0) & (Account.id > cursor))
                    .order_by(Account.id).limit(limit))

    def process(rows: Sequence[Account]) -> Batch:
        by_currency: dict[str, list[Account]] = defaultdict(list)
        for acc in rows:
            by_currency[acc.currency].append(acc)
        amounts: dict[str, int] = {}
        for cur, accs in sorted(by_currency.items()):
            lines: list[ledger.Line] = []
            result = 0  # the year's profit in this batch (negative: a loss)
            for acc in accs:
                # The balance goes to the side that brings the account to zero.
                to_debit = (acc.normal_side == "credit") == (acc.balance > 0)
                amount = abs(acc.balance)
                lines.append(ledger.Line(acc.id, debit=amount) if to_debit
                             else ledger.Line(acc.id, credit=amount))
                result += acc.balance if acc.normal_side == "credit" else -acc.balance
            target = accounts.internal_account(r.branch_id, "result_of_year", cur)
            if result > 0:
                lines.append(ledger.Line(target.id, credit=result))
            elif result < 0:
                lines.append(ledger.Line(target.id, debit=-result))
            ledger.post(r.ctx, kind="year_end_closing",
                        label=_("Year {year} closed: income and expenses to the result "
                                "of the year").format(year=r.day.year),
                        lines=lines, voucher_series="OD")
            amounts[cur] = result
        return Batch(cursor=rows[-1].id, items=len(rows), amounts=amounts)

    r.batches(fetch, process)


def _income_and_expense_gls() -> list[int]:
    return [g.id for g in GLAccount.select(GLAccount.id)
            .where(GLAccount.kind.in_(("income", "expense")))]


def _count_year_end(r: StepRun) -> int:
    return (Account.select().where((Account.branch == r.branch_id)
                                   & Account.gl_account.in_(_income_and_expense_gls())
                                   & (Account.balance != 0) & (Account.id > r.cursor)).count()
            + r.items)


def _describe_year_end(_: Translator, language: str, detail: Mapping[str, Any],
                       items: int, amounts: Mapping[str, int]) -> list[str]:
    out = [_.ngettext(
        "{n} income and expense account closed to the result of the year.",
        "{n} income and expense accounts closed to the result of the year.", items).format(
        n=items)]
    for cur, amount in sorted(amounts.items()):
        out.append((_("Profit of the year: {amount}") if amount >= 0
                    else _("Loss of the year: {amount}")).format(
            amount=format_amount(abs(amount), cur, language)))
    return out


def closing_folder() -> Path:
    """Where the closing's backups and reports go: the setting, else beside the database."""
    configured = settings.get("closing_backup_dir")
    if configured:
        return Path(configured).expanduser()
    db_file = locks.database_file()
    return db_file.parent / f"{db_file.stem}-closing"


# Beside the backups: one line per closing with the day's chain heads (chain.anchor_line),
# for `mifin check --anchors`.
ANCHOR_FILE = "anchors.txt"


def anchor_file() -> Path | None:
    """The anchor file the closings append to, when there is one (what `mifin check` and
    the verification screen compare the books with by default)."""
    path = closing_folder() / ANCHOR_FILE
    return path if path.is_file() else None


def backup_name(branch_code: str, day: date) -> str:
    return f"{branch_code}-{day.isoformat()}.db"


def report_name(branch_code: str, day: date) -> str:
    return f"{branch_code}-{day.isoformat()}-closing.pdf"


def _prune(folder: Path, branch_code: str, day: date, keep_days: int) -> list[str]:
    """Remove this branch's closing backups older than `keep_days` before `day`."""
    limit = day - timedelta(days=keep_days)
    removed = []
    for path in sorted(folder.glob(f"{branch_code}-????-??-??.db")):
        try:
            taken = date.fromisoformat(path.stem[len(branch_code) + 1:])
        except ValueError:
            continue
        if taken < limit:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def _backup(r: StepRun) -> None:
    branch_code = Branch.get_by_id(r.branch_id).code
    folder = closing_folder()
    target = folder / backup_name(branch_code, r.day)
    partial = target.with_name(target.name + ".partial")
    try:
        paths.private_dir(folder)  # members' data and password hashes: 0700
        db_file = locks.database_file()
        wal = db_file.with_name(db_file.name + "-wal")
        needed = db_file.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        free = shutil.disk_usage(folder).free
        if free < needed:
            raise OSError(_("{free} bytes free, the copy needs {needed}").format(
                free=free, needed=needed))
        # A copy left by a closing killed mid-backup is redone; the name appears only
        # once the copy is whole and verified.
        partial.unlink(missing_ok=True)
        # The day's chain heads, read before the copy: the backup holds them (and what
        # a login wrote since); they go on the signed report and into the anchor file.
        heads = chain.heads()
        backup.backup_to(partial, settings.get("closing_backup_check"))
        _fault("backup", r.batches_done + 1, "copied")
        os.replace(partial, target)
        anchor = chain.anchor_line(r.day.isoformat(), branch_code, heads)
        write_private(folder / ANCHOR_FILE, anchor + "\n", append=True)
    except (OSError, sqlite3.Error, MifinError) as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise ClosingFailed(
            _("The backup could not be written to {path}: {error}. The day is not closed: "
              "free disk space or correct the backup folder (setting closing_backup_dir), "
              "then run the closing again; it resumes at the backup.").format(
                path=target, error=exc)) from exc
    removed = _prune(folder, branch_code, r.day, settings.get("closing_backup_days"))
    size = target.stat().st_size
    r.once(lambda: Batch(items=1, detail={"path": str(target), "bytes": size,
                                          "removed": len(removed), "anchor": anchor,
                                          "anchor_file": str(folder / ANCHOR_FILE)}))


def _describe_backup(_: Translator, language: str, detail: Mapping[str, Any],
                     items: int, amounts: Mapping[str, int]) -> list[str]:
    if not detail.get("path"):
        return []
    out = [_("Backup written and verified: {path} ({size} KB).").format(
        path=detail["path"], size=max(1, detail.get("bytes", 0) // 1024))]
    if detail.get("anchor"):
        parts = detail["anchor"].split()
        out.append(_("Chain heads anchored: ledger transaction {ledger}, audit row {audit} "
                     "({path}).").format(ledger=parts[3], audit=parts[6],
                                          path=detail.get("anchor_file", "")))
    if detail.get("removed"):
        out.append(_.ngettext(
            "{n} older backup removed.",
            "{n} older backups removed.", detail["removed"]).format(n=detail["removed"]))
    return out


def _close_day(r: StepRun) -> None:
    def work() -> Batch:
        now = clock.now()
        BusinessDay.update(status="closed", closed_at=now, closed_by=r.ctx.user_id).where(
            (BusinessDay.branch == r.branch_id) & (BusinessDay.date == r.day)
            & (BusinessDay.status == "closing")).execute()
        if not BusinessDay.select().where((BusinessDay.branch == r.branch_id)
                                          & (BusinessDay.date == r.next_day)).exists():
            BusinessDay.create(branch=r.branch_id, date=r.next_day, status="open",
                               opened_at=now, opened_by=r.ctx.user_id)
        ClosingRun.update(status="done", finished_at=now).where(
            ClosingRun.id == r.run_id).execute()
        audit.record(r.ctx, "day.close", "business_day", r.day.isoformat(),
                     before={"open": r.day.isoformat()},
                     after={"open": r.next_day.isoformat()}, business_date=r.day)
        return Batch(items=1, detail={"next": r.next_day.isoformat()})

    r.once(work)


def _describe_close(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                    items: int, amounts: Mapping[str, int]) -> list[str]:
    if not detail.get("next"):
        return []
    return [_("Day closed; business day {day} opened.").format(
        day=format_date(date.fromisoformat(detail["next"])))]


# The closing's steps, in order. Later steps (automatic debits, penalties, loan interest
# accrual, savings interest at month end, dormancy, classification and provisions) go
