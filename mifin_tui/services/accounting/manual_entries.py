"""Manual journal entries (opérations diverses): the accountant's expenses, bank
movements and corrections, under maker-checker.

The accountant enters the entry as a draft of balanced lines, each on a ledger account
(by its number) or on a GL account of the chart (by its code: the branch's internal
account on it is used, opened when first needed). A second person holding
`journal.validate` (the gérant, another accountant), never the one who entered it,
validates it, and only then is it posted through `ledger.post` with an OD voucher; or
he rejects it with a reason. Every step is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    Branch,
    GLAccount,
    ManualEntry,
    ManualEntryLine,
    Till,
    User,
)
from mifin_tui.i18n import _, current_language
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import audit, business_day, clock, ledger, numbering
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mifin_tui.services.kernel.money import CURRENCIES, format_amount
from mifin_tui.services.kernel.permissions import requires

PENDING, POSTED, REJECTED = "pending", "posted", "rejected"
MAX_LINES = 20


@dataclass(frozen=True)
class DraftLine:
    """One line as typed: a GL code or an account number, a debit or a credit."""

    account: str
    debit: int = 0
    credit: int = 0
    label: str = ""


@dataclass(frozen=True)
class EntryLineView:
    reference: str  # the account number, or the GL code
    name: str
    debit: int
    credit: int
    label: str


@dataclass(frozen=True)
class ManualEntryView:
    id: int
    label: str
    currency: str
    status: str
    entered_by: str
    entered_by_id: int
    business_date: date
    lines: tuple[EntryLineView, ...]
    total: int
    voucher_number: str | None
    decided_by: str
    decision_note: str


def _view(e: ManualEntry) -> ManualEntryView:
    lines = []
    for ln in e.lines.order_by(ManualEntryLine.line):
        if ln.account_id is not None:
            acc = Account.get_by_id(ln.account_id)
            ref, name = acc.number, acc.name
        else:
            gl = GLAccount.get_by_id(ln.gl_account_id)
            ref, name = gl.code, gl.name
        lines.append(EntryLineView(ref, name, ln.debit, ln.credit, ln.label))
    voucher = None
    if e.txn_id is not None:
        from mifin_tui.db.models import JournalTransaction

        voucher = JournalTransaction.get_by_id(e.txn_id).voucher_number
    decided = User.get_by_id(e.decided_by_id).full_name if e.decided_by_id else ""
    return ManualEntryView(
        e.id, e.label, e.currency, e.status, User.get_by_id(e.entered_by_id).full_name,
        e.entered_by_id, e.business_date, tuple(lines), sum(ln.debit for ln in lines),
        voucher, decided, e.decision_note)


def _resolve(ctx: Context, text: str, currency: str) -> tuple[Account | None, GLAccount | str]:
    """(the ledger account or None, its GL account) or (None, the error message)."""
    text = text.strip()
    if not text:
        return None, _("Give a GL account code or an account number.")
    gl = GLAccount.get_or_none(GLAccount.code == text)
    if gl is not None:
        if not gl.postable:
            return None, _("{code} is a heading: choose one of its sub-accounts.").format(
                code=gl.code)
        if gl.key == "cash_till":
            return None, _("A till's cash moves with its vouchers: give the till's "
                           "account number.")
        return None, gl
    try:
        number = numbering.normalize_account_number(text)
    except ValueError:
        return None, _("No GL account or account number {text}.").format(text=text)
    acc = Account.get_or_none(Account.number == number)
    if acc is None:
        return None, _("No account {number}.").format(number=number)
    if acc.branch_id != ctx.branch_id:
        return None, _("Account {number} belongs to another branch.").format(number=number)
    if acc.currency != currency:
        return None, _("Account {number} is kept in {currency}.").format(
            number=number, currency=acc.currency)
    if acc.status != "active":
        return None, _("Account {number} is closed.").format(number=number)
    if acc.till_id is not None and Till.get_by_id(acc.till_id).kind != "vault":
        return None, _("A till's cash moves with its vouchers at the counter.")
    return acc, GLAccount.get_by_id(acc.gl_account_id)


def _check(ctx: Context, label: str, currency: str, lines: Sequence[DraftLine]
           ) -> list[tuple[Account | None, GLAccount, DraftLine]]:
    errors: dict[str, str] = {}
    if not label.strip():
        errors["label"] = _("Say what the entry is for.")
    if currency not in CURRENCIES:
        errors["currency"] = _("Unknown currency {code}.").format(code=currency)
    used = [ln for ln in lines if ln.account.strip() or ln.debit or ln.credit]
    if len(used) < 2:
        errors["lines"] = _("An entry needs at least two lines.")
    if len(used) > MAX_LINES:
        errors["lines"] = _("At most {n} lines.").format(n=MAX_LINES)
    resolved = []
    debit = credit = 0
    for n, ln in enumerate(lines, start=1):
        if ln not in used:
            continue
        for amount in (ln.debit, ln.credit):
            if not isinstance(amount, int) or isinstance(amount, bool):
                raise TypeError("amounts are integers in minor units")
        if ln.debit < 0 or ln.credit < 0 or (ln.debit > 0) == (ln.credit > 0):
            errors[f"line.{n}.amount"] = _("Either a debit or a credit, greater than zero.")
        if "currency" in errors:
            continue
        acc, gl = _resolve(ctx, ln.account, currency)
        if isinstance(gl, str):
            errors[f"line.{n}.account"] = gl
            continue
        resolved.append((acc, gl, ln))
        debit += ln.debit
        credit += ln.credit
    if not errors and debit != credit:
        lang = current_language()
        errors["lines"] = _("Debits ({debit}) and credits ({credit}) differ.").format(
            debit=format_amount(debit, currency, lang), credit=format_amount(credit, currency,
                                                                              lang))
    if errors:
        raise ValidationError(errors)
    return resolved


@requires("journal.enter")
def enter(ctx: Context, label: str, currency: str, lines: Sequence[DraftLine]
          ) -> ManualEntryView:
    """Record a balanced draft; nothing is posted until someone else validates it."""
    currency = currency.strip().upper()
    with write_transaction():
        resolved = _check(ctx, label, currency, lines)
        day = business_day.require_open(ctx.branch_id)
        e = ManualEntry.create(branch=ctx.branch_id, currency=currency, label=label.strip(),
                               status=PENDING, entered_by=ctx.user_id, entered_at=clock.now(),
                               business_date=day)
        ManualEntryLine.insert_many([
            {"entry": e.id, "line": n, "account": acc.id if acc else None,
             "gl_account": gl.id, "debit": ln.debit, "credit": ln.credit,
             "label": ln.label.strip()}
            for n, (acc, gl, ln) in enumerate(resolved, start=1)
        ]).execute()
        view = _view(e)
        audit.record(ctx, "manual_entry.enter", "manual_entry", e.uid,
                     after={"label": view.label, "currency": currency,
                            "lines": [[x.reference, x.debit, x.credit] for x in view.lines]},
                     business_date=day)
        return view


@requires("journal.validate")
def pending(ctx: Context) -> list[ManualEntryView]:
    """The branch's entries waiting for validation, oldest first."""
    return [_view(e) for e in ManualEntry.select().where(
        (ManualEntry.branch == ctx.branch_id) & (ManualEntry.status == PENDING))
        .order_by(ManualEntry.id)]


