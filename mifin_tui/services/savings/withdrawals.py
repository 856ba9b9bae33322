"""Withdrawals at the counter: the product's rules, the signatory, the fee, and the
requests that wait for the manager's approval or a notice period before they are paid.

Every rule is checked before `cash.cash_out` draws the voucher, so a refusal uses no
voucher number and writes nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

import peewee as pw

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    AccountMandate,
    Entry,
    JournalTransaction,
    Member,
    User,
    WithdrawalRequest,
)
from mifin_tui.i18n import N_, _, current_language
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash import vouchers
from mifin_tui.services.cash.counter import CashPreview, CashReceipt, PreviewLine
from mifin_tui.services.kernel import accounts, audit, business_day, clock, ledger, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mifin_tui.services.kernel.money import positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.savings.balances import (
    account_info,
    blocked_reason,
    holds_total,
    money_text,
    raw_available,
    savings_account,
)
from mifin_tui.services.savings.deposits import wake_within

REQUEST_REASONS = {
    "limit": N_("above the limit"),
    "dormant": N_("dormant account"),
    "notice": N_("notice period"),
}
REQUEST_STATUS = {"pending": N_("WAITING"), "approved": N_("APPROVED"), "paid": N_("PAID"),
                  "rejected": N_("REJECTED")}


@dataclass(frozen=True)
class WithdrawalCheck:
    """What a withdrawal would do: paid now (preview) or a request that waits."""

    preview: CashPreview
    fee: int
    needs_approval: bool
    reasons: tuple[str, ...]  # keys of REQUEST_REASONS
    payable_on: date
    party_name: str
    party_id: str


@dataclass(frozen=True)
class RequestView:
    id: int
    account_id: int
    account_number: str
    holder: str
    currency: str
    amount: int
    party_name: str
    purpose: str
    reasons: tuple[str, ...]
    status: str
    payable_on: date
    requested_by: str
    business_date: date
    decided_by: str
    note: str

    @property
    def reasons_text(self) -> str:
        return ", ".join(_(REQUEST_REASONS[r]) for r in self.reasons if r in REQUEST_REASONS)

    @property
    def status_word(self) -> str:
        return _(REQUEST_STATUS.get(self.status, self.status))


@dataclass(frozen=True)
class WithdrawalOutcome:
    receipt: CashReceipt | None
    request: RequestView | None


def approval_limit(currency: str) -> int | None:
    return settings.get("withdrawal_approval_limit").get(currency)


def _paid_today(account_id: int, day: date) -> int:
    return int(Entry.select(pw.fn.SUM(Entry.debit)).join(JournalTransaction).where(
        (Entry.account == account_id) & (JournalTransaction.business_date == day)
        & (JournalTransaction.kind == "withdrawal")).scalar() or 0)


def _signatory(acc: Account, signatory_id: int | None, party_name: str, party_id: str
               ) -> tuple[str, str]:
    """Who signs: the holder (None) or one of the account's active mandataires."""
    if signatory_id is None:
        if not party_name.strip() and acc.member_id:
            member = Member.get_by_id(acc.member_id)
            if member.kind == "legal":
                raise ValidationError({"signatory": _(
                    "A legal person withdraws through one of its signatories.")})
            return members.display_name(member), member.id_number
        return party_name, party_id
    m = AccountMandate.get_or_none((AccountMandate.id == signatory_id)
                                   & (AccountMandate.account == acc.id))
    if m is not None and m.status == "pending":
        raise ValidationError({"signatory": _(
            "{name} waits for the manager's approval: he may not sign yet.").format(
            name=m.full_name)})
    if m is None or not m.active:
        raise ValidationError({"signatory": _("This person may not sign on account {number}.")
                               .format(number=acc.number)})
    return m.full_name, m.id_number


def _fee_lines(ctx: Context, acc: Account, fee: int) -> list[ledger.Line]:
    income = accounts.internal_account(ctx.branch_id, "fee_income", acc.currency)
    return [ledger.Line(acc.id, debit=fee, label=_("Withdrawal fee")),
            ledger.Line(income.id, credit=fee, label=_("Withdrawal fee"))]


