"""The adhésion: a new member, his accounts, and his fees and shares paid at the till.

In one IMMEDIATE transaction: the member number is drawn, a free-savings and a shares
account are opened, and the membership fee, the account-opening fee and the part
sociale are each taken in cash with their own BE voucher (`cash.cash_in`). Any refusal
(a bad field, no open till, a duplicate) leaves nothing: no member number, no voucher
number used.

A person already on the books (same ID number, or same name and birth date) is enrolled
a second time only after the gérant approves a request (maker-checker, audited).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, DuplicateRequest, GLAccount, Member, User
from mifin_tui.i18n import N_, _
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash import tills
from mifin_tui.services.cash.counter import CashPreview, CashReceipt, PreviewLine
from mifin_tui.services.kernel import accounts, audit, business_day, clock, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.members.register import MemberSummary

# (setting, GL key of the income or equity, ledger kind, purpose msgid)
FEE_ITEMS = (
    ("membership_fee", "membership_fee_income", "membership_fee", N_("Membership fee")),
    ("account_opening_fee", "account_opening_fee_income", "account_opening_fee",
     N_("Account-opening fee")),
    ("share_capital", "share_capital", "share_subscription", N_("Share capital (part "
                                                                 "sociale)")),
)


@dataclass(frozen=True)
class Fees:
    currency: str
    membership_fee: int
    account_opening_fee: int
    share_capital: int

    @property
    def total(self) -> int:
        return self.membership_fee + self.account_opening_fee + self.share_capital

    def amount(self, key: str) -> int:
        return int(getattr(self, key))


def fees(currency: str) -> Fees:
    """What a new member pays in `currency`, from the institution's settings."""
    return Fees(currency, *(int(settings.get(key).get(currency, 0)) for key, *_r in FEE_ITEMS))


@dataclass(frozen=True)
class AdhesionResult:
    member: MemberSummary
    savings_account: str
    shares_account: str
    receipts: tuple[CashReceipt, ...]


class DuplicateFound(ValidationError):
    """The person seems to be a member already: the errors name them at the fields."""

    def __init__(self, errors: Mapping[str, str], duplicates: list[MemberSummary]):
        super().__init__(errors)
        self.duplicates = duplicates


@dataclass(frozen=True)
class DuplicateRequestView:
    id: int
    display_name: str
    duplicate_of: MemberSummary
    reason: str
    status: str  # pending | approved | refused | used
    requested_by: str
    requested_at: Any
    decided_by: str
    decision_note: str
    fields: dict[str, Any]
    member_number: str | None


def _today(ctx: Context) -> date:
    return business_day.require_open(ctx.branch_id)


def _check_duplicates(fields: dict[str, Any], approval: DuplicateRequest | None) -> None:
    found = members.duplicates_of(fields)
    if not found or approval is not None:
        return
    raise DuplicateFound(members.duplicate_errors(fields, found),
                         [members._summary(m) for m in found])


@requires("member.create")
def check(ctx: Context, raw: Mapping[str, Any], approval_id: int | None = None
          ) -> dict[str, Any]:
    """The fiche checked as the adhésion will check it, nothing written: the cleaned
    fields, or ValidationError (DuplicateFound when the person is a member already)."""
    fields = members.validate(raw, _today(ctx))
    _check_duplicates(fields, _approval(ctx, approval_id, fields) if approval_id else None)
    return fields


def _display(fields: Mapping[str, Any]) -> str:
    """The name as the member record will show it (members.display_name)."""
    if fields.get("kind") == "legal":
        return str(fields["legal_name"])
    return " ".join(p for p in (fields["surname"].upper(), fields["postname"].upper(),
                                fields["first_name"]) if p)


def _fee_account_name(gl_key: str) -> str:
    gl = GLAccount.get_or_none(GLAccount.key == gl_key)
    return gl.name if gl else gl_key


