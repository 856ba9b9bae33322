"""Savings accounts at the counter: deposits, withdrawals, transfers, opening, closing.

Every rule of the account's product is checked here before `cash.cash_in/cash_out`
draws the voucher, so a refusal uses no voucher number and writes nothing. The
available balance (balance - active holds - the product's minimum balance) is the one
figure every withdrawal, transfer and the loans' automatic debit respect.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

import peewee as pw

from mifin_tui.db import write_transaction
from mifin_tui.db.connection import in_transaction as write_transaction_open
from mifin_tui.db.models import (
    Account,
    AccountHold,
    AccountMandate,
    Branch,
    Entry,
    Institution,
    JournalTransaction,
    Member,
    SavingsAccount,
    SavingsProduct,
    User,
    WithdrawalRequest,
)
from mifin_tui.i18n import N_, _, current_language
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash.counter import CashPreview, CashReceipt, PreviewLine
from mifin_tui.services.kernel import accounts, audit, business_day, clock, ledger, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import VoucherDoc
from mifin_tui.services.kernel.errors import (
    Conflict,
    MifinError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from mifin_tui.services.kernel.money import format_amount, positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import products

HOLD_REASONS: dict[str, str] = {
    "collateral": N_("Loan collateral"),
    "court_order": N_("Court order"),
    "dispute": N_("Dispute"),
    "other": N_("Other"),
}
MANDATE_ROLES = {"mandataire": N_("Mandataire"), "signatory": N_("Signatory")}
REQUEST_REASONS = {
    "limit": N_("above the limit"),
    "dormant": N_("dormant account"),
    "notice": N_("notice period"),
}
REQUEST_STATUS = {"pending": N_("WAITING"), "approved": N_("APPROVED"), "paid": N_("PAID"),
                  "rejected": N_("REJECTED")}


def _money(minor: int, currency: str) -> str:
    return format_amount(minor, currency, current_language())


# --- the account and its figures ----------------------------------------------------------


def _account(account_id: int, branch_id: int | None = None) -> Account:
    acc = Account.get_or_none(Account.id == account_id)
    if acc is None or (branch_id is not None and acc.branch_id != branch_id):
        raise NotFound(_("No such account in this branch."))
    if acc.kind != "savings":
        raise ValidationError({"account": _("Account {number} is not a savings account.")
                               .format(number=acc.number)})
    return acc


def _info(acc: Account) -> tuple[SavingsAccount | None, SavingsProduct | None]:
    info = SavingsAccount.get_or_none(SavingsAccount.account == acc.id)
    if info is not None:
        return info, info.product
    return None, products.free_product(acc.currency)


def _ensure_info(acc: Account) -> SavingsAccount:
    """The account's savings row, created on first write for an account without one."""
    info, product = _info(acc)
    if info is not None:
        return info
    if product is None:
        raise MifinError(_("No savings product for {currency}: configure one first.").format(
            currency=acc.currency))
    return SavingsAccount.create(account=acc.id, product=product.id)


def holds_total(account_id: int) -> int:
    return int(AccountHold.select(pw.fn.SUM(AccountHold.amount)).where(
        (AccountHold.account == account_id) & (AccountHold.status == "active")).scalar() or 0)


def _raw_available(acc: Account, product: SavingsProduct | None) -> int:
    minimum = product.min_balance if product is not None else 0
    return acc.balance - holds_total(acc.id) - minimum


def available_balance(account_id: int) -> int:
    """What may leave the account now: balance - active holds - product minimum, never < 0.

    The repayments' automatic debit takes at most this much.
    """
    acc = Account.get_or_none(Account.id == account_id)
    if acc is None:
        raise NotFound(_("No account {id}.").format(id=account_id))
    if acc.kind != "savings":
        return max(0, acc.balance - holds_total(acc.id))
    _i, product = _info(acc)
    return max(0, _raw_available(acc, product))


@dataclass(frozen=True)
class MandateView:
    id: int
    full_name: str
    id_type: str
    id_number: str
    role: str
    active: bool