def check_withdrawal_within(ctx: Context, acc: Account, amount: int, *,
                            approved: bool = False) -> tuple[int, list[str], date]:
    """The product's rules: (fee, reasons to wait, payable on); refusals raise."""
    day = business_day.require_open(ctx.branch_id)
    info, product = account_info(acc)
    errors: dict[str, str] = {}
    if acc.status != "active":
        errors["account"] = _("Account {number} is closed.").format(number=acc.number)
    blocked = blocked_reason(acc, info, product, day)
    if blocked:
        errors["account"] = blocked
    fee = product.withdrawal_fee if product else 0
    available = raw_available(acc, product)
    if amount + fee > available:
        errors["amount"] = _("Only {available} is available (balance {balance}, holds "
                             "{holds}, minimum balance {minimum}).").format(
            available=money_text(max(0, available - fee), acc.currency),
            balance=money_text(acc.balance, acc.currency),
            holds=money_text(holds_total(acc.id), acc.currency),
            minimum=money_text(product.min_balance if product else 0, acc.currency))
    if product is not None and product.withdrawal_max_per_day:
        paid = _paid_today(acc.id, day)
        if paid + amount > product.withdrawal_max_per_day:
            errors["amount"] = _("At most {maximum} a day on {product}; {paid} already "
                                 "withdrawn today.").format(
                maximum=money_text(product.withdrawal_max_per_day, acc.currency),
                product=product.name, paid=money_text(paid, acc.currency))
    if errors:
        raise ValidationError(errors)
    reasons: list[str] = []
    payable_on = day
    if not approved:
        limit = approval_limit(acc.currency)
        if limit is not None and amount > limit:
            reasons.append("limit")
        if info is not None and info.dormant:
            reasons.append("dormant")
        if product is not None and product.notice_days:
            reasons.append("notice")
            payable_on = day + timedelta(days=product.notice_days)
    return fee, reasons, payable_on


def _with_fee(p: CashPreview, acc: Account, fee: int) -> CashPreview:
    if not fee:
        return p
    income = accounts.gl_by_key("fee_income")
    return dataclasses.replace(
        p, account_balance_after=(p.account_balance_after or 0) - fee,
        lines=(PreviewLine(acc.number, _("Withdrawal fee"), fee, 0),
               PreviewLine("", income.name, 0, fee), *p.lines))


@requires("ledger.post")
def withdrawal_preview(ctx: Context, account_id: int, amount: int, *,
                       signatory_id: int | None = None, party_name: str = "",
                       party_id: str = "") -> WithdrawalCheck:
    """Check a withdrawal against the product, the available balance and the signatory."""
    positive_amount(amount)
    acc = savings_account(account_id, ctx.branch_id)
    name, ident = _signatory(acc, signatory_id, party_name, party_id)
    fee, reasons, payable_on = check_withdrawal_within(ctx, acc, amount)
    p = cash.preview(ctx, "out", acc.id, amount)
    return WithdrawalCheck(_with_fee(p, acc, fee), fee, bool(reasons), tuple(reasons),
                           payable_on, name, ident)


def _pay(ctx: Context, acc: Account, amount: int, fee: int, party_name: str, party_id: str,
         purpose: str) -> CashReceipt:
    if fee:
        ledger.post(ctx, kind="savings_fee", label=_("Withdrawal fee {number}").format(
            number=acc.number), lines=_fee_lines(ctx, acc, fee), voucher_series="OD")
    receipt = cash.cash_out(ctx, acc.id, amount, party_name=party_name, purpose=purpose,
                            party_id=party_id)
    wake_within(ctx, acc)
    return receipt


@requires("ledger.post")
def withdraw(ctx: Context, account_id: int, amount: int, *, purpose: str,
             signatory_id: int | None = None, party_name: str = "", party_id: str = ""
             ) -> WithdrawalOutcome:
    """Pay a withdrawal (BS), or, above the limit / dormant / with notice, file a request
    that waits (nothing posted until it is paid)."""
    positive_amount(amount)
    if not purpose.strip():
        raise ValidationError({"purpose": _("Required.")})
    with write_transaction():
        acc = savings_account(account_id, ctx.branch_id)
        name, ident = _signatory(acc, signatory_id, party_name, party_id)
        if not name.strip():
            raise ValidationError({"party_name": _("Who takes the cash? Required.")})
        fee, reasons, payable_on = check_withdrawal_within(ctx, acc, amount)
        if reasons:
            needs_gerant = bool({"limit", "dormant"} & set(reasons))
            r = WithdrawalRequest.create(
                branch=ctx.branch_id, account=acc.id, amount=amount, party_name=name.strip(),
                party_id=ident.strip(), purpose=purpose.strip(), reasons=",".join(reasons),
                status="pending" if needs_gerant else "approved", payable_on=payable_on,
                requested_by=ctx.user_id, requested_at=clock.now(),
                business_date=business_day.require_open(ctx.branch_id))
            audit.record(ctx, "withdrawal.request", "withdrawal_request", r.uid,
                         after={"account": acc.number, "amount": amount,
                                "reasons": reasons, "status": r.status,
                                "payable_on": payable_on.isoformat()})
            return WithdrawalOutcome(None, _request_view(r))
        receipt = _pay(ctx, acc, amount, fee, name, ident, purpose.strip())
    return WithdrawalOutcome(receipt, None)