@requires("ledger.post")
def preview(ctx: Context, raw: Mapping[str, Any], currency: str) -> CashPreview:
    """What the adhésion will take at the cashier's till, for the confirmation."""
    fields = members.validate(raw, _today(ctx))
    due = fees(currency)
    session = tills.require_session(ctx, currency)
    till_cash = tills.cash_account(session.till, currency)
    name = _display(fields)
    lines = [PreviewLine(till_cash.number, till_cash.name, due.total, 0)]
    for key, gl_key, _kind, label in FEE_ITEMS:
        amount = due.amount(key)
        if amount:
            lines.append(PreviewLine("", f"{_(label)} ({_fee_account_name(gl_key)})"[:40],
                                     0, amount))
    return CashPreview(
        direction="in", series="BE", till_code=session.till.code, currency=currency,
        amount=due.total, account_number=_("(new member)"), holder=name,
        account_balance_after=due.share_capital, till_balance_after=till_cash.balance
        + due.total, lines=tuple(lines),
    )


def _approval(ctx: Context, approval_id: int, fields: Mapping[str, Any]) -> DuplicateRequest:
    req = DuplicateRequest.get_or_none(DuplicateRequest.id == approval_id)
    if req is None or req.branch_id != ctx.branch_id:
        raise NotFound(_("No such duplicate request."))
    if req.status != "approved":
        raise ValidationError({"form": _("The gérant has not approved this second record "
                                         "(request is {status}).").format(status=req.status)})
    asked = json.loads(req.fields)
    if (members.name_key(asked), members.id_key(asked)) != (
            members.name_key(fields), members.id_key(fields)):
        raise ValidationError({"form": _("The approval was given for another name or ID "
                                         "number.")})
    return req


@requires("member.create")
def enrol(ctx: Context, raw: Mapping[str, Any], *, currency: str, depositor: str = "",
          approval_id: int | None = None) -> AdhesionResult:
    """Validate the fiche, give the member number, open his accounts and take the fees
    and the part sociale at the till (one BE voucher each), all or nothing."""
    due = fees(currency)
    if due.total and not ctx.can("ledger.post"):
        raise PermissionDenied(_("Fees and shares are paid at the till: a cashier with an "
                                 "open till takes this adhésion."))
    with write_transaction():
        today = _today(ctx)
        fields = members.validate(raw, today)
        approval = _approval(ctx, approval_id, fields) if approval_id else None
        _check_duplicates(fields, approval)
        if due.total:
            tills.require_session(ctx, currency)
        member = members.create_row(ctx, fields, today)
        savings = accounts.open_member_account(member, "savings_free", currency,
                                               _("Free savings"), today)
        shares = accounts.open_member_account(member, "share_capital", currency,
                                              _("Share capital"), today, kind="shares")
        name = members.display_name(member)
        audit.record(ctx, "member.create", "member", member.number, after={
            **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()},
            "accounts": [savings.number, shares.number],
            "duplicate_request": approval.id if approval else None,
        })
        receipts = []
        for key, gl_key, kind, label in FEE_ITEMS:
            amount = due.amount(key)
            if not amount:
                continue
            target = shares if key == "share_capital" else accounts.internal_account(
                ctx.branch_id, gl_key, currency)
            receipts.append(cash.cash_in(
                ctx, target.id, amount, party_name=depositor.strip() or name,
                purpose=f"{_(label)} — {member.number} {name}"[:120], kind=kind))
        if approval is not None:
            DuplicateRequest.update(status="used", member=member.id).where(
                DuplicateRequest.id == approval.id).execute()
    return AdhesionResult(members._summary(member), savings.number, shares.number,
                          tuple(receipts))


# --- a second record for the same person: the gérant decides --------------------------


def _user_name(user_id: int | None) -> str:
    u = User.get_or_none(User.id == user_id) if user_id else None
    return u.full_name if u else ""