@dataclass(frozen=True)
class HoldView:
    id: int
    account_id: int
    amount: int
    currency: str
    reason: str
    note: str
    process: str
    status: str
    created_by: str
    created_at: str


@dataclass(frozen=True)
class SavingsView:
    id: int
    number: str
    name: str
    holder: str
    member_id: int | None
    member_number: str | None
    member_kind: str
    currency: str
    balance: int
    holds: int
    min_balance: int
    available: int
    status: str
    product_id: int | None
    product_code: str
    product_name: str
    kind: str
    dormant: bool
    blocked: str  # why withdrawals are refused, "" when they are not
    mandates: tuple[MandateView, ...]
    planned_amount: int = 0
    target_date: date | None = None
    missed_instalments: int = 0
    cycle_day: int | None = None
    cycle_days: int = 0
    pending_requests: int = 0

    @property
    def state_word(self) -> str:
        if self.status == "closed":
            return _("CLOSED")
        if self.blocked:
            return _("BLOCKED")
        if self.dormant:
            return _("DORMANT")
        return _("open")


def _blocked_reason(acc: Account, info: SavingsAccount | None, product: SavingsProduct | None,
                    day: date) -> str:
    if acc.status == "blocked":
        return _("Account {number} is blocked.").format(number=acc.number)
    if product is None or info is None:
        return ""
    if product.kind == products.BLOCKED:
        if info.collateral:
            return _("Account {number} is blocked as loan collateral.").format(number=acc.number)
        if info.blocked_until and day < info.blocked_until:
            return _("Account {number} is blocked until {date}.").format(
                number=acc.number, date=info.blocked_until.strftime("%d/%m/%Y"))
    if product.kind == products.SCHEDULED and info.target_date and day < info.target_date:
        return _("Scheduled savings are paid out from the target date, {date}.").format(
            date=info.target_date.strftime("%d/%m/%Y"))
    if product.kind == products.TONTINE:
        return _("A tontine is paid out at the end of its cycle (Tontine payout).")
    return ""


def _periods(start: date, end: date, period: str) -> list[tuple[date, date]]:
    """Whole periods from `start` that ended before `end`: [(first day, next start)]."""
    out = []
    cur = start
    while True:
        if period == "week":
            nxt = cur + timedelta(days=7)
        else:
            month = cur.month % 12 + 1
            year = cur.year + (cur.month == 12)
            day = min(start.day, 28)
            nxt = date(year, month, day)
        if nxt > end:
            return out
        out.append((cur, nxt))
        cur = nxt


def _credits_between(account_id: int, start: date, end: date) -> list[tuple[date, int]]:
    return list(Entry.select(JournalTransaction.business_date, Entry.credit)
                .join(JournalTransaction)
                .where((Entry.account == account_id) & (Entry.credit > 0)
                       & (JournalTransaction.business_date >= start)
                       & (JournalTransaction.business_date < end)).tuples())


def missed_instalments(acc: Account, info: SavingsAccount, product: SavingsProduct,
                       day: date) -> int:
    """Periods since opening whose deposits fell short of the planned amount."""
    planned = info.planned_amount or product.planned_amount
    if planned <= 0:
        return 0
    end = min(day, info.target_date) if info.target_date else day
    periods = _periods(acc.opened_on, end, product.period)
    if not periods:
        return 0
    credits = _credits_between(acc.id, periods[0][0], periods[-1][1])
    missed = 0
    for lo, hi in periods:
        if sum(amount for d, amount in credits if lo <= d < hi) < planned:
            missed += 1
    return missed


def _mandates(account_id: int) -> tuple[MandateView, ...]:
    return tuple(MandateView(m.id, m.full_name, m.id_type, m.id_number, m.role, m.active)
                 for m in AccountMandate.select().where(
                     (AccountMandate.account == account_id) & AccountMandate.active)
                 .order_by(AccountMandate.id))