def _request_view(r: WithdrawalRequest) -> RequestView:
    acc = Account.get_by_id(r.account_id)
    holder = members.display_name(Member.get_by_id(acc.member_id)) if acc.member_id \
        else acc.name
    decided = User.get_by_id(r.decided_by_id).full_name if r.decided_by_id else ""
    return RequestView(r.id, acc.id, acc.number, holder, acc.currency, r.amount, r.party_name,
                       r.purpose, tuple(x for x in r.reasons.split(",") if x), r.status,
                       r.payable_on, User.get_by_id(r.requested_by_id).full_name,
                       r.business_date, decided, r.decision_note)


@requires("withdrawal.approve")
def pending_requests(ctx: Context) -> list[RequestView]:
    """Withdrawals waiting for the gérant, oldest first."""
    return [_request_view(r) for r in WithdrawalRequest.select().where(
        (WithdrawalRequest.branch == ctx.branch_id) & (WithdrawalRequest.status == "pending"))
        .order_by(WithdrawalRequest.id)]


def _decidable(ctx: Context, request_id: int) -> WithdrawalRequest:
    r = WithdrawalRequest.get_or_none((WithdrawalRequest.id == request_id)
                                      & (WithdrawalRequest.branch == ctx.branch_id))
    if r is None:
        raise NotFound(_("No such withdrawal request."))
    if r.status != "pending":
        raise Conflict(_("This request was already decided."))
    if r.requested_by_id == ctx.user_id:
        raise PermissionDenied(_("You cannot approve your own request."))
    return r


@requires("withdrawal.approve")
def approve_request(ctx: Context, request_id: int, note: str = "") -> RequestView:
    """The gérant approves: the cashier may now pay it (nothing is posted yet)."""
    with write_transaction():
        r = _decidable(ctx, request_id)
        WithdrawalRequest.update(status="approved", decided_by=ctx.user_id,
                                 decided_at=clock.now(), decision_note=note.strip()).where(
            WithdrawalRequest.id == r.id).execute()
        audit.record(ctx, "withdrawal.approve", "withdrawal_request", r.uid,
                     before={"status": "pending"}, after={"status": "approved", "note": note})
        return _request_view(WithdrawalRequest.get_by_id(r.id))


@requires("withdrawal.approve")
def reject_request(ctx: Context, request_id: int, note: str) -> RequestView:
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for the refusal.")})
    with write_transaction():
        r = _decidable(ctx, request_id)
        WithdrawalRequest.update(status="rejected", decided_by=ctx.user_id,
                                 decided_at=clock.now(), decision_note=note.strip()).where(
            WithdrawalRequest.id == r.id).execute()
        audit.record(ctx, "withdrawal.reject", "withdrawal_request", r.uid,
                     before={"status": "pending"}, after={"status": "rejected", "note": note})
        return _request_view(WithdrawalRequest.get_by_id(r.id))


@requires("account.read")
def account_requests(ctx: Context, account_id: int) -> list[RequestView]:
    """The account's withdrawals still open (waiting or approved), oldest first."""
    return [_request_view(r) for r in WithdrawalRequest.select().where(
        (WithdrawalRequest.account == account_id)
        & WithdrawalRequest.status.in_(("pending", "approved"))).order_by(WithdrawalRequest.id)]


@requires("ledger.post")
def pay_request(ctx: Context, request_id: int) -> CashReceipt:
    """The cashier pays an approved request that is due: the BS is drawn now."""
    with write_transaction():
        r = WithdrawalRequest.get_or_none((WithdrawalRequest.id == request_id)
                                          & (WithdrawalRequest.branch == ctx.branch_id))
        if r is None:
            raise NotFound(_("No such withdrawal request."))
        if r.status == "pending":
            raise Conflict(_("This withdrawal still waits for the manager's approval."))
        if r.status != "approved":
            raise Conflict(_("This request was already decided."))
        day = business_day.require_open(ctx.branch_id)
        if r.payable_on > day:
            raise Conflict(_("This withdrawal is payable from {date} (notice).").format(
                date=format_date(r.payable_on, current_language())))
        acc = savings_account(r.account_id, ctx.branch_id)
        fee, _reasons, _due = check_withdrawal_within(ctx, acc, r.amount, approved=True)
        receipt = _pay(ctx, acc, r.amount, fee, r.party_name, r.party_id, r.purpose)
        WithdrawalRequest.update(status="paid", txn=receipt.txn_id).where(
            WithdrawalRequest.id == r.id).execute()
        # the BS names who approved it, read from the request it pays
        receipt = dataclasses.replace(receipt, doc=vouchers.build(receipt.txn_id))
        audit.record(ctx, "withdrawal.pay", "withdrawal_request", r.uid,
                     before={"status": "approved"},
                     after={"status": "paid", "voucher": receipt.voucher_number})
    return receipt
