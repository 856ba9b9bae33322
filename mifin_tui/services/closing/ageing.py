"""The nightly closing's arrears ageing (#10): days past due, active <-> in_arrears,
classification and provision under the regulator profile.

Provisions are booked as the difference from the previous closing, one OD per batch and
currency: an increase debits provision_expense and credits loan_loss_provisions, a
decrease debits loan_loss_provisions and credits provision_reversal_income.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from mifin_tui.db.bulk import insert_rows
from mifin_tui.db.models import Loan, LoanClassification
from mifin_tui.db.queries import closing as queries
from mifin_tui.i18n import _
from mifin_tui.services.closing.document import class_counts, state_moves
from mifin_tui.services.closing.steps import Batch, StepRun
from mifin_tui.services.kernel import accounts, audit, institution, ledger, regulators, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date, stored_date
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.kernel.regulators.profile import INDICATIVE
from mifin_tui.services.loans.engine import penalties
from mifin_tui.services.loans.states import SERVICED


def _profile() -> regulators.RegulatorProfile:
    profile = regulators.get_profile(institution.info().regulator)
    rates = settings.get("loan_provision_rates")
    return regulators.with_provision_rates(profile, rates) if rates else profile


def _pledged(numbers: Sequence[str]) -> dict[str, int]:
    """The savings held as collateral or guarantee of each loan (its holds)."""
    if not numbers:
        return {}
    held = queries.pledged([f"loan:{n}" for n in numbers])
    return {process[5:]: amount for process, amount in held.items()}


@requires("day.close")
def age_loans(ctx: Context, day: date, cursor: int, limit: int, *, month_end: bool
              ) -> tuple[int | None, int, dict[str, int], dict[str, Any]]:
    """Age the next `limit` serviced loans after `cursor`: days past due, active <->
    in_arrears, classification and provision under the regulator profile, the provision
    difference booked, loan_classification rows on change (every loan at month end).
    Inside the caller's write transaction. (last id, loans, provision change per
    currency, {"moves": [...], "classes": {class: n}})."""
    rows = queries.ageing_rows(ctx.branch_id, SERVICED, day, cursor, limit)
    if not rows:
        return None, 0, {}, {}
    profile = _profile()
    pledged = (_pledged([r[1] for r in rows])
               if profile.provisioning_base == "outstanding_less_pledged_deposits" else {})
    changes: dict[str, int] = defaultdict(int)
    history = []
    updates = []
    moves: list[tuple[int, str, str]] = []
    classes: dict[str, int] = defaultdict(int)
    for (loan_id, number, cur, state, old_class, old_prov, old_dpd, oldest,
         principal) in rows:
        dpd = (day - stored_date(oldest)).days if oldest else 0
        bucket = regulators.bucket_for_days(profile, dpd)
        _base, prov = penalties.provision(principal, pledged.get(number, 0),
                                          profile.provisioning_base, bucket.provision_rate_bp)
        prov = prov or 0
        classes[bucket.key] += 1
        if prov != old_prov:
            changes[cur] += prov - old_prov
        if (dpd, bucket.key, prov) != (old_dpd, old_class, old_prov):
            updates.append((dpd, bucket.key, prov, loan_id))
        if month_end or bucket.key != old_class or prov != old_prov:
            history.append({"loan": loan_id, "business_date": day, "days_past_due": dpd,
                            "classification": bucket.key, "outstanding": principal,
                            "provision": prov})
        late = dpd > 0
        if state in ("active", "disbursed") and late:
            moves.append((loan_id, number, "in_arrears"))
        elif state == "in_arrears" and not late:
            moves.append((loan_id, number, "active"))
    if updates:
        queries.set_ageing(updates)
    if history:
        insert_rows(LoanClassification, history, replace=True)
    if moves:
        _move_all(ctx, day, moves, {r[0]: r[3] for r in rows})
    for cur, delta in sorted(changes.items()):
        if delta:
            _book_provision(ctx, cur, delta, day)
    return rows[-1][0], len(rows), dict(changes), {
        "moves": [f"{n}: {to}" for _i, n, to in moves], "classes": dict(classes)}


def _move_all(ctx: Context, day: date, moves: Sequence[tuple[int, str, str]],
              states: Mapping[int, str]) -> None:
    """active <-> in_arrears for a batch of loans: the state and one loan_event per move
    (a loan disbursed, never repaid and late goes through active), in bulk; the step
    audits the batch's moves in one row."""
    from mifin_tui.db.models import LoanEvent
    from mifin_tui.services.kernel import clock

    now = clock.now()
    note = _("Nightly closing: arrears ageing")
    events = []
    for to in ("active", "in_arrears"):
        ids = [loan_id for loan_id, _n, target in moves if target == to]
        if ids:
            Loan.update(state=to).where(Loan.id.in_(ids)).execute()
    for loan_id, _n, to in moves:
        frm = states[loan_id]
        if frm == "disbursed":
            events.append({"loan": loan_id, "from_state": frm, "to_state": "active",
                           "user": ctx.user_id, "at": now, "business_date": day,
                           "note": note})
            frm = "active"
        events.append({"loan": loan_id, "from_state": frm, "to_state": to,
                       "user": ctx.user_id, "at": now, "business_date": day, "note": note})
    insert_rows(LoanEvent, events)


