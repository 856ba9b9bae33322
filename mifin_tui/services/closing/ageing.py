"""The nightly closing's arrears ageing (#10, #20): days past due, active <-> in_arrears,
classification and provision under the regulator profile.

The days, the class and the provision come from loans.classification, the one reading
the arrears list, PAR, the classification report and the dashboard share (penalties age
a loan or not as the institution's reading says; the base deducts the savings held for
the loan). Each loan's provision change is counted against its old class (its old
provision released) and its new class (the new provision); the step books the sums at
its end, one OD per class and currency whose provision changed: an increase debits
provision_expense and credits loan_loss_provisions, a decrease the reverse through
provision_reversal_income. Each OD's kind is `provision_kind(class)`, so the ledger
gives the provisions per class that the classification report shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from mifin_tui.db.bulk import insert_rows
from mifin_tui.db.models import Loan, LoanClassification
from mifin_tui.db.queries import closing as queries
from mifin_tui.i18n import Translator, _
from mifin_tui.services.closing.document import class_counts, state_moves
from mifin_tui.services.closing.steps import Batch, ClosingFailed, StepRun
from mifin_tui.services.kernel import accounts, audit, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date, stored_date
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.kernel.regulators.profile import INDICATIVE
from mifin_tui.services.loans.risk import classification
from mifin_tui.services.loans.states import SERVICED

PROVISION_KIND = "loan_provision"


def provision_kind(class_key: str) -> str:
    """The journal kind of a class's provision OD (how the ledger is read per class)."""
    return f"{PROVISION_KIND}:{class_key}"


def _key(cur: str, class_key: str) -> str:
    return f"{cur} {class_key}"


