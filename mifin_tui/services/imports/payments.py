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
transaction, each in its own savepoint: a line the loan refuses (amount above what the
product takes, a closed account, another currency) is rejected with the reason and
nothing of it is written, and the others post. Unmatched and rejected lines wait for the
accountant, who names the loan or account (`post_line`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from mifin_tui.db import database, write_transaction
from mifin_tui.db.models import (
    Account,
    Branch,
    Institution,
    Loan,
    Member,
    PaymentImport,
    PaymentImportLine,
    Repayment,
    SavingsAccount,
)
from mifin_tui.i18n import N_, _, current_language
from mifin_tui.services.imports.csv_reader import read_columns
from mifin_tui.services.kernel import audit, business_day, clock, numbering
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, NotFound, ValidationError
from mifin_tui.services.kernel.money import format_amount, get_currency, positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import repayments
from mifin_tui.services.loans import states as loan_states
from mifin_tui.services.members import register as members
from mifin_tui.services.reports import table as rt
from mifin_tui.services.savings import credit as savings_credit

CHANNELS = ("mobile_money", "bank")
CHANNEL_LABELS = {"mobile_money": N_("mobile money"), "bank": N_("bank")}
MATCHED, UNMATCHED, POSTED, REJECTED, SKIPPED = (
    "matched", "unmatched", "posted", "rejected", "skipped")
STATUS_LABELS = {MATCHED: N_("matched"), UNMATCHED: N_("unmatched"), POSTED: N_("posted"),
                 REJECTED: N_("rejected"), SKIPPED: N_("already imported")}
# Lines the accountant can still match by hand.
OPEN = (UNMATCHED, REJECTED)

# field -> (headers accepted, folded without separators; what the column holds)
COLUMNS: dict[str, tuple[tuple[str, ...], str]] = {
    "date": (("date", "datevaleur", "valuedate", "dateoperation", "transactiondate"),
             N_("date of the payment, DD/MM/YYYY or YYYY-MM-DD; required")),
    "reference": (("reference", "ref", "transactionid", "idtransaction", "txnid"),
                  N_("the operator's or bank's reference, unique; required")),
    "payer": (("payer", "phone", "telephone", "tel", "msisdn", "account", "compte",
               "payeur"), N_("payer's phone or account number")),
    "amount": (("amount", "montant", "credit"),
               N_("amount, with the currency's decimals; required")),
    "text": (("text", "libelle", "description", "memo", "narration", "motif"),
             N_("free text (a loan or account number in it is matched)")),
    "currency": (("currency", "devise", "monnaie"),
                 N_("currency code (default: the institution's)")),
}
REQUIRED = ("date", "reference", "amount")
# An account number as printed (KIN-21-0000123-45) or typed without separators.
_NUMBER_RE = re.compile(r"[A-Z0-9]{2,8}[-./ ]?\d{2}[-./ ]?\d{7}[-./ ]?\d{2}")


@dataclass(frozen=True)
class LineError:
    line: int  # line of the file, the header being line 1
    column: str
    reason: str


@dataclass
class Line:
    """One payment of the file, checked, and what became of it."""

    line_no: int
    value_date: date
    reference: str
    payer: str
    amount: int
    currency: str
    text: str
    status: str = UNMATCHED
    matched_by: str = ""
    loan_id: int | None = None
    account_id: int | None = None
    target: str = ""  # the loan or account number
    reason: str = ""
    voucher: str = ""


@dataclass
class ImportReport:
    channel: str
    file_name: str
    rows: int = 0
    dry_run: bool = False
    errors: list[LineError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)


def columns_help() -> str:
    """The columns, for `--help` and the screen."""
    return "\n".join(f"  {name:<10} {_(text)} [{', '.join(aliases[:3])}]"
                     for name, (aliases, text) in COLUMNS.items())


def channel_label(channel: str) -> str:
    return _(CHANNEL_LABELS.get(channel, channel))


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def _reference(text: str) -> str:
    """As the repayments keep it: stripped, upper case."""
    return text.strip().upper()


def _as_date(text: str) -> date:
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _institution_currency() -> str:
    inst = Institution.select().first()
    if inst is None:
        raise MifinError(_("This database holds no institution: run `mifin init` first."))
    return inst.currency


def parse(path: str | Path, today: date) -> tuple[list[Line], ImportReport]:
    """Every line of the file checked; the report holds the errors (line, column,
    reason). Nothing read from the database but the institution's currency."""
    path = Path(path)
    report = ImportReport(channel="", file_name=path.name)
    table = read_columns(path, COLUMNS)
    headers, rows, where = table.headers, table.rows, table.where
    report.rows = len(rows)
    report.ignored_columns.extend(table.ignored)
    missing = [n for n in REQUIRED if n not in where]
    if missing:
        for name in missing:
            report.errors.append(LineError(1, COLUMNS[name][0][0], _(
                "This column is missing: {column}.").format(column=COLUMNS[name][0][0])))
        return [], report
    default_currency = _institution_currency()
    seen: dict[str, int] = {}
    good: list[Line] = []

    def header_of(name: str) -> str:
        return headers[where[name]]

    for n, values in enumerate(rows):
        line_no = n + 2
        if not any(v.strip() for v in values):
            continue
        raw = table.values(values)
        errors: dict[str, str] = {}
        currency = (raw.get("currency") or default_currency).upper()
        try:
            get_currency(currency)
        except (KeyError, ValueError):  # AmountError and UnknownCurrency are ValueErrors
            errors["currency"] = _("Unknown currency {code}.").format(code=currency)
        value_date = today
        try:
            value_date = _as_date(raw["date"])
            if value_date > today:
                errors["date"] = _("The date is after today's business date.")
        except ValueError:
            errors["date"] = _("Not a date: write it as DD/MM/YYYY.")
        amount = 0
        if "currency" not in errors:
            try:
                amount = positive_amount(raw["amount"], currency)
            except ValidationError as exc:
                errors.update(exc.errors)
        ref = _reference(raw["reference"])
        if not ref:
            errors["reference"] = _("Enter the operator's reference of the payment.")
        elif len(ref) > repayments.REFERENCE_MAX:
            errors["reference"] = _("At most {n} characters.").format(
                n=repayments.REFERENCE_MAX)
        elif ref in seen:
            errors["reference"] = _("Same reference as line {line}.").format(line=seen[ref])
        else:
            seen[ref] = line_no
        for name, reason in errors.items():
            report.errors.append(LineError(line_no, header_of(name), reason))
        if not errors:
            good.append(Line(line_no, value_date, ref, raw.get("payer", "")[:64], amount,
                             currency, raw.get("text", "")[:255]))
    return good, report


# --- matching -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    loan_id: int | None
    account_id: int | None
    number: str


def _numbers_in(text: str) -> list[str]:
    found = []
    for raw in _NUMBER_RE.findall(text.upper()):
        try:
            found.append(numbering.normalize_account_number(raw))
        except ValueError:
            continue
    return found


def _by_number(ctx: Context, number: str) -> Target | None:
    """The loan whose account is `number`, or the savings account `number` (few columns
    read: a statement matches hundreds of lines)."""
    found = (Account.select(Account.id, Account.kind).where(
        (Account.number == number) & (Account.branch == ctx.branch_id)).tuples().first())
    if found is None:
        return None
    account_id, kind = found
    if kind == "loan":
        loan = Loan.select(Loan.id).where(Loan.account == account_id).tuples().first()
        return Target(loan[0], None, number) if loan is not None else None
    if kind == "savings":
        return Target(None, account_id, number)
    return None


class _Phones:
    """The branch's members by every way their phone is written (built once a file)."""

    def __init__(self, branch_id: int) -> None:
        self.numbers: dict[str, Target | None] = {}  # account numbers already looked up
        self.members: dict[str, set[int]] = {}
        for member_id, phone in (Member.select(Member.id, Member.phone)
                                 .where((Member.branch == branch_id) & (Member.phone != ""))
                                 .tuples()):
            for variant in members.phone_variants(phone):
                self.members.setdefault(variant, set()).add(member_id)

    def find(self, phone: str) -> set[int]:
        out: set[int] = set()
        for variant in members.phone_variants(phone):
            out |= self.members.get(variant, set())
        return out


def _by_phone(phones: _Phones, line: Line) -> tuple[Target | None, str]:
    found = phones.find(line.payer)
    if not found:
        return None, ""
    if len(found) > 1:
        return None, _("Phone {phone} is that of {n} members: choose the loan or the "
                       "account.").format(phone=line.payer, n=len(found))
    member_id = next(iter(found))
    loans = list(Loan.select().where((Loan.member == member_id)
                                     & (Loan.currency == line.currency)
                                     & Loan.state.in_(loan_states.SERVICED)))
    if len(loans) == 1:
        return Target(loans[0].id, None, loans[0].number), ""
    if len(loans) > 1:
        return None, _("The payer has {n} loans being repaid: choose one.").format(
            n=len(loans))
    accs = list(Account.select().join(SavingsAccount, on=(SavingsAccount.account == Account.id))
                .where((Account.member == member_id) & (Account.kind == "savings")
                       & (Account.status == "active") & (Account.currency == line.currency)))
    if len(accs) == 1:
        return Target(None, accs[0].id, accs[0].number), ""
    if len(accs) > 1:
        return None, _("The payer has no loan and {n} savings accounts: choose one.").format(
            n=len(accs))
    return None, _("The payer has no loan or savings account in {currency}.").format(
        currency=line.currency)


def _match(ctx: Context, line: Line, phones: _Phones) -> None:
    """Set the line's target and the rule that found it, or the reason it has none."""
    for source, text in (("reference", line.reference), ("text", line.text),
                         ("account", line.payer)):
        for number in _numbers_in(text):
            if number not in phones.numbers:
                phones.numbers[number] = _by_number(ctx, number)
            target = phones.numbers[number]
            if target is not None:
                _set_target(line, target, source)
                return
    target, reason = _by_phone(phones, line)
    if target is not None:
        _set_target(line, target, "phone")
        return
    line.status = UNMATCHED
    line.reason = reason or _("No loan, account or member's phone found in the line.")


def _set_target(line: Line, target: Target, rule: str) -> None:
    line.loan_id, line.account_id, line.target = target.loan_id, target.account_id, \
        target.number
    line.matched_by, line.status, line.reason = rule, MATCHED, ""


def _known(channel: str, references: Iterable[str]) -> set[str]:
    refs = list(references)
    known: set[str] = set()
    for start in range(0, len(refs), 500):
        chunk = refs[start:start + 500]
        known |= {r for (r,) in PaymentImportLine.select(PaymentImportLine.reference).where(
            (PaymentImportLine.channel == channel)
            & PaymentImportLine.reference.in_(chunk)).tuples()}
        known |= {r for (r,) in Repayment.select(Repayment.reference).where(
            (Repayment.channel == channel) & Repayment.reference.in_(chunk)).tuples()}
    return known


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
    """Post one line in a savepoint: all of it, or nothing and the line rejected."""
    try:
        with database.atomic():
            txn_id, voucher = _post(ctx, channel, line)
    except MifinError as exc:
        line.status, line.reason = REJECTED, _reason(exc)[:255]
        row.status, row.reason = REJECTED, line.reason
        row.save()
        return False
    line.status, line.voucher, line.reason = POSTED, voucher, ""
    row.status, row.txn, row.reason = POSTED, txn_id, ""
    row.posted_by, row.posted_on = ctx.user_id, business_day.require_open(ctx.branch_id)
    row.save()
    return True


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
    known = _known(channel, (line.reference for line in lines))
    phones = _Phones(ctx.branch_id)
    for line in lines:
        if line.reference in known:
            line.status, line.reason = SKIPPED, _("Reference already imported.")
        else:
            _match(ctx, line, phones)
    report.lines = lines
    if dry_run:
        return report
    data = path.read_bytes()
    with write_transaction():
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
        imp.posted, imp.unmatched, imp.rejected = (
            report.count(POSTED), report.count(UNMATCHED), report.count(REJECTED))
        imp.save()
        report.import_id = imp.id
        audit.record(ctx, "payment.import", "payment_import", imp.id,
                     after={"file": path.name, "sha256": imp.file_sha256,
                            "channel": channel, "lines": len(lines),
                            "posted": imp.posted, "unmatched": imp.unmatched,
                            "rejected": imp.rejected, "skipped": imp.skipped})
    return report


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
        target = _by_number(ctx, normal)
        if target is None:
            raise ValidationError({"number": _(
                "No loan or savings account {number} in this branch.").format(number=normal)})
        line = Line(row.line_no, row.value_date, row.reference, row.payer, row.amount,
                    row.currency, row.text)
        _set_target(line, target, "manual")
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
        if line.status in (POSTED, MATCHED):
            continue
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
