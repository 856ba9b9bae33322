"""The member card (fiche du membre): the member, his accounts, his groups, his last
operations; and the démission.

His loans and the guarantees he gave belong to the loan area
(`loans.views.member_loans`, `member_guarantees`): the card screen asks for them beside
this card, so members do not depend on loans. The démission is refused while a loan or a
guarantee of his is outstanding, reading the loan rows themselves.

The démission takes three steps and two people (#21): the counter asks for it
(`request_resignation`, the conditions checked), a gérant other than the one who asked
approves or refuses it (`decide_resignation`), then the cashier pays the shares back at
the till and the accounts close (`pay_resignation`, the conditions checked again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    Entry,
    GroupMembership,
    JournalTransaction,
    Member,
    MemberResignation,
    User,
)
from mifin_tui.i18n import _
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash.counter import CashReceipt
from mifin_tui.services.kernel import accounts, audit, business_day, clock
from mifin_tui.services.kernel.accounts import AccountView
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.members.register import MemberDetail


@dataclass(frozen=True)
class Operation:
    business_date: date
    account_number: str
    label: str
    voucher_number: str | None
    currency: str
    debit: int
    credit: int


@dataclass(frozen=True)
class GroupRole:
    group_id: int
    group_name: str
    kind: str
    role: str


@dataclass(frozen=True)
class MemberCard:
    member: MemberDetail
    accounts: tuple[AccountView, ...]
    operations: tuple[Operation, ...]
    groups: tuple[GroupRole, ...]


@requires("member.read")
def card(ctx: Context, member_id: int, operations: int = 10) -> MemberCard:
    """Everything the card shows, read in one go."""
    m = members.row(member_id)
    accs = accounts.member_accounts(ctx, m.id)
    ids = [a.id for a in accs]
    ops: list[Operation] = []
    if ids:
        query = (Entry.select(Entry, JournalTransaction, Account)
                 .join(JournalTransaction).switch(Entry).join(Account)
                 .where(Entry.account.in_(ids)).order_by(Entry.id.desc()).limit(operations))
        ops = [Operation(e.txn.business_date, e.account.number, e.txn.label,
                         e.txn.voucher_number, e.currency, e.debit, e.credit) for e in query]
    groups = [GroupRole(g.group.id, g.group.name, g.group.kind, g.role)
              for g in GroupMembership.select().where(GroupMembership.member == m.id)]
    return MemberCard(members._detail(m), tuple(accs), tuple(ops), tuple(groups))


@dataclass(frozen=True)
class ResignResult:
    member_number: str
    left_on: date
    refund: CashReceipt | None
    closed_accounts: tuple[str, ...]


# A loan in these states is over: it no longer holds the borrower, nor his guarantors.
_LOAN_OVER = ("rejected", "cancelled", "closed")


def _refuse_open_loans_and_guarantees(m: Member) -> None:
    """The démission waits until no loan of the member is under way (an application too)
    and no loan he guarantees is outstanding."""
    from mifin_tui.db.models import Loan, LoanGuarantor

    loans_open = [f"{loan.number} ({loan.state})" for loan in Loan.select().where(
        (Loan.member == m.id) & Loan.state.not_in(_LOAN_OVER))]
    guaranteed = [loan.number for loan in Loan.select().join(
        LoanGuarantor, on=(LoanGuarantor.loan == Loan.id)).where(
        (LoanGuarantor.member == m.id) & Loan.state.not_in(_LOAN_OVER))]
    errors = []
    if loans_open:
        errors.append(_("The member has loans under way: {loans}.").format(
            loans=", ".join(loans_open)))
    if guaranteed:
        errors.append(_("The member guarantees loans still outstanding: {loans}.").format(
            loans=", ".join(guaranteed)))
    if errors:
        raise ValidationError({"form": " ".join(errors)})


def _check_can_leave(m: Member) -> list[Account]:
    """The member's active accounts, once sure he may leave (or a ValidationError)."""
    if m.status == "left":
        raise ValidationError({"form": _("Member {number} has already left.").format(
            number=m.number)})
    rows = list(Account.select().where((Account.member == m.id)
                                       & (Account.status == "active")))
    _refuse_open_loans_and_guarantees(m)
    not_zero = [a for a in rows if a.kind != "shares" and a.balance != 0]
    if not_zero:
        raise ValidationError({"form": _(
            "Every account must be at zero first: {accounts}.").format(
            accounts=", ".join(f"{a.number} {format_amount(a.balance, a.currency)}"
                               for a in not_zero))})
    return rows


@dataclass(frozen=True)
class ResignationView:
    id: int
    member_id: int
    member_number: str
    member_name: str
    state: str          # pending | approved | rejected | paid
    reason: str
    shares: int         # the share capital to refund, in `currency`
    currency: str
    requested_by: str
    requested_at: str
    decision_note: str


def _user(user_id: int | None) -> str:
    u = User.get_or_none(User.id == user_id) if user_id else None
    return u.full_name if u else ""