@requires("day.close")
def age_loans(ctx: Context, day: date, cursor: int, limit: int, *, month_end: bool,
              book: bool = True) -> tuple[int | None, int, dict[str, int], dict[str, Any]]:
    """Age the next `limit` serviced loans after `cursor`: days past due, active <->
    in_arrears, class and provision (loans.classification), loan_classification rows on
    change (every loan at month end). Inside the caller's write transaction. Returns
    (last id, loans, provision change per currency, {"moves": [...], "classes": {class:
    n}, "provisions": {"CUR class": change}}); with `book` the changes are posted now,
    one OD per class and currency (the step books them once, at its end)."""
    p = classification.profile()
    penalties = classification.penalties_age_loans(p)
    rows = queries.ageing_rows(ctx.branch_id, SERVICED, day, cursor, limit,
                               penalties=penalties)
    if not rows:
        return None, 0, {}, {}
    held = (classification.pledged([r[1] for r in rows])
            if p.provisioning_base == "outstanding_less_pledged_deposits" else {})
    changes: dict[str, int] = defaultdict(int)
    by_class: dict[str, int] = defaultdict(int)
    history = []
    updates = []
    moves: list[tuple[int, str, str]] = []
    classes: dict[str, int] = defaultdict(int)
    for (loan_id, number, cur, state, old_class, old_prov, old_dpd, oldest,
         principal) in rows:
        dpd = classification.days_late(day, stored_date(oldest))
        result = classification.provision(p, principal, held.get(number, 0), dpd)
        if result.amount is None:
            raise ClosingFailed(_(
                "No provision rate for the class \"{label}\" (loan {number}): fill the "
                "setting loan_provision_rates (Administration > Provision rates).").format(
                label=result.bucket.label, number=number))
        prov, key = result.amount, result.bucket.key
        classes[key] += 1
        if prov != old_prov:
            changes[cur] += prov - old_prov
        if prov != old_prov or key != old_class:
            if old_prov:
                by_class[_key(cur, old_class or key)] -= old_prov
            if prov:
                by_class[_key(cur, key)] += prov
        if (dpd, key, prov) != (old_dpd, old_class, old_prov):
            updates.append((dpd, key, prov, loan_id))
        if month_end or key != old_class or prov != old_prov:
            history.append({"loan": loan_id, "business_date": day, "days_past_due": dpd,
                            "classification": key, "outstanding": principal,
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
    provisions = {k: v for k, v in by_class.items() if v}
    if book:
        book_provisions(ctx, day, provisions)
    return rows[-1][0], len(rows), dict(changes), {
        "moves": [f"{n}: {to}" for _i, n, to in moves], "classes": dict(classes),
        "provisions": provisions}


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


@requires("day.close")
def book_provisions(ctx: Context, day: date, changes: Mapping[str, int]) -> None:
    """Post the provision changes {"CUR class": amount}: one OD per class and currency,
    the increases before the decreases (the provisions account never dips below zero)."""
    p = classification.profile()
    labels = {b.key: b.label for b in p.arrears_buckets}
    for key, delta in sorted(changes.items(), key=lambda kv: (kv[1] < 0, kv[0])):
        if not delta:
            continue
        cur, class_key = key.split(" ", 1)
        provisions = accounts.internal_account(ctx.branch_id, "loan_loss_provisions", cur).id
        label = _("Loan-loss provisions, {cls}, at {day}").format(
            cls=labels.get(class_key, class_key), day=format_date(day))
        if delta > 0:
            expense = accounts.internal_account(ctx.branch_id, "provision_expense", cur).id
            lines = [ledger.Line(expense, debit=delta), ledger.Line(provisions, credit=delta)]
        else:
            income = accounts.internal_account(ctx.branch_id, "provision_reversal_income",
                                               cur).id
            lines = [ledger.Line(provisions, debit=-delta), ledger.Line(income, credit=-delta)]
        ledger.post(ctx, kind=provision_kind(class_key), label=label, lines=lines,
                    voucher_series="OD")


def ageing_step(r: StepRun) -> None:

    # Every serviced loan is aged: fetch returns the batch's result, process records it
    # (the provision changes per class add up in the step's detail) ...
    def fetch(cursor: int, limit: int) -> list[tuple[Any, ...]]:
        last, n, changes, info = age_loans(r.ctx, r.day, cursor, limit,
                                           month_end=r.month_end, book=False)
        return [] if last is None else [(last, n, changes, info)]

    def process(done: Sequence[tuple[Any, ...]]) -> Batch:
        last, n, changes, info = done[0]
        moves = (list(r.detail.get("moves", [])) + info["moves"])[:30]
        classes = dict(r.detail.get("classes", {}))
        for key, count in info["classes"].items():
            classes[key] = classes.get(key, 0) + count
        provisions = dict(r.detail.get("provisions", {}))
        for key, delta in info["provisions"].items():
            provisions[key] = provisions.get(key, 0) + delta
        moved = r.detail.get("moved", 0) + len(info["moves"])
        if info["moves"]:
            audit.record(r.ctx, "closing.loan_ageing", "business_day", r.day.isoformat(),
                         after={"moves": info["moves"]}, business_date=r.day)
        return Batch(cursor=last, items=n, amounts=changes,
                     detail={"moves": moves, "moved": moved, "classes": classes,
                             "provisions": provisions})

    r.batches(fetch, process)

    # ... and are booked once every loan is aged, with the step's end (a closing
    # resumed after a crash finds the sums in the detail and books them here).
    def book() -> Batch:
        book_provisions(r.ctx, r.day, r.detail.get("provisions", {}))
        return Batch()

    r.once(book)


def describe_ageing(_: Translator, language: str, detail: Mapping[str, Any],
                    items: int, amounts: Mapping[str, int]) -> list[str]:
    out = [_.ngettext(
        "{n} loan aged and classified.",
        "{n} loans aged and classified.", items).format(n=items)]
    classes = detail.get("classes", {})
    if classes:
        labels = {b.key: b.label.removesuffix(INDICATIVE)
                  for b in classification.profile().arrears_buckets}
        out.append(class_counts(classes, labels))
    if detail.get("moved"):
        out.append(_.ngettext(
            "{n} loan changed state: {loans}",
            "{n} loans changed state: {loans}", detail["moved"]).format(
            n=detail["moved"], loans=state_moves(_, detail.get("moves", []))))
    for cur, delta in sorted(amounts.items()):
        if delta:
            out.append((_("Provisions increased by {amount}") if delta > 0 else
                        _("Provisions reversed by {amount}")).format(
                amount=format_amount(abs(delta), cur, language)))
    by_class = [(key.split(" ", 1), delta) for key, delta
                in sorted(detail.get("provisions", {}).items()) if delta]
    if by_class:
        names = {b.key: b.label.removesuffix(INDICATIVE)
                 for b in classification.profile().arrears_buckets}
        out.append(_("Provisions by class (one OD each): {classes}").format(classes=", ".join(
            f"{names.get(cls, cls)} {'+' if delta > 0 else '-'}"
            f"{format_amount(abs(delta), cur, language)}"
            for (cur, cls), delta in by_class)))
    return out