def _view(acc: Account, day: date | None = None) -> SavingsView:
    day = day or business_day.open_date(acc.branch_id) or clock.today()
    info, product = _info(acc)
    member = Member.get_by_id(acc.member_id) if acc.member_id else None
    holds = holds_total(acc.id)
    minimum = product.min_balance if product else 0
    extra: dict = {}
    if product is not None and info is not None:
        if product.kind == products.SCHEDULED:
            extra = dict(planned_amount=info.planned_amount or product.planned_amount,
                         target_date=info.target_date,
                         missed_instalments=missed_instalments(acc, info, product, day))
        elif product.kind == products.TONTINE and info.cycle_start:
            extra = dict(planned_amount=info.planned_amount or product.planned_amount,
                         cycle_day=(day - info.cycle_start).days + 1,
                         cycle_days=product.cycle_days)
        elif product.kind == products.BLOCKED:
            extra = dict(target_date=info.blocked_until)
    pending = WithdrawalRequest.select().where(
        (WithdrawalRequest.account == acc.id)
        & WithdrawalRequest.status.in_(("pending", "approved"))).count()
    return SavingsView(
        id=acc.id, number=acc.number, name=acc.name,
        holder=members.display_name(member) if member else acc.name,
        member_id=acc.member_id, member_number=member.number if member else None,
        member_kind=member.kind if member else "",
        currency=acc.currency, balance=acc.balance, holds=holds, min_balance=minimum,
        available=max(0, acc.balance - holds - minimum), status=acc.status,
        product_id=product.id if product else None,
        product_code=product.code if product else "",
        product_name=product.name if product else "", kind=product.kind if product else "",
        dormant=bool(info and info.dormant),
        blocked=_blocked_reason(acc, info, product, day), mandates=_mandates(acc.id),
        pending_requests=pending, **extra)


@requires("account.read")
def account_view(ctx: Context, account_id: int) -> SavingsView:
    return _view(_account(account_id, ctx.branch_id))


@requires("account.read")
def find_account(ctx: Context, number: str) -> SavingsView:
    found = accounts.find_by_number(ctx, number)
    return _view(_account(found.id, ctx.branch_id))


@requires("account.read")
def member_savings(ctx: Context, member_id: int) -> list[SavingsView]:
    return [_view(a) for a in Account.select().where(
        (Account.member == member_id) & (Account.kind == "savings")).order_by(Account.id)]


# --- deposits ---------------------------------------------------------------------------


def _deposit_errors(acc: Account, product: SavingsProduct | None, amount: int) -> dict:
    errors: dict[str, str] = {}
    if acc.status != "active":
        errors["account"] = _("Account {number} is closed.").format(number=acc.number)
    if product is not None:
        if product.deposit_min and amount < product.deposit_min:
            errors["amount"] = _("A deposit on {product} is at least {minimum}.").format(
                product=product.name, minimum=_money(product.deposit_min, acc.currency))
        elif product.deposit_max and amount > product.deposit_max:
            errors["amount"] = _("A deposit on {product} is at most {maximum}.").format(
                product=product.name, maximum=_money(product.deposit_max, acc.currency))
    return errors


@requires("ledger.post")
def deposit_preview(ctx: Context, account_id: int, amount: int) -> CashPreview:
    """What a deposit would post, every rule checked, nothing written."""
    positive_amount(amount)
    acc = _account(account_id, ctx.branch_id)
    errors = _deposit_errors(acc, _info(acc)[1], amount)
    if errors:
        raise ValidationError(errors)
    return cash.preview(ctx, "in", acc.id, amount)


@requires("ledger.post")
def deposit(ctx: Context, account_id: int, amount: int, *, party_name: str, purpose: str,
            party_id: str = "") -> CashReceipt:
    """Cash deposit on a savings account: a BE voucher; a deposit wakes a dormant account."""
    positive_amount(amount)
    with write_transaction():
        acc = _account(account_id, ctx.branch_id)
        info, product = _info(acc)
        errors = _deposit_errors(acc, product, amount)
        if errors:
            raise ValidationError(errors)
        receipt = cash.cash_in(ctx, acc.id, amount, party_name=party_name, purpose=purpose,
                               party_id=party_id)
        if info is not None and info.dormant:
            _wake(ctx, acc)
    return receipt


