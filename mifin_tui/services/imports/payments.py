"""Statements of mobile-money operators and banks imported (#9): each payment matched to
a loan or a savings account and posted once; the rest left for the accountant.

A file (CSV: date, reference, payer phone or account, amount, free text; an optional
currency column, else the institution's currency) is checked first: every line must
parse (date, amount with the currency's decimals, a reference) and no reference may
appear twice in it. On any bad line nothing is written. Then each line is matched, in
this order:

1. a loan or savings account number written inside the reference, then inside the text;
2. the payer column holding an account number (a loan's or a savings account's);
3. the payer column holding a member's phone: the member's only loan being repaid in
   the line's currency, else (no such loan) the member's only active savings account in
   it. Anything else (several loans, an unknown phone) stays unmatched.

A reference already imported on the channel (any file) or already used by a repayment
on it is skipped: a file imported twice posts nothing twice. Matched lines post in one
transaction, each in its own savepoint: a line the loan refuses (a closed account,
another currency) is rejected with the reason, and the others post; a loan line above
what the product takes posts what it takes. Money received is always booked (#20): what
is not posted (unmatched, rejected, the excess) goes to "paiements reçus à affecter"
(`imports.suspense`) with its reference, so the clearing account equals the statement.
The accountant names the loan or account of a waiting line (`post_line`, applied from
suspense) or refunds it (`suspense.refund`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from peewee import IntegrityError

from mifin_tui.db import database, write_transaction
from mifin_tui.db.models import Account, Branch, Institution, Loan, PaymentImport, PaymentImportLine
from mifin_tui.i18n import _, current_language
from mifin_tui.services.imports import payment_matching as matching
from mifin_tui.services.imports import suspense
from mifin_tui.services.imports.csv_reader import read_file
from mifin_tui.services.imports.payment_file import (
    CHANNELS,
    MATCHED,
    OPEN,
    POSTED,
    REJECTED,
    SKIPPED,
    UNMATCHED,
    ImportReport,
    Line,
    channel_label,
    parse,
    status_label,
)
from mifin_tui.services.kernel import audit, business_day, clock, numbering
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, NotFound, ValidationError
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import repayments
from mifin_tui.services.reports import table as rt
from mifin_tui.services.savings import credit as savings_credit

# The file's names the screens and the command line read here with the import itself.
__all__ = ["CHANNELS", "ImportReport", "OpenLine", "Posted", "channel_label", "import_payments",
           "open_lines", "post_line", "status_label", "summary_lines", "summary_table"]


# --- posting ------------------------------------------------------------------------


def _post(ctx: Context, channel: str, line: Line) -> tuple[int, str]:
    """Post the line on its target inside the caller's transaction: (txn, voucher).
    Raises ValidationError (or MifinError) before writing anything when refused."""
    label = line.text.strip() or _("Payment {reference}").format(reference=line.reference)
    if line.loan_id is not None:
        loan = Loan.get_or_none(Loan.id == line.loan_id)
        if loan is None:
            raise NotFound(_("No such loan."))
        if loan.currency != line.currency:
            raise ValidationError({"currency": _(
                "Loan {number} is in {currency}; the payment is in {paid}.").format(
                number=loan.number, currency=loan.currency, paid=line.currency)})
        receipt = repayments.repay_within(
            ctx, loan.id, line.amount, channel=channel, reference=line.reference,
            value_date=line.value_date, party_name=line.payer, purpose=label[:200])
        return receipt.txn_id, receipt.voucher_number
    acc = Account.get_or_none(Account.id == line.account_id)
    if acc is not None and acc.currency != line.currency:
        raise ValidationError({"currency": _(
            "Account {number} keeps {currency}; the payment is in {paid}.").format(
            number=acc.number, currency=acc.currency, paid=line.currency)})
    credited = savings_credit.credit_within(ctx, line.account_id or 0, line.amount,
                                            channel=channel, reference=line.reference,
                                            label=label[:200])
    return credited.txn_id, credited.voucher_number


def _reason(exc: MifinError) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(v) for v in exc.errors.values())
    return str(exc)


def _post_saved(ctx: Context, channel: str, line: Line, row: PaymentImportLine) -> bool:
    """Post one line in a savepoint: all of it, or nothing and the line rejected. A loan
    that refuses the amount as above what it takes gets what it takes, the rest waits in
    suspense (`_post_what_is_due`)."""
    try:
        with database.atomic():
            txn_id, voucher = _post(ctx, channel, line)
    except MifinError as exc:
        if _post_what_is_due(ctx, channel, line, row):
            return True
        line.status, line.reason = REJECTED, _reason(exc)[:255]
        row.status, row.reason = REJECTED, line.reason
        row.save()
        return False
    _posted(ctx, line, row, txn_id, voucher, "")
    return True


def _posted(ctx: Context, line: Line, row: PaymentImportLine, txn_id: int, voucher: str,
            reason: str) -> None:
    line.status, line.voucher, line.reason = POSTED, voucher, reason
    row.status, row.txn, row.reason = POSTED, txn_id, reason
    row.posted_by, row.posted_on = ctx.user_id, business_day.require_open(ctx.branch_id)
    row.save()


def _post_what_is_due(ctx: Context, channel: str, line: Line, row: PaymentImportLine
                      ) -> bool:
    """A loan line above what the product takes: post what it takes and hold the rest in
    suspense, in one savepoint. False (nothing written) when that is not the refusal."""
    if line.loan_id is None:
        return False
    try:
        with database.atomic():
            most = repayments.max_payment(ctx, line.loan_id)
            if not 0 < most < line.amount:
                return False
            txn_id, voucher = _post(ctx, channel, dataclasses.replace(line, amount=most))
            rest = line.amount - most
            reason = _("{amount} above what loan {number} takes, held in suspense.").format(
                amount=format_amount(rest, line.currency, current_language()),
                number=line.target or str(line.loan_id))
            suspense.book_within(ctx, row, rest, reason)
    except MifinError:
        return False
    _posted(ctx, line, row, txn_id, voucher, reason[:255])
    return True


def _hold(ctx: Context, line: Line, row: PaymentImportLine) -> None:
    """A line that could not be posted: its money waits in suspense with its reference."""
    why = line.reason or _("No loan or account found for this payment.")
    suspense.book_within(ctx, row, line.amount, why)
    line.reason = (line.reason + " " if line.reason else "") + _("Held in suspense.")


@requires("payment.import")
def import_payments(ctx: Context, path: str | Path, channel: str, *,
                    dry_run: bool = False) -> ImportReport:
    """Check the whole file, match every line, then (unless dry_run, and only when every
    line is good) record the import and post the matched lines. See the module."""
    if channel not in CHANNELS:
        raise ValidationError({"channel": _("One of: {channels}.").format(
            channels=", ".join(CHANNELS))})
    path = Path(path)
    today = business_day.require_open(ctx.branch_id)
    lines, report = parse(path, today)
    report.channel, report.dry_run = channel, dry_run
    if report.errors:
        return report
    known = matching.known_references(channel, (line.reference for line in lines))
    phones = matching.Phones(ctx.branch_id)
    for line in lines:
        if line.reference in known:
            line.status, line.reason = SKIPPED, _("Reference already imported.")
        else:
            matching.match(ctx, line, phones)
    report.lines = lines
    if dry_run:
        return report
    data = read_file(path)
    try:
        with write_transaction():
            _record_import(ctx, path, channel, today, data, lines, report)
    except IntegrityError:
        # Another session imported some of these references between the check above
        # and this write: its lines were posted once, by it; nothing here was written.
        raise MifinError(_("These payments were imported meanwhile by another session: "
                           "already imported, nothing was posted twice. Import the file "
                           "again to see which lines remain.")) from None
    return report


def _record_import(ctx: Context, path: Path, channel: str, today: date, data: bytes,
                   lines: list[Line], report: ImportReport) -> None:
    # Re-read under the write lock: an import of the same file by another session that
    # committed since the check skips here instead of failing on the unique reference.
    known = matching.known_references(
        channel, (line.reference for line in lines if line.status != SKIPPED))
    for line in lines:
        if line.status != SKIPPED and line.reference in known:
            line.status, line.reason = SKIPPED, _("Reference already imported.")
    imp = PaymentImport.create(
        branch=ctx.branch_id, channel=channel, file_name=path.name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(), business_date=today,
        created_by=ctx.user_id, created_at=clock.now(), lines=len(lines), posted=0,
        unmatched=0, rejected=0, skipped=report.count(SKIPPED))
    for line in lines:
        if line.status == SKIPPED:
            continue
        row = PaymentImportLine.create(
            payment_import=imp.id, line_no=line.line_no, channel=channel,
            reference=line.reference, value_date=line.value_date, payer=line.payer,
            amount=line.amount, currency=line.currency, text=line.text,
            status=line.status, matched_by=line.matched_by, loan=line.loan_id,
            account=line.account_id, reason=line.reason[:255])
        if line.status == MATCHED:
            _post_saved(ctx, channel, line, row)
        if line.status in OPEN:
            _hold(ctx, line, row)
    imp.posted, imp.unmatched, imp.rejected = (
        report.count(POSTED), report.count(UNMATCHED), report.count(REJECTED))
    imp.save()
    report.import_id = imp.id
    audit.record(ctx, "payment.import", "payment_import", imp.id,
                 after={"file": path.name, "sha256": imp.file_sha256,
                        "channel": channel, "lines": len(lines),
                        "posted": imp.posted, "unmatched": imp.unmatched,
                        "rejected": imp.rejected, "skipped": imp.skipped})


# --- the accountant's manual matching -------------------------------------------------


@dataclass(frozen=True)
class OpenLine:
    id: int
    import_id: int
    channel: str
    line_no: int
    value_date: date
    reference: str
    payer: str
    amount: int
    currency: str
    text: str
    status: str
    reason: str
    file_name: str


@requires("payment.import")
def open_lines(ctx: Context, channel: str | None = None) -> list[OpenLine]:
    """The lines still waiting for the accountant (unmatched or rejected), oldest first."""
    q = (PaymentImportLine.select(PaymentImportLine, PaymentImport)
         .join(PaymentImport)
         .where((PaymentImport.branch == ctx.branch_id)
                & PaymentImportLine.status.in_(OPEN)))
    if channel:
        q = q.where(PaymentImportLine.channel == channel)
    return [OpenLine(r.id, r.import_id, r.channel, r.line_no, r.value_date,
                     r.reference, r.payer, r.amount, r.currency, r.text, r.status, r.reason,
                     r.payment_import.file_name)
            for r in q.order_by(PaymentImportLine.id)]


@dataclass(frozen=True)
class Posted:
    line_id: int
    voucher_number: str
    target: str


@requires("payment.import")
def post_line(ctx: Context, line_id: int, number: str) -> Posted:
    """Post a waiting line on the loan or savings account `number` (as typed), chosen by
    the accountant. Refusals are ValidationErrors and write nothing."""
    try:
        normal = numbering.normalize_account_number(number)
    except ValueError:
        raise ValidationError({"number": _("Not an account number: {number}.").format(
            number=number.strip())}) from None
    with write_transaction():
        row = PaymentImportLine.get_or_none(PaymentImportLine.id == line_id)
        if row is None or row.payment_import.branch_id != ctx.branch_id:
            raise NotFound(_("No such payment line."))
        if row.status not in OPEN:
            raise ValidationError({"line": _("Line {reference} is {status}.").format(
                reference=row.reference, status=status_label(row.status))})
        target = matching.by_number(ctx, normal)
        if target is None:
            raise ValidationError({"number": _(
                "No loan or savings account {number} in this branch.").format(number=normal)})
        line = Line(row.line_no, row.value_date, row.reference, row.payer, row.amount,
                    row.currency, row.text)
        matching.set_target(line, target, "manual")
        held = suspense.item_of_line(row.id)
        if held is not None:
            # its money waits in suspense since the import: applied from there
            txn_id, voucher, _number = suspense.apply_within(ctx, held, normal)
        else:
            try:
                txn_id, voucher = _post(ctx, row.channel, line)
            except ValidationError as exc:
                raise ValidationError({"number": _reason(exc)}) from None
        before = {"status": row.status, "reason": row.reason}
        row.status, row.matched_by, row.reason = POSTED, "manual", ""
        row.loan, row.account, row.txn = target.loan_id, target.account_id, txn_id
        row.posted_by, row.posted_on = ctx.user_id, business_day.require_open(ctx.branch_id)
        row.save()
        imp = row.payment_import
        counts = {s: PaymentImportLine.select().where(
            (PaymentImportLine.payment_import == imp.id)
            & (PaymentImportLine.status == s)).count() for s in (POSTED, UNMATCHED, REJECTED)}
        imp.posted, imp.unmatched, imp.rejected = (counts[POSTED], counts[UNMATCHED],
                                                   counts[REJECTED])
        imp.save()
        audit.record(ctx, "payment.match", "payment_import_line", row.id, before=before,
                     after={"status": POSTED, "reference": row.reference,
                            "target": target.number, "voucher": voucher})
    return Posted(line_id, voucher, target.number)


# --- the summary ------------------------------------------------------------------------


def summary_lines(r: ImportReport) -> list[str]:
    """The report as text lines (the command line and the screen)."""
    lines = [_("Column ignored: {column}").format(column=c) for c in r.ignored_columns]
    if r.errors:
        lines.append(_("{rows} lines read, {bad} errors: nothing was imported.").format(
            rows=r.rows, bad=len(r.errors)))
        lines += [_("line {line}, column {column}: {reason}").format(
            line=e.line, column=e.column, reason=e.reason) for e in r.errors]
        return lines
    head = (_("{rows} lines checked (dry run: nothing posted).") if r.dry_run
            else _("{rows} lines imported."))
    lines.append(head.format(rows=len(r.lines)))
    counts = [(MATCHED if r.dry_run else POSTED), UNMATCHED, REJECTED, SKIPPED]
    lines.append(", ".join(f"{status_label(s)}: {r.count(s)}" for s in counts))
    lang = current_language()
    for line in r.lines:
        if line.status in (POSTED, MATCHED) and not line.reason:
            continue  # a posted line with a reason kept an excess in suspense
        lines.append(_("line {line} {reference} {amount}: {status}. {reason}").format(
            line=line.line_no, reference=line.reference,
            amount=format_amount(line.amount, line.currency, lang),
            status=status_label(line.status), reason=line.reason).strip())
    return lines


@requires("payment.import")
def summary_table(ctx: Context, r: ImportReport) -> rt.ReportTable:
    """The import's summary as a report table (A4 PDF through printers/report.py), one
    row per line of the file with what became of it."""
    branch = Branch.get_by_id(ctx.branch_id)
    inst = Institution.get_by_id(branch.institution_id)
    currencies = sorted({line.currency for line in r.lines}) or [inst.currency]
    currency = currencies[0]
    columns = (rt.Column("line", _("Line"), rt.COUNT), rt.Column("date", _("Date"), rt.DATE),
               rt.Column("reference", _("Reference")), rt.Column("payer", _("Payer")),
               rt.Column("amount", _("Amount"), rt.MONEY, currency),
               rt.Column("status", _("Status")), rt.Column("target", _("Loan or account")),
               rt.Column("note", _("Voucher or reason")))
    rows = [(line.line_no, line.value_date, line.reference, line.payer,
             line.amount if line.currency == currency else None, status_label(line.status),
             line.target, line.voucher or line.reason[:60]) for line in r.lines]
    posted = sum(line.amount for line in r.lines
                 if line.status == POSTED and line.currency == currency)
    counts = ", ".join(f"{status_label(s)}: {r.count(s)}"
                       for s in (POSTED, MATCHED, UNMATCHED, REJECTED, SKIPPED) if r.count(s))
    notes = [counts, _("Posted: {amount}").format(
        amount=format_amount(posted, currency, current_language()))]
    if len(currencies) > 1:
        notes.append(_("Amounts in {currency} only; other currencies listed without amount.")
                     .format(currency=currency))
    return rt.ReportTable(
        name="payment-import", title=_("Import of payments ({channel})").format(
            channel=channel_label(r.channel)),
        subtitle=f"{r.file_name}" + (f" — {_('dry run')}" if r.dry_run else ""),
        columns=columns, rows=rows, notes=tuple(notes), institution=inst.name,
        branch=f"{branch.code} {branch.name}", printed_by=ctx.full_name,
        printed_at=clock.now(), language=current_language(), landscape=True)