@requires("journal.enter")
def recent(ctx: Context, limit: int = 50) -> list[ManualEntryView]:
    """The branch's latest entries, whatever their status, newest first."""
    return [_view(e) for e in ManualEntry.select().where(ManualEntry.branch == ctx.branch_id)
            .order_by(ManualEntry.id.desc()).limit(limit)]


def _pending(ctx: Context, entry_id: int) -> ManualEntry:
    e = ManualEntry.get_or_none((ManualEntry.id == entry_id)
                                & (ManualEntry.branch == ctx.branch_id))
    if e is None:
        raise NotFound(_("No such manual entry."))
    if e.status != PENDING:
        raise Conflict(_("This entry was already decided."))
    if e.entered_by_id == ctx.user_id:
        raise PermissionDenied(_("You cannot validate an entry you entered yourself."))
    return e


def _internal_account(branch_id: int, gl: GLAccount, currency: str) -> Account:
    """The branch's account on a GL account: the vault's cash for the vault's GL, else
    its internal account, opened on first use."""
    if gl.key == "cash_vault":
        return tills.cash_account(tills.vault_of(branch_id), currency)
    found = Account.select().where(
        (Account.gl_account == gl) & (Account.branch == branch_id)
        & (Account.currency == currency) & (Account.kind == "internal")
        & Account.member.is_null()).order_by(Account.id).first()
    if found:
        return found
    branch = Branch.get_by_id(branch_id)
    return Account.create(
        number=numbering.account_number(branch.code, 10), branch=branch_id, kind="internal",
        gl_account=gl, currency=currency, name=f"{gl.name} {currency}",
        normal_side=gl.normal_side, allow_negative=True, opened_on=clock.today(),
        created_at=clock.now())


@requires("journal.validate")
def validate(ctx: Context, entry_id: int, note: str = "") -> ManualEntryView:
    """Post a pending entry (OD voucher) in the validator's open business day."""
    with write_transaction():
        e = _pending(ctx, entry_id)
        lines = []
        for ln in e.lines.order_by(ManualEntryLine.line):
            acc_id = ln.account_id
            if acc_id is None:
                acc_id = _internal_account(e.branch_id, GLAccount.get_by_id(ln.gl_account_id),
                                           e.currency).id
            lines.append(ledger.Line(acc_id, debit=ln.debit, credit=ln.credit,
                                     label=ln.label))
        posted = ledger.post(ctx, kind="manual", label=e.label, lines=lines,
                             voucher_series="OD")
        ManualEntry.update(status=POSTED, decided_by=ctx.user_id, decided_at=clock.now(),
                           decision_note=note.strip(), txn=posted.txn_id).where(
            ManualEntry.id == e.id).execute()
        audit.record(ctx, "manual_entry.validate", "manual_entry", e.uid,
                     before={"status": PENDING},
                     after={"status": POSTED, "voucher": posted.voucher_number,
                            "note": note.strip()})
        return _view(ManualEntry.get_by_id(e.id))


@requires("journal.validate")
def reject(ctx: Context, entry_id: int, reason: str) -> ManualEntryView:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the refusal.")})
    with write_transaction():
        e = _pending(ctx, entry_id)
        ManualEntry.update(status=REJECTED, decided_by=ctx.user_id, decided_at=clock.now(),
                           decision_note=reason.strip()).where(ManualEntry.id == e.id).execute()
        audit.record(ctx, "manual_entry.reject", "manual_entry", e.uid,
                     before={"status": PENDING},
                     after={"status": REJECTED, "reason": reason.strip()})
        return _view(ManualEntry.get_by_id(e.id))