def _wake(ctx: Context, acc: Account) -> None:
    info = SavingsAccount.get_or_none(SavingsAccount.account == acc.id)
    if info is not None and info.dormant:
        SavingsAccount.update(dormant=False, dormant_since=None).where(
            SavingsAccount.account == acc.id).execute()
        audit.record(ctx, "savings.awake", "account", acc.number, before={"dormant": True},
                     after={"dormant": False})


# --- withdrawals ------------------------------------------------------------------------


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
                                   & (AccountMandate.account == acc.id) & AccountMandate.active)
    if m is None:
        raise ValidationError({"signatory": _("This person may not sign on account {number}.")
                               .format(number=acc.number)})
    return m.full_name, m.id_number


def _fee_lines(ctx: Context, acc: Account, fee: int) -> list[ledger.Line]:
    income = accounts.internal_account(ctx.branch_id, "fee_income", acc.currency)
    return [ledger.Line(acc.id, debit=fee, label=_("Withdrawal fee")),
            ledger.Line(income.id, credit=fee, label=_("Withdrawal fee"))]


def _check_withdrawal(ctx: Context, acc: Account, amount: int, *, approved: bool = False
                      ) -> tuple[int, list[str], date]:
    """The product's rules: (fee, reasons to wait, payable on); refusals raise."""
    day = business_day.require_open(ctx.branch_id)
    info, product = _info(acc)
    errors: dict[str, str] = {}
    if acc.status != "active":
        errors["account"] = _("Account {number} is closed.").format(number=acc.number)
    blocked = _blocked_reason(acc, info, product, day)
    if blocked:
        errors["account"] = blocked
    fee = product.withdrawal_fee if product else 0
    available = _raw_available(acc, product)
    if amount + fee > available:
        errors["amount"] = _("Only {available} is available (balance {balance}, holds "
                             "{holds}, minimum balance {minimum}).").format(
            available=_money(max(0, available - fee), acc.currency),
            balance=_money(acc.balance, acc.currency),
            holds=_money(holds_total(acc.id), acc.currency),
            minimum=_money(product.min_balance if product else 0, acc.currency))
    if product is not None and product.withdrawal_max_per_day:
        paid = _paid_today(acc.id, day)
        if paid + amount > product.withdrawal_max_per_day:
            errors["amount"] = _("At most {maximum} a day on {product}; {paid} already "
                                 "withdrawn today.").format(
                maximum=_money(product.withdrawal_max_per_day, acc.currency),
                product=product.name, paid=_money(paid, acc.currency))
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
    acc = _account(account_id, ctx.branch_id)
    name, ident = _signatory(acc, signatory_id, party_name, party_id)
    fee, reasons, payable_on = _check_withdrawal(ctx, acc, amount)
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
    _wake(ctx, acc)
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
        acc = _account(account_id, ctx.branch_id)
        name, ident = _signatory(acc, signatory_id, party_name, party_id)
        if not name.strip():
            raise ValidationError({"party_name": _("Who takes the cash? Required.")})
        fee, reasons, payable_on = _check_withdrawal(ctx, acc, amount)
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
                date=r.payable_on.strftime("%d/%m/%Y")))
        acc = _account(r.account_id, ctx.branch_id)
        fee, _reasons, _due = _check_withdrawal(ctx, acc, r.amount, approved=True)
        receipt = _pay(ctx, acc, r.amount, fee, r.party_name, r.party_id, r.purpose)
        WithdrawalRequest.update(status="paid", txn=receipt.txn_id).where(
            WithdrawalRequest.id == r.id).execute()
        audit.record(ctx, "withdrawal.pay", "withdrawal_request", r.uid,
                     before={"status": "approved"},
                     after={"status": "paid", "voucher": receipt.voucher_number})
    return receipt


# --- transfers between accounts ---------------------------------------------------------


@dataclass(frozen=True)
class TransferReceipt:
    txn_id: int
    voucher_number: str
    doc: VoucherDoc


