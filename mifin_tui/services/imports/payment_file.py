"""A statement file of payments (#9), read and checked: its columns, its lines, and the
report of what became of them (see services.imports.payments for the whole import).

Every line must parse (date, amount with the currency's decimals, a reference) and no
reference may appear twice in the file; the errors name line, column and reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mifin_tui.db.models import Institution
from mifin_tui.i18n import N_, _
from mifin_tui.services.imports.csv_reader import read_columns, require_rows
from mifin_tui.services.kernel.dates import parse_date
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.kernel.money import get_currency, positive_amount
from mifin_tui.services.loans import repayments

CHANNELS = ("mobile_money", "bank")
CHANNEL_LABELS = {"mobile_money": N_("mobile money"), "bank": N_("bank")}
MATCHED, UNMATCHED, POSTED, REJECTED, SKIPPED, REFUNDED = (
    "matched", "unmatched", "posted", "rejected", "skipped", "refunded")
STATUS_LABELS = {MATCHED: N_("matched"), UNMATCHED: N_("unmatched"), POSTED: N_("posted"),
                 REJECTED: N_("rejected"), SKIPPED: N_("already imported"),
                 REFUNDED: N_("refunded")}
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


def reference_of(text: str) -> str:
    """As the repayments keep it: stripped, upper case."""
    return text.strip().upper()


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
    require_rows(table, path)
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
            value_date = parse_date(raw["date"])
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
        ref = reference_of(raw["reference"])
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