def _request_view(r: DuplicateRequest) -> DuplicateRequestView:
    member = Member.get_or_none(Member.id == r.member_id) if r.member_id else None
    return DuplicateRequestView(
        id=r.id, display_name=r.display_name,
        duplicate_of=members._summary(Member.get_by_id(r.duplicate_of_id)), reason=r.reason,
        status=r.status, requested_by=_user_name(r.requested_by_id),
        requested_at=r.requested_at, decided_by=_user_name(r.decided_by_id),
        decision_note=r.decision_note, fields=json.loads(r.fields),
        member_number=member.number if member else None,
    )


@requires("member.create")
def request_duplicate(ctx: Context, raw: Mapping[str, Any], reason: str
                      ) -> DuplicateRequestView:
    """Ask the gérant to allow a second record for a person who is a member already."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why a second record is needed.")})
    with write_transaction():
        fields = members.validate(raw, _today(ctx))
        found = members.duplicates_of(fields)
        if not found:
            raise Conflict(_("No member looks like this person: enrol him directly."))
        stored = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()}
        name = _display(fields)
        req = DuplicateRequest.create(
            branch=ctx.branch_id, fields=json.dumps(stored, ensure_ascii=False),
            display_name=name, duplicate_of=found[0].id, reason=reason.strip(),
            requested_by=ctx.user_id, requested_at=clock.now())
        audit.record(ctx, "member.duplicate_request", "duplicate_request", str(req.id),
                     after={"name": name, "duplicate_of": found[0].number,
                            "reason": reason.strip()})
    return _request_view(req)


@requires("member.approve_duplicate")
def pending_duplicates(ctx: Context) -> list[DuplicateRequestView]:
    query = DuplicateRequest.select().where(
        (DuplicateRequest.branch == ctx.branch_id) & (DuplicateRequest.status == "pending"))
    return [_request_view(r) for r in query.order_by(DuplicateRequest.id)]


@requires("member.create")
def my_duplicate_requests(ctx: Context) -> list[DuplicateRequestView]:
    """The requests this user made that are not yet used (to resume an approved one)."""
    query = DuplicateRequest.select().where(
        (DuplicateRequest.requested_by == ctx.user_id)
        & (DuplicateRequest.status.in_(("pending", "approved", "refused"))))
    return [_request_view(r) for r in query.order_by(DuplicateRequest.id.desc()).limit(20)]


@requires("member.approve_duplicate")
def decide_duplicate(ctx: Context, request_id: int, approve: bool, note: str = ""
                     ) -> DuplicateRequestView:
    """Approve or refuse a second record; never one's own request (maker-checker)."""
    with write_transaction():
        req = DuplicateRequest.get_or_none(DuplicateRequest.id == request_id)
        if req is None or req.branch_id != ctx.branch_id:
            raise NotFound(_("No such duplicate request."))
        if req.status != "pending":
            raise Conflict(_("This request was already decided ({status}).").format(
                status=req.status))
        if req.requested_by_id == ctx.user_id:
            raise PermissionDenied(_("You made this request: another manager decides it."))
        if not approve and not note.strip():
            raise ValidationError({"note": _("Say why the request is refused.")})
        status = "approved" if approve else "refused"
        DuplicateRequest.update(status=status, decided_by=ctx.user_id, decided_at=clock.now(),
                                decision_note=note.strip()).where(
            DuplicateRequest.id == req.id).execute()
        audit.record(ctx, f"member.duplicate_{'approve' if approve else 'refuse'}",
                     "duplicate_request", str(req.id), before={"status": "pending"},
                     after={"status": status, "note": note.strip(),
                            "name": req.display_name})
        req = DuplicateRequest.get_by_id(req.id)
    return _request_view(req)


def shares_account(member_id: int) -> Account | None:
    """The member's shares account (kind "shares"), if he has one."""
    return Account.select().where((Account.member == member_id)
                                  & (Account.kind == "shares")).first()