@requires("ledger.post")
def transfer(ctx: Context, from_account_id: int, to_account_id: int, amount: int,
             purpose: str) -> TransferReceipt:
    """Move savings from one account to another (same or another member): no cash, a VI
    voucher all the same. Same currency only: Mifin never converts."""
    positive_amount(amount)
    errors: dict[str, str] = {}
    if not purpose.strip():
        errors["purpose"] = _("Required.")
    if from_account_id == to_account_id:
        errors["to_account"] = _("Choose another account to credit.")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        src = _account(from_account_id, ctx.branch_id)
        dst = _account(to_account_id, ctx.branch_id)
        if dst.currency != src.currency:
            raise ValidationError({"to_account": _(
                "Account {number} keeps {currency}; a transfer stays in one currency.").format(
                number=dst.number, currency=dst.currency)})
        if dst.status != "active":
            raise ValidationError({"to_account": _("Account {number} is closed.").format(
                number=dst.number)})
        info, _p = _info(src)
        if info is not None and info.dormant:
            raise ValidationError({"account": _("Account {number} is dormant: a withdrawal "
                                                "with the manager's approval wakes it.")
                                   .format(number=src.number)})
        dst_errors = _deposit_errors(dst, _info(dst)[1], amount)
        dst_errors.pop("amount", None)  # deposit limits are for cash at the counter
        if dst_errors:
            raise ValidationError({"to_account": next(iter(dst_errors.values()))})
        fee, _reasons, _due = _check_withdrawal(ctx, src, amount, approved=True)
        label = _("Transfer {src} to {dst}: {purpose}").format(
            src=src.number, dst=dst.number, purpose=purpose.strip())
        posted = ledger.post(ctx, kind="account_transfer", label=label[:250],
                             lines=[ledger.Line(src.id, debit=amount),
                                    ledger.Line(dst.id, credit=amount)],
                             voucher_series="VI")
        _wake(ctx, dst)
        doc = _transfer_doc(ctx, posted, src, dst, amount, purpose.strip())
    return TransferReceipt(posted.txn_id, posted.voucher_number or "", doc)


def _transfer_doc(ctx: Context, posted: ledger.Posted, src: Account, dst: Account,
                  amount: int, purpose: str) -> VoucherDoc:
    from zoneinfo import ZoneInfo

    from mifin_tui.i18n import translator
    from mifin_tui.services.kernel.words import amount_in_words

    lang = settings.get("document_language")
    t = translator(lang)
    branch = Branch.get_by_id(ctx.branch_id)
    inst = Institution.get_by_id(branch.institution_id)
    src_after = next(p.balance_after for p in posted.lines if p.account_id == src.id)
    dst_holder = members.display_name(Member.get_by_id(dst.member_id)) if dst.member_id \
        else dst.name
    return VoucherDoc(
        institution=inst.name, branch_code=branch.code, branch_name=branch.name,
        series="VI", title=t(N_("TRANSFER ORDER")), number=posted.voucher_number or "",
        business_date=posted.business_date,
        posted_at=clock.now().astimezone(ZoneInfo(settings.get("timezone"))),
        currency=src.currency, amount=amount,
        amount_words=amount_in_words(amount, src.currency, lang),
        purpose=f"{purpose} — {t(N_('to'))} {dst.number} {dst_holder}",
        party_label=t(N_("Ordered by")),
        party_name=members.display_name(Member.get_by_id(src.member_id)) if src.member_id
        else src.name,
        account_number=src.number,
        account_holder=members.display_name(Member.get_by_id(src.member_id))
        if src.member_id else src.name,
        balance_after=src_after, cashier=ctx.full_name, till="",
        signatures=(t(N_("Cashier")), t(N_("Client")), t(N_("Manager"))),
        copies=(t(N_("Client copy")), t(N_("Branch copy"))), language=lang)


# --- opening and closing ----------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    account: SavingsView
    receipt: CashReceipt | None


