"""Arrears as the screens show them (#9): a loan's days past due and overdue amounts by
bucket, a member's loans in arrears, and the officer's list of loans in arrears for field
visits.

Everything is computed live from the instalment rows: the days past due with
`classification.days_past_due` (the one rule the closing, PAR and the reports share:
penalties age a loan as the institution's reading says), the amounts by bucket with the
engine's `arrears_by_bucket`, so it is right before the nightly closing has aged the
loans (loan.days_past_due is the closing's figure, not read here).
For a past `as_of` day the paid amounts are rolled back by the repayment allocations and
the penalties charged after that day; a schedule rescheduled since then is shown as it is
now (the old one is kept in loan_reschedule).

`arrears_list` is shared: the screen and its field print use it, and the reports may.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mifin_tui.db.models import (
    Loan,
    LoanGuarantor,
    LoanInstallment,
    LoanPenalty,
    Member,
    Repayment,
    RepaymentAllocation,
    User,
)
from mifin_tui.db.queries import loans as loan_queries
from mifin_tui.i18n import _
from mifin_tui.services.kernel import institution, regulators
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import NotFound
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import states
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.lifecycle import business_today
from mifin_tui.services.loans.risk import classification
from mifin_tui.services.members import register as members
from mifin_tui.services.reports.table import COUNT, MONEY, Column, ReportTable

__all__ = ["ArrearsRow", "BucketView", "LoanArrears", "arrears_list", "arrears_table",
           "loan_arrears", "loan_state", "member_arrears"]


@dataclass(frozen=True)
class BucketView:
    key: str
    label: str
    amount: int        # unpaid principal + interest + fees + penalties of its instalments
    principal: int
    instalments: int


@dataclass(frozen=True)
class LoanArrears:
    loan_id: int
    number: str
    currency: str
    day: date
    state: str
    days_past_due: int
    oldest_due: date | None      # due date of the oldest unpaid instalment due
    overdue: engine.Components   # unpaid of the instalments due before `day`
    instalments_overdue: int
    outstanding_principal: int
    outstanding_total: int
    buckets: tuple[BucketView, ...]  # the buckets holding something, youngest first

    @property
    def in_arrears(self) -> bool:
        return self.days_past_due > 0


@dataclass(frozen=True)
class ArrearsRow:
    """One line of the officer's list."""

    loan_id: int
    loan_number: str
    member_id: int
    member_number: str
    member_name: str
    phones: tuple[str, ...]
    zone: str
    officer: str
    currency: str
    days_past_due: int
    overdue: int
    outstanding_principal: int
    outstanding_total: int
    restructured: bool
    guarantor_phones: tuple[str, ...]


