"""Cash at the counter: money in (BE) and out (BS) of the cashier's till.

The savings, members and repayments screens call these with their own client
or GL account; this module owns the till, the voucher and the checks that
every cash movement shares. A preview shows what will be posted before the
cashier confirms.
"""

from __future__ import annotations

from dataclasses import dataclass

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, TillSession, Voucher
from mifin_tui.i18n import _, current_language
from mifin_tui.services.cash import tills, vouchers
from mifin_tui.services.kernel import ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import VoucherDoc
from mifin_tui.services.kernel.errors import MifinError, NotFound, ValidationError
from mifin_tui.services.kernel.money import format_amount, positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members


@dataclass(frozen=True)
class PreviewLine:
    account_number: str
    account_name: str
    debit: int
    credit: int


@dataclass(frozen=True)
class CashPreview:
    direction: str  # in | out
    series: str
    till_code: str
    currency: str
    amount: int
    account_number: str
    holder: str
    account_balance_after: int | None  # None for an internal account
    till_balance_after: int
    lines: tuple[PreviewLine, ...]


@dataclass(frozen=True)
class CashReceipt:
    txn_id: int
    voucher_number: str
    doc: VoucherDoc


def _validate(amount: int, party_name: str, purpose: str) -> None:
    errors = {}
    try:
        positive_amount(amount)
    except ValidationError as exc:
        errors.update(exc.errors)
    if not party_name.strip():
        errors["party_name"] = _("Who brings or takes the cash? Required.")
    if not purpose.strip():
        errors["purpose"] = _("Required.")
    if errors:
        raise ValidationError(errors)


def _prepare(ctx: Context, direction: str, account_id: int, amount: int
             ) -> tuple[TillSession, Account, Account]:
    acc = Account.get_or_none(Account.id == account_id)
    if acc is None or acc.branch_id != ctx.branch_id:
        raise NotFound(_("No such account in this branch."))
    if acc.status != "active":
        raise ValidationError({"account": _("Account {number} is closed.").format(
            number=acc.number)})
    if acc.kind == "cash":
        raise ValidationError({"account": _("Use a vault transfer to move cash between "
                                            "tills.")})
    session = tills.require_session(ctx, acc.currency)
    cash = tills.cash_account(session.till, acc.currency)
    if direction == "out":
        if not acc.allow_negative and acc.balance < amount:
            raise ValidationError({"amount": _("The account balance is only {balance}.")
                                   .format(balance=format_amount(acc.balance, acc.currency,
                                                                 current_language()))})
        if cash.balance < amount:
            raise ValidationError({"amount": _("The till holds only {cash}.").format(
                cash=format_amount(cash.balance, acc.currency, current_language()))})
    return session, cash, acc


def _lines(direction: str, cash: Account, acc: Account, amount: int) -> list[ledger.Line]:
    if direction == "in":
        return [ledger.Line(cash.id, debit=amount), ledger.Line(acc.id, credit=amount)]
    return [ledger.Line(acc.id, debit=amount), ledger.Line(cash.id, credit=amount)]


def _after(acc: Account, line: ledger.Line) -> int:
    delta = line.debit - line.credit
    return acc.balance + (delta if acc.normal_side == "debit" else -delta)


@requires("ledger.post")
def preview(ctx: Context, direction: str, account_id: int, amount: int) -> CashPreview:
    """What `cash_in`/`cash_out` would post, checked but not written."""
    if direction not in ("in", "out"):
        raise ValueError(direction)
    _validate(amount, "-", "-")
    session, cash, acc = _prepare(ctx, direction, account_id, amount)
    lines = _lines(direction, cash, acc, amount)
    by_id = {cash.id: cash, acc.id: acc}
    return CashPreview(
        direction=direction, series="BE" if direction == "in" else "BS",
        till_code=session.till.code, currency=acc.currency, amount=amount,
        account_number=acc.number,
        holder=members.display_name(acc.member) if acc.member_id else acc.name,
        account_balance_after=_after(acc, lines[0 if direction == "out" else 1])
        if acc.member_id else None,
        till_balance_after=_after(cash, lines[1 if direction == "out" else 0]),
        lines=tuple(PreviewLine(by_id[ln.account_id].number, by_id[ln.account_id].name,
                                ln.debit, ln.credit) for ln in lines),
    )


def _post(ctx: Context, direction: str, account_id: int, amount: int, party_name: str,
          party_id: str, purpose: str, kind: str) -> CashReceipt:
    _validate(amount, party_name, purpose)
    with write_transaction():
        session, cash, acc = _prepare(ctx, direction, account_id, amount)
        series = "BE" if direction == "in" else "BS"
        posted = ledger.post(ctx, kind=kind, label=purpose.strip(),
                             lines=_lines(direction, cash, acc, amount),
                             voucher_series=series)
        if posted.voucher_number is None:
            raise MifinError("voucher number missing")
        Voucher.create(txn=posted.txn_id, number=posted.voucher_number, series=series,
                       direction=direction, till=session.till_id, session=session.id,
                       client_account=acc.id, currency=acc.currency, amount=amount,
                       party_name=party_name.strip(), party_id=party_id.strip(),
                       purpose=purpose.strip())
        doc = vouchers.build(posted.txn_id)
    return CashReceipt(posted.txn_id, posted.voucher_number, doc)


@requires("ledger.post")
def cash_in(ctx: Context, account_id: int, amount: int, *, party_name: str, purpose: str,
            party_id: str = "", kind: str = "deposit") -> CashReceipt:
    """Cash brought to the till for an account (deposit, fee, share...): a BE voucher."""
    return _post(ctx, "in", account_id, amount, party_name, party_id, purpose, kind)


@requires("ledger.post")
def cash_out(ctx: Context, account_id: int, amount: int, *, party_name: str, purpose: str,
             party_id: str = "", kind: str = "withdrawal") -> CashReceipt:
    """Cash paid from the till out of an account (withdrawal, disbursement): a BS voucher."""
    return _post(ctx, "out", account_id, amount, party_name, party_id, purpose, kind)