@requires("account.open")
def open_account(ctx: Context, member_id: int, product_id: int, *, opening_deposit: int = 0,
                 party_name: str = "", planned_amount: int = 0, target_date: date | None = None,
                 blocked_until: date | None = None, collateral: bool = False,
                 agent_id: int | None = None) -> Opened:
    """A new savings account for a member, with its opening deposit (a BE) when the
    product asks for one. Several accounts of several kinds per member."""
    with write_transaction():
        day = business_day.require_open(ctx.branch_id)
        member = Member.get_or_none(Member.id == member_id)
        product = SavingsProduct.get_or_none(SavingsProduct.id == product_id)
        errors: dict[str, str] = {}
        if member is None or member.branch_id != ctx.branch_id:
            errors["member"] = _("No such member in this branch.")
        elif member.status == "left":
            errors["member"] = _("This member has left the institution.")
        if product is None or not product.active:
            errors["product"] = _("Choose an active savings product.")
        if errors:
            raise ValidationError(errors)
        if not isinstance(opening_deposit, int) or opening_deposit < 0:
            errors["opening_deposit"] = _("Enter an amount, zero or more.")
        elif opening_deposit < product.min_opening:
            errors["opening_deposit"] = _("{product} opens with at least {minimum}.").format(
                product=product.name, minimum=_money(product.min_opening, product.currency))
        elif opening_deposit and product.deposit_max and opening_deposit > product.deposit_max:
            errors["opening_deposit"] = _("A deposit on {product} is at most {maximum}.").format(
                product=product.name, maximum=_money(product.deposit_max, product.currency))
        if product.kind == products.SCHEDULED:
            if target_date is None or target_date <= day:
                errors["target_date"] = _("Give a target date after today.")
        if product.kind == products.BLOCKED and not collateral and (
                blocked_until is None or blocked_until <= day):
            errors["blocked_until"] = _("Block until a date after today, or as collateral.")
        if product.kind == products.TONTINE and agent_id is not None and \
                User.get_or_none(User.id == agent_id) is None:
            errors["agent"] = _("No such user.")
        if errors:
            raise ValidationError(errors)
        acc = accounts.open_member_account(member, product.gl_key, product.currency,
                                           product.name, day)
        SavingsAccount.create(
            account=acc.id, product=product.id,
            planned_amount=planned_amount if planned_amount > 0 else 0,
            target_date=target_date if product.kind == products.SCHEDULED else None,
            blocked_until=blocked_until if product.kind == products.BLOCKED else None,
            collateral=collateral and product.kind == products.BLOCKED,
            agent=agent_id if product.kind == products.TONTINE else None,
            cycle_start=day if product.kind == products.TONTINE else None)
        audit.record(ctx, "account.open", "account", acc.number,
                     after={"member": member.number, "product": product.code,
                            "currency": product.currency, "opening_deposit": opening_deposit})
        receipt = None
        if opening_deposit:
            receipt = cash.cash_in(ctx, acc.id, opening_deposit,
                                   party_name=party_name.strip() or members.display_name(member),
                                   purpose=_("Opening deposit {product}").format(
                                       product=product.name))
        return Opened(_view(Account.get_by_id(acc.id), day), receipt)