def _book_provision(ctx: Context, cur: str, delta: int, day: date) -> None:
    provisions = accounts.internal_account(ctx.branch_id, "loan_loss_provisions", cur).id
    label = _("Loan-loss provisions at {day}").format(day=format_date(day))
    if delta > 0:
        expense = accounts.internal_account(ctx.branch_id, "provision_expense", cur).id
        lines = [ledger.Line(expense, debit=delta), ledger.Line(provisions, credit=delta)]
    else:
        income = accounts.internal_account(ctx.branch_id, "provision_reversal_income", cur).id
        lines = [ledger.Line(provisions, debit=-delta), ledger.Line(income, credit=-delta)]
    ledger.post(ctx, kind="loan_provision", label=label, lines=lines, voucher_series="OD")


def ageing_step(r: StepRun) -> None:

    # Every serviced loan is aged: fetch returns the batch's result, process records it.
    def fetch(cursor: int, limit: int) -> list[tuple[Any, ...]]:
        last, n, changes, info = age_loans(r.ctx, r.day, cursor, limit,
                                           month_end=r.month_end)
        return [] if last is None else [(last, n, changes, info)]

    def process(done: Sequence[tuple[Any, ...]]) -> Batch:
        last, n, changes, info = done[0]
        moves = (list(r.detail.get("moves", [])) + info["moves"])[:30]
        classes = dict(r.detail.get("classes", {}))
        for key, count in info["classes"].items():
            classes[key] = classes.get(key, 0) + count
        moved = r.detail.get("moved", 0) + len(info["moves"])
        if info["moves"]:
            audit.record(r.ctx, "closing.loan_ageing", "business_day", r.day.isoformat(),
                         after={"moves": info["moves"]}, business_date=r.day)
        return Batch(cursor=last, items=n, amounts=changes,
                     detail={"moves": moves, "moved": moved, "classes": classes})

    r.batches(fetch, process)


def describe_ageing(_: Callable[[str], str], language: str, detail: Mapping[str, Any],
                    items: int, amounts: Mapping[str, int]) -> list[str]:
    out = [_("{n} loans aged and classified.").format(n=items)]
    classes = detail.get("classes", {})
    if classes:
        labels = {b.key: b.label.removesuffix(INDICATIVE)
                  for b in _profile().arrears_buckets}
        out.append(class_counts(classes, labels))
    if detail.get("moved"):
        out.append(_("{n} loans changed state: {loans}").format(
            n=detail["moved"], loans=state_moves(_, detail.get("moves", []))))
    for cur, delta in sorted(amounts.items()):
        if delta:
            out.append((_("Provisions increased by {amount}") if delta > 0 else
                        _("Provisions reversed by {amount}")).format(
                amount=format_amount(abs(delta), cur, language)))
    return out
