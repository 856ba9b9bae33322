"""Where a loan's money sits in the ledger (#20).

A loan's principal starts on its own account (the product's portfolio GL: sound loans).
The closing's reclassing (`closing.reclassify`) moves the whole outstanding to the
account of the loan's class (arrears, doubtful, restructured: the regulator profile's
`classification_accounts`) and back when it is cured; for that the loan gets one
sub-account per class account it visits, numbered "<loan account>/<GL code>", and one
for its reserved interest (GL key interest_reserved). The loan's principal accounts
always sum to its outstanding; the one holding it is where a repayment, a write-off or
a reversal credits the principal (`principal_account`).

Sub-accounts are found by their number, so no table links them: the unique index on
account numbers serves the lookup.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from mifin_tui.db.bulk import insert_rows
from mifin_tui.db.models import Account, GLAccount, Loan
from mifin_tui.db.queries import loan_ledger as queries
from mifin_tui.services.kernel import clock, institution, regulators

RESERVED_KEY = "interest_reserved"


@dataclass
class Position:
    """A loan's accounts: its own, and its sub-accounts by GL code, with balances."""

    loan_id: int
    main_id: int
    main_balance: int
    subs: dict[str, tuple[int, int]] = field(default_factory=dict)  # code -> (id, balance)
    reserved: tuple[int, int] | None = None  # (id, balance)

    @property
    def principal_accounts(self) -> list[tuple[int, int]]:
        """(account id, balance) of the accounts that hold principal, own one first."""
        return [(self.main_id, self.main_balance), *self.subs.values()]

    @property
    def principal_account(self) -> int:
        """The account holding the principal: the one with the largest balance (the
        reclassing moves the whole outstanding at once), the loan's own when none."""
        best = max(self.principal_accounts, key=lambda a: a[1])
        return best[0] if best[1] > 0 else self.main_id

    @property
    def outstanding(self) -> int:
        return sum(b for _i, b in self.principal_accounts)

    @property
    def reserved_balance(self) -> int:
        return self.reserved[1] if self.reserved else 0


def positions(loan_ids: Sequence[int]) -> dict[int, Position]:
    """The positions of these loans (two index lookups per loan, one statement)."""
    out: dict[int, Position] = {}
    subs: dict[int, list[tuple]] = defaultdict(list)
    for loan_id, acc, bal, code, key in queries.positions(sorted(set(loan_ids))):
        if code == "":
            out[loan_id] = Position(loan_id, acc, bal)
        else:
            subs[loan_id].append((acc, bal, code, key))
    for loan_id, items in subs.items():
        pos = out[loan_id]
        for acc, bal, code, key in items:
            if key == RESERVED_KEY:
                pos.reserved = (acc, bal)
            else:
                pos.subs[code] = (acc, bal)
    return out


def principal_accounts(loan_ids: Sequence[int]) -> dict[int, int]:
    """{loan id: the account a repayment credits the principal to}."""
    return {i: p.principal_account for i, p in positions(loan_ids).items()}


def principal_account(loan_id: int) -> int:
    """The account a repayment of `loan_id` credits the principal to."""
    return positions([loan_id])[loan_id].principal_account


def outstanding(loan_id: int) -> int:
    """The loan's principal in the ledger: its principal accounts summed."""
    return positions([loan_id])[loan_id].outstanding


def profile() -> regulators.RegulatorProfile:
    return regulators.get_profile(institution.info().regulator)


def gl_of_code(code: str) -> GLAccount:
    """The chart's account `code`, added from the profile to a chart set up before the
    profile named it (the reserved-interest accounts came with #20)."""
    gl = GLAccount.get_or_none(GLAccount.code == code)
    if gl is not None:
        return gl
    prof = profile()
    spec = prof.account(code)
    keys = {c: k for k, c in prof.gl_keys.items()}
    return GLAccount.create(code=spec.code, name=spec.name, kind=spec.kind,
                            normal_side=spec.normal_side, parent_code=spec.parent,
                            postable=spec.postable, key=keys.get(code))


def sub_accounts(loans: Sequence[Loan], code: str, day: date) -> dict[int, int]:
    """`sub_account` for many loans at once: {loan id: its sub-account on GL `code`},
    those missing opened with one multi-row insert."""
    if not loans:
        return {}
    mains = {a.id: a.number for a in Account.select(Account.id, Account.number).where(
        Account.id.in_([lo.account_id for lo in loans]))}
    numbers = {lo.id: f"{mains[lo.account_id]}/{code}" for lo in loans}
    found = {a.number: a.id for a in Account.select(Account.id, Account.number).where(
        Account.number.in_(list(numbers.values())))}
    missing = [lo for lo in loans if numbers[lo.id] not in found]
    if missing:
        gl = gl_of_code(code)
        now = clock.now()
        insert_rows(Account, [
            {"number": numbers[lo.id], "branch": lo.branch_id, "kind": "loan",
             "gl_account": gl.id, "member": lo.member_id, "currency": lo.currency,
             "name": f"{lo.number} — {gl.name}"[:250], "normal_side": gl.normal_side,
             "allow_negative": False, "opened_on": day, "created_at": now}
            for lo in missing])
        found.update({a.number: a.id for a in Account.select(Account.id, Account.number)
                      .where(Account.number.in_([numbers[lo.id] for lo in missing]))})
    return {lo.id: found[numbers[lo.id]] for lo in loans}


def class_code(prof: regulators.RegulatorProfile, bucket_key: str, restructured: bool
               ) -> str | None:
    """The GL code of the class account a loan of this bucket sits on, None for the
    loan's own account (performing, not restructured). A restructured loan sits on the
    profile's restructured account while its age keeps it performing or past due; once
    doubtful it goes with the doubtful loans. A class without an account of its own
    (BCEAO "à passer en perte") stays with the arrears (GL key loans_in_arrears)."""
    bucket = prof.bucket(bucket_key) if bucket_key else None
    category = bucket.category if bucket else "performing"
    if restructured and prof.restructured_class and category in ("performing", "past_due"):
        return prof.classification_accounts[prof.restructured_class]
    if bucket is None or category == "performing":
        return None
    return prof.classification_accounts.get(bucket.classification,
                                            prof.gl_keys["loans_in_arrears"])