def _resignation_view(r: MemberResignation) -> ResignationView:
    m = Member.get_by_id(r.member_id)
    shares = [a for a in Account.select().where((Account.member == m.id)
                                                & (Account.kind == "shares"))]
    return ResignationView(r.id, m.id, m.number, members.display_name(m), r.state, r.reason,
                           sum(a.balance for a in shares),
                           shares[0].currency if shares else "", _user(r.requested_by_id),
                           r.requested_at.isoformat(timespec="minutes"), r.decision_note)


def _open_request(member_id: int) -> MemberResignation | None:
    return MemberResignation.get_or_none((MemberResignation.member == member_id)
                                         & MemberResignation.state.in_(("pending",
                                                                        "approved")))


@requires("member.read")
def resignation_of(ctx: Context, member_id: int) -> ResignationView | None:
    """The member's démission under way (waiting or approved, not yet paid), if any."""
    members.row(member_id)
    r = _open_request(member_id)
    return _resignation_view(r) if r else None


@requires("member.leave")
def request_resignation(ctx: Context, member_id: int, reason: str) -> ResignationView:
    """The counter asks for the démission; the gérant decides before anything is paid."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the member leaves.")})
    with write_transaction():
        m = members.row(member_id)
        _check_can_leave(m)
        if _open_request(m.id) is not None:
            raise Conflict(_("The démission of member {number} is already under way.")
                           .format(number=m.number))
        r = MemberResignation.create(member=m.id, state="pending", reason=reason.strip()[:250],
                                     requested_by=ctx.user_id, requested_at=clock.now())
        audit.record(ctx, "member.leave_request", "member", m.number,
                     after={"request": r.id, "state": "pending", "reason": r.reason})
        return _resignation_view(r)


@requires("member.leave_approve")
def pending_resignations(ctx: Context) -> list[ResignationView]:
    """The démissions of the branch waiting for the gérant."""
    return [_resignation_view(r) for r in MemberResignation.select().join(Member).where(
        (MemberResignation.state == "pending") & (Member.branch == ctx.branch_id))
        .order_by(MemberResignation.id)]


def _request(request_id: int) -> MemberResignation:
    r = MemberResignation.get_or_none(MemberResignation.id == request_id)
    if r is None:
        raise NotFound(_("No such démission request."))
    return r


@requires("member.leave_approve")
def decide_resignation(ctx: Context, request_id: int, approve: bool, note: str = ""
                       ) -> ResignationView:
    """The gérant's decision; approved, the cashier may pay the shares back."""
    with write_transaction():
        r = _request(request_id)
        if r.state != "pending":
            raise Conflict(_("This démission was already decided."))
        if r.requested_by_id == ctx.user_id:
            raise PermissionDenied(_("You asked for this démission: another person must "
                                     "approve it."))
        if not approve and not note.strip():
            raise ValidationError({"note": _("Say why the démission is refused.")})
        if approve:
            _check_can_leave(members.row(r.member_id))
        state = "approved" if approve else "rejected"
        MemberResignation.update(state=state, decided_by=ctx.user_id, decided_at=clock.now(),
                                 decision_note=note.strip()[:250]).where(
            MemberResignation.id == r.id).execute()
        audit.record(ctx, "member.leave_" + state, "member",
                     Member.get_by_id(r.member_id).number,
                     before={"request": r.id, "state": "pending"},
                     after={"state": state, "note": note.strip()})
        return _resignation_view(MemberResignation.get_by_id(r.id))


@requires("member.leave")
def pay_resignation(ctx: Context, request_id: int) -> ResignResult:
    """The approved démission carried out: every account at zero (but the shares), the
    part sociale refunded at the till with a BS voucher, the accounts closed, the member
    marked as left."""
    with write_transaction():
        r = _request(request_id)
        if r.state != "approved":
            raise Conflict(_("This démission is not approved by the manager: nothing is "
                             "paid.") if r.state == "pending" else
                           _("This démission is {state}: nothing is paid.").format(
                               state=r.state))
        m = members.row(r.member_id)
        rows = _check_can_leave(m)
        refund = None
        for acc in rows:
            if acc.kind == "shares" and acc.balance > 0:
                refund = cash.cash_out(
                    ctx, acc.id, acc.balance, party_name=members.display_name(m),
                    purpose=_("Share capital refunded (démission) — {number}").format(
                        number=m.number), kind="share_refund")
        today = business_day.require_open(ctx.branch_id)
        Account.update(status="closed").where(Account.id.in_([a.id for a in rows])).execute()
        Member.update(status="left", left_on=today).where(Member.id == m.id).execute()
        MemberResignation.update(state="paid", paid_by=ctx.user_id, paid_at=clock.now(),
                                 voucher_number=refund.voucher_number if refund else ""
                                 ).where(MemberResignation.id == r.id).execute()
        audit.record(ctx, "member.leave", "member", m.number,
                     before={"status": m.status},
                     after={"status": "left", "left_on": today.isoformat(),
                            "reason": r.reason, "request": r.id,
                            "approved_by": _user(r.decided_by_id),
                            "refund": refund.voucher_number if refund else None,
                            "closed": [a.number for a in rows]})
    return ResignResult(m.number, today, refund, tuple(a.number for a in rows))