def _installments(loan_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """The instalment rows of the loans as plain tuples, by loan, in due-date order:
    (id, loan, no, due_date, principal_due, interest_due, fees_due, penalties_due,
    principal_paid, interest_paid, fees_paid, penalties_paid)."""
    by_loan: dict[int, list[tuple]] = defaultdict(list)
    for r in loan_queries.installment_rows(list(loan_ids)):
        by_loan[r[1]].append(r)
    return by_loan


def _late_now(day: date):  # noqa: ANN202 - a peewee sub-query
    """The ids of the loans with an instalment due before `day` and something unpaid on
    it now (what the live list needs; a past day is rebuilt from every loan)."""
    i = LoanInstallment
    return (i.select(i.loan).distinct()
            .where((i.due_date < day)
                   & ((i.principal_paid < i.principal_due) | (i.interest_paid < i.interest_due)
                      | (i.fees_paid < i.fees_due) | (i.penalties_paid < i.penalties_due))))


def _rollback(loan_ids: list[int], as_of: date) -> tuple[dict[int, list[int]],
                                                         dict[int, int]]:
    """What was paid (per instalment id: principal, interest, fees, penalties) by
    repayments after `as_of` and still standing, and the penalties charged after it."""
    paid: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    charged: dict[int, int] = defaultdict(int)
    if not loan_ids:
        return paid, charged
    for a in (RepaymentAllocation.select(RepaymentAllocation, Repayment.id)
              .join(Repayment)
              .where(Repayment.loan.in_(loan_ids) & (Repayment.business_date > as_of)
                     & Repayment.reversal_txn.is_null())):
        p = paid[a.installment_id]
        p[0] += a.principal
        p[1] += a.interest
        p[2] += a.fees
        p[3] += a.penalties
    for pen in LoanPenalty.select().where(LoanPenalty.loan.in_(loan_ids)
                                          & (LoanPenalty.business_date > as_of)):
        charged[pen.installment_id] += pen.amount
    return paid, charged


def _state(loan: Loan, rows: list[tuple],
           paid_after: dict[int, list[int]] | None = None,
           charged_after: dict[int, int] | None = None) -> engine.LoanState:
    out = []
    for (row_id, _loan_id, no, due, p_due, i_due, f_due, n_due, p_paid, i_paid, f_paid,
         n_paid) in rows:
        back = paid_after.get(row_id, (0, 0, 0, 0)) if paid_after else (0, 0, 0, 0)
        later = charged_after.get(row_id, 0) if charged_after else 0
        out.append(engine.InstalmentState(
            no, due, p_due, i_due, f_due, n_due - later, p_paid - back[0],
            i_paid - back[1], f_paid - back[2], n_paid - back[3]))
    return engine.LoanState(loan.currency, loan.disbursed_on or date.min, tuple(out))


def loan_state(loan: Loan) -> engine.LoanState:
    """The engine's state of a loan from its live instalment rows, penalties included."""
    return _state(loan, _installments([loan.id]).get(loan.id, []))


def _buckets() -> tuple[regulators.ArrearsBucket, ...]:
    return regulators.get_profile(institution.info().regulator).arrears_buckets


def _view(loan: Loan, state: engine.LoanState, day: date,
          buckets: tuple[regulators.ArrearsBucket, ...]) -> LoanArrears:
    oldest = classification.oldest_owing(state, day, classification.penalties_age_loans())
    dpd = classification.days_late(day, oldest)
    aged = engine.arrears_by_bucket(state, day, buckets)
    views = tuple(BucketView(a.key, b.label, a.amount.total, a.amount.principal,
                             a.instalments)
                  for a, b in zip(aged, buckets, strict=True) if a.instalments)
    out = engine.outstanding(state)
    return LoanArrears(loan.id, loan.number, loan.currency, day, loan.state, dpd, oldest,
                       engine.overdue(state, day), sum(v.instalments for v in views),
                       out.principal, out.total, views)


@requires("loan.read")
def loan_arrears(ctx: Context, loan_id: int, day: date | None = None) -> LoanArrears:
    """Days past due and overdue amounts by bucket of one loan on `day` (default: the open
    business day)."""
    loan = Loan.get_or_none(Loan.id == loan_id)
    if loan is None or loan.branch_id != ctx.branch_id:
        raise NotFound(_("No such loan."))
    return _view(loan, loan_state(loan), day or business_today(ctx), _buckets())


@requires("loan.read")
def member_arrears(ctx: Context, member_id: int, day: date | None = None
                   ) -> tuple[LoanArrears, ...]:
    """The arrears of each outstanding loan of the member (those in arrears first)."""
    day = day or business_today(ctx)
    loans = list(Loan.select().where((Loan.member == member_id)
                                     & (Loan.branch == ctx.branch_id)
                                     & Loan.state.in_(states.SERVICED))
                 .order_by(Loan.id))
    rows = _installments(loan.id for loan in loans)
    buckets = _buckets()
    views = [_view(loan, _state(loan, rows.get(loan.id, [])), day, buckets)
             for loan in loans]
    return tuple(sorted(views, key=lambda v: -v.days_past_due))


def _phones(m: Member) -> tuple[str, ...]:
    return tuple(p for p in (m.phone.strip(), m.representative_phone.strip()) if p)


@requires("loan.read")
def arrears_list(ctx: Context, as_of: date | None = None, officer: int | None = None,
                 zone: str | None = None) -> tuple[ArrearsRow, ...]:
    """The branch's loans with an instalment unpaid past its due date on `as_of` (default:
    the open business day), most days first: member, phones, loan, days, overdue,
    outstanding and the guarantors' phones. `officer` is a user id: the member's officer,
    or who took the application when the member has none; `zone` the member's zone."""
    day = as_of or business_today(ctx)
    # Only the columns the list shows: a full Loan row is some fifty values.
    query = (Loan.select(Loan.id, Loan.number, Loan.currency, Loan.state, Loan.disbursed_on,
                         Loan.restructured, Loan.created_by, Loan.branch, Member.id,
                         Member.number, Member.kind, Member.surname, Member.postname,
                         Member.first_name, Member.legal_name, Member.phone,
                         Member.representative_phone, Member.zone, Member.officer)
             .join(Member)
             .where((Loan.branch == ctx.branch_id) & Loan.state.in_(states.SERVICED)
                    & Loan.disbursed_on.is_null(False)))
    past = as_of is not None and as_of < business_today(ctx)
    if not past:
        query = query.where(Loan.id.in_(_late_now(day)))
    if zone:
        query = query.where(Member.zone == zone.strip())
    loans = [loan for loan in query
             if officer is None or (loan.member.officer_id or loan.created_by_id) == officer]
    rows = _installments(loan.id for loan in loans)
    paid_after, charged_after = ({}, {})
    if past:
        paid_after, charged_after = _rollback([loan.id for loan in loans], day)
    late: list[tuple[Loan, engine.LoanState, int]] = []
    penalties = classification.penalties_age_loans()
    for loan in loans:
        state = _state(loan, rows.get(loan.id, []), paid_after, charged_after)
        dpd = classification.days_past_due(state, day, penalties)
        if dpd > 0:
            late.append((loan, state, dpd))
    ids = [loan.id for loan, _s, _d in late]
    guarantors: dict[int, list[str]] = defaultdict(list)
    if ids:
        for g in (LoanGuarantor.select(LoanGuarantor, Member).join(Member)
                  .where(LoanGuarantor.loan.in_(ids))):
            guarantors[g.loan_id].extend(
                f"{members.display_name(g.member)} {p}" for p in _phones(g.member))
    names: dict[int, str] = {}
    user_ids = {(loan.member.officer_id or loan.created_by_id) for loan, _s, _d in late}
    if user_ids:
        names = {u.id: u.full_name for u in User.select().where(User.id.in_(list(user_ids)))}
    out = []
    for loan, state, dpd in late:
        m = loan.member
        left = engine.outstanding(state)
        out.append(ArrearsRow(
            loan.id, loan.number, m.id, m.number, members.display_name(m), _phones(m),
            m.zone, names.get(m.officer_id or loan.created_by_id, ""), loan.currency, dpd,
            engine.overdue(state, day).total, left.principal, left.total,
            bool(loan.restructured), tuple(guarantors.get(loan.id, ()))))
    out.sort(key=lambda r: (-r.days_past_due, r.loan_number))
    return tuple(out)


@requires("loan.read")
def arrears_table(ctx: Context, as_of: date | None = None, officer: int | None = None,
                  zone: str | None = None, currency: str | None = None) -> ReportTable:
    """The list for the field visits as a report table (A4 landscape print, CSV): the
    loans of `currency` (default: the institution's) from `arrears_list`."""
    from zoneinfo import ZoneInfo

    from mifin_tui.i18n import current_language
    from mifin_tui.services.kernel import clock, settings

    day = as_of or business_today(ctx)
    info = institution.info(ctx.branch_id)
    cur = currency or info.currency
    rows = [r for r in arrears_list(ctx, day, officer, zone) if r.currency == cur]
    columns = (Column("days", _("Days"), COUNT), Column("member", _("Member")),
               Column("phones", _("Phones")), Column("loan", _("Loan")),
               Column("overdue", _("Overdue"), MONEY, cur),
               Column("outstanding", _("Outstanding"), MONEY, cur),
               Column("guarantors", _("Guarantors' phones")))
    body = [(r.days_past_due, f"{r.member_number} {r.member_name}"
             + (f" ({r.zone})" if r.zone else ""), " / ".join(r.phones),
             r.loan_number + (" *" if r.restructured else ""), r.overdue,
             r.outstanding_principal, "; ".join(r.guarantor_phones)) for r in rows]
    language = current_language()
    parts = [_("On {date}").format(date=format_date(day, language))]
    if officer is not None:
        user = User.get_or_none(User.id == officer)
        parts.append(_("officer {name}").format(name=user.full_name if user else officer))
    if zone:
        parts.append(_("zone {zone}").format(zone=zone))
    return ReportTable(
        name="arrears_field", title=_("Loans in arrears — field visits"),
        subtitle=" — ".join(parts + [cur]), columns=columns, rows=body,
        totals=(len(rows), _("Total"), "", "", sum(r.overdue for r in rows),
                sum(r.outstanding_principal for r in rows), ""),
        notes=(_("* rescheduled loan. Outstanding: principal still to repay."),),
        institution=info.name, branch=info.branch_name, printed_by=ctx.full_name,
        printed_at=clock.now().astimezone(ZoneInfo(settings.get("timezone"))),
        language=language, landscape=True)


@requires("loan.read")
def find_officer(ctx: Context, text: str) -> int | None:
    """The id of the user whose login is `text` (None for an empty text)."""
    name = text.strip().lower()
    if not name:
        return None
    user = User.get_or_none(User.username == name)
    if user is None:
        raise NotFound(_("No user {name}.").format(name=text.strip()))
    return user.id
