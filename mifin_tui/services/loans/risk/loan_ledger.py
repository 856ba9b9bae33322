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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from mifin_tui.db.bulk import insert_rows, next_id
from mifin_tui.db.models import Account, GLAccount
from mifin_tui.db.queries import loan_ledger as queries
from mifin_tui.services.kernel import clock, institution, regulators

RESERVED_KEY = "interest_reserved"


@dataclass
class Position:
    """A loan's accounts: its own, and its sub-accounts by GL code, with balances."""

    loan_id: int
    main_id: int
    main_balance: int
    main_number: str
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
            out[loan_id] = Position(loan_id, acc, bal, key)
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


class LoanRef(NamedTuple):
    """What opening a loan's sub-account needs of the loan."""

    id: int
    number: str
    branch_id: int
    member_id: int
    currency: str
    account_id: int


def loan_refs(loan_ids: Sequence[int]) -> dict[int, LoanRef]:
    """{loan id: LoanRef} (plain rows: a closing batch reads thousands)."""
    return {r[0]: LoanRef(*r) for r in queries.loan_refs(sorted(set(loan_ids)))}


def sub_accounts(loans: Sequence[LoanRef], code: str, day: date,
                 known: Mapping[int, Position] | None = None) -> dict[int, int]:
    """{loan id: its sub-account on GL `code`} ("<loan account>/<code>"), those missing
    opened with one multi-row insert numbered ahead; inside the caller's write
    transaction. `known`: the loans' positions when the caller has them."""
    if not loans:
        return {}
    pos = known if known is not None else positions([lo.id for lo in loans])
    out: dict[int, int] = {}
    missing = []
    reserve = code == profile().gl_keys[RESERVED_KEY]
    for lo in loans:
        p = pos[lo.id]
        held = p.reserved if reserve else p.subs.get(code)
        if held is not None:
            out[lo.id] = held[0]
        else:
            missing.append(lo)
    if missing:
        gl = gl_of_code(code)
        now = clock.now()
        first = next_id("account")
        insert_rows(Account, [
            {"id": first + k, "number": f"{pos[lo.id].main_number}/{code}",
             "branch": lo.branch_id, "kind": "loan", "gl_account": gl.id,
             "member": lo.member_id, "currency": lo.currency,
             "name": f"{lo.number} — {gl.name}"[:250], "normal_side": gl.normal_side,
             "allow_negative": False, "opened_on": day, "created_at": now}
            for k, lo in enumerate(missing)])
        out.update({lo.id: first + k for k, lo in enumerate(missing)})
    return out


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