@requires("account.open")
def close_account(ctx: Context, account_id: int, reason: str) -> CashReceipt | None:
    """Close an account: its whole balance paid out with a BS, then no more movements."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for closing the account.")})
    with write_transaction():
        acc = _account(account_id, ctx.branch_id)
        if acc.status != "active":
            raise Conflict(_("Account {number} is closed.").format(number=acc.number))
        if holds_total(acc.id):
            raise ValidationError({"account": _("Release the holds on the account first.")})
        if WithdrawalRequest.select().where(
                (WithdrawalRequest.account == acc.id)
                & WithdrawalRequest.status.in_(("pending", "approved"))).exists():
            raise ValidationError({"account": _("A withdrawal request on the account is "
                                                "still open.")})
        info, product = _info(acc)
        day = business_day.require_open(ctx.branch_id)
        if product is not None and product.kind == products.BLOCKED:
            blocked = _blocked_reason(acc, info, product, day)
            if blocked:
                raise ValidationError({"account": blocked})
        receipt = None
        if acc.balance > 0:
            holder = members.display_name(Member.get_by_id(acc.member_id)) if acc.member_id \
                else acc.name
            receipt = cash.cash_out(ctx, acc.id, acc.balance, party_name=holder,
                                    purpose=_("Account closed: {reason}").format(
                                        reason=reason.strip()))
        Account.update(status="closed").where(Account.id == acc.id).execute()
        audit.record(ctx, "account.close", "account", acc.number,
                     before={"status": "active", "balance": acc.balance},
                     after={"status": "closed", "reason": reason.strip(),
                            "voucher": receipt.voucher_number if receipt else None})
    return receipt


# --- holds ------------------------------------------------------------------------------


def _hold_view(h: AccountHold) -> HoldView:
    acc = Account.get_by_id(h.account_id)
    return HoldView(h.id, acc.id, h.amount, acc.currency, h.reason, h.note, h.process,
                    h.status, User.get_by_id(h.created_by_id).full_name,
                    h.created_at.isoformat(timespec="minutes"))


def hold_within(ctx: Context, account_id: int, amount: int, reason: str, process: str,
                note: str = "") -> HoldView:
    """Block part of the available balance inside the caller's write transaction: for
    another gated service (a loan's collateral at disbursement). `process` names who may
    release it (e.g. "loan:KIN-30-0000042-17")."""
    if not write_transaction_open():
        raise RuntimeError("hold_within runs inside the calling operation's transaction")
    positive_amount(amount)
    errors: dict[str, str] = {}
    if reason not in HOLD_REASONS:
        errors["reason"] = _("Choose a reason.")
    if not process.strip():
        errors["process"] = _("Required.")
    if errors:
        raise ValidationError(errors)
    acc = _account(account_id, ctx.branch_id)
    if acc.status != "active":
        raise ValidationError({"account": _("Account {number} is closed.").format(
            number=acc.number)})
    available = _raw_available(acc, _info(acc)[1])
    if amount > available:
        raise ValidationError({"amount": _("Only {available} is available to block.")
                               .format(available=_money(max(0, available), acc.currency))})
    h = AccountHold.create(account=acc.id, amount=amount, reason=reason, note=note.strip(),
                           process=process.strip(), created_by=ctx.user_id,
                           created_at=clock.now())
    audit.record(ctx, "hold.place", "account_hold", h.uid,
                 after={"account": acc.number, "amount": amount, "reason": reason,
                        "process": h.process, "note": h.note})
    return _hold_view(h)


def release_within(ctx: Context, hold_id: int, process: str) -> HoldView:
    """Release a hold inside the caller's write transaction; only the process that placed
    it may (a loan's collateral is freed by the loan, a court order by its lifting)."""
    if not write_transaction_open():
        raise RuntimeError("release_within runs inside the calling operation's transaction")
    h = AccountHold.get_or_none(AccountHold.id == hold_id)
    if h is None:
        raise NotFound(_("No such hold."))
    if h.status != "active":
        raise Conflict(_("This hold was already released."))
    if h.process != process:
        raise PermissionDenied(_("This hold was placed by {process}; only it can release "
                                 "it.").format(process=h.process))
    AccountHold.update(status="released", released_by=ctx.user_id,
                       released_at=clock.now()).where(AccountHold.id == h.id).execute()
    audit.record(ctx, "hold.release", "account_hold", h.uid,
                 before={"status": "active", "amount": h.amount},
                 after={"status": "released", "process": process})
    return _hold_view(AccountHold.get_by_id(h.id))


@requires("account.hold")
def place_hold(ctx: Context, account_id: int, amount: int, reason: str, *, note: str = "",
               process: str = "manual") -> HoldView:
    """Block part of the available balance (the gérant's holds screen: process "manual")."""
    with write_transaction():
        return hold_within(ctx, account_id, amount, reason, process, note)


@requires("account.hold")
def release_hold(ctx: Context, hold_id: int, *, process: str = "manual") -> HoldView:
    """Release a hold placed by `process`."""
    with write_transaction():
        return release_within(ctx, hold_id, process)


@requires("account.read")
def list_holds(ctx: Context, account_id: int, *, active_only: bool = True) -> list[HoldView]:
    query = AccountHold.select().where(AccountHold.account == account_id).order_by(
        AccountHold.id)
    if active_only:
        query = query.where(AccountHold.status == "active")
    return [_hold_view(h) for h in query]


# --- mandataires ------------------------------------------------------------------------


@requires("account.mandate")
def add_mandate(ctx: Context, account_id: int, full_name: str, *, id_type: str = "",
                id_number: str = "", role: str = "mandataire") -> MandateView:
    errors: dict[str, str] = {}
    if not full_name.strip():
        errors["full_name"] = _("Required.")
    if not id_number.strip():
        errors["id_number"] = _("The ID document number is required.")
    if role not in MANDATE_ROLES:
        errors["role"] = _("Mandataire or signatory.")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        acc = _account(account_id, ctx.branch_id)
        m = AccountMandate.create(account=acc.id, full_name=full_name.strip(),
                                  id_type=id_type.strip(), id_number=id_number.strip(),
                                  role=role, created_by=ctx.user_id, created_at=clock.now())
        audit.record(ctx, "mandate.add", "account", acc.number,
                     after={"name": m.full_name, "id": m.id_number, "role": role})
        return MandateView(m.id, m.full_name, m.id_type, m.id_number, m.role, True)


@requires("account.mandate")
def revoke_mandate(ctx: Context, mandate_id: int) -> None:
    with write_transaction():
        m = AccountMandate.get_or_none(AccountMandate.id == mandate_id)
        if m is None or not m.active:
            raise NotFound(_("No such mandataire."))
        AccountMandate.update(active=False).where(AccountMandate.id == m.id).execute()
        audit.record(ctx, "mandate.revoke", "account", Account.get_by_id(m.account_id).number,
                     before={"name": m.full_name, "active": True}, after={"active": False})


# --- tontine ----------------------------------------------------------------------------


@requires("ledger.post")
def tontine_payout(ctx: Context, account_id: int) -> CashReceipt:
    """End of a tontine cycle: the institution keeps its commission (N days' contributions),
    the rest is paid out with a BS, and a new cycle starts."""
    with write_transaction():
        acc = _account(account_id, ctx.branch_id)
        info, product = _info(acc)
        if product is None or product.kind != products.TONTINE or info is None \
                or info.cycle_start is None:
            raise ValidationError({"account": _("Account {number} is not a tontine.").format(
                number=acc.number)})
        day = business_day.require_open(ctx.branch_id)
        elapsed = (day - info.cycle_start).days + 1
        if elapsed < product.cycle_days:
            raise ValidationError({"account": _(
                "The cycle ends on day {days}; today is day {day}.").format(
                days=product.cycle_days, day=elapsed)})
        daily = info.planned_amount or product.planned_amount
        free = acc.balance - holds_total(acc.id)
        commission = min(product.commission_days * daily, max(0, free))
        if commission:
            income = accounts.internal_account(ctx.branch_id, "tontine_commission_income",
                                               acc.currency)
            ledger.post(ctx, kind="tontine_commission",
                        label=_("Tontine commission {number}").format(number=acc.number),
                        lines=[ledger.Line(acc.id, debit=commission),
                               ledger.Line(income.id, credit=commission)],
                        voucher_series="OD")
        payout = Account.get_by_id(acc.id).balance - holds_total(acc.id)
        if payout <= 0:
            raise ValidationError({"account": _("Nothing to pay out on this cycle.")})
        holder = members.display_name(Member.get_by_id(acc.member_id)) if acc.member_id \
            else acc.name
        receipt = cash.cash_out(ctx, acc.id, payout, party_name=holder,
                                purpose=_("Tontine payout, cycle of {date}").format(
                                    date=info.cycle_start.strftime("%d/%m/%Y")))
        SavingsAccount.update(cycle_start=day + timedelta(days=1)).where(
            SavingsAccount.account == acc.id).execute()
        audit.record(ctx, "tontine.payout", "account", acc.number,
                     after={"commission": commission, "payout": payout,
                            "voucher": receipt.voucher_number})
    return receipt
