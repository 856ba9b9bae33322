"""The demo's regular savers: members who bring their savings to the counter every
Friday, market day, from the demo's first day. Their books meet the individual loan
products' deposit rule (six deposits in six months), so the demo has members eligible
for every product; the others, who came only now and then, do not, as in a real branch.

On a replayed day the tills are closed, so the second cashier opens his till with a
count, takes the deposits, returns the cash to the vault and closes with a count; on the
busy days his till is already open. Each saver's amounts are drawn from his own seeded
stream, so the rest of the demo is the same with or without them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from mifin_tui.db.models import Account, Member, Till
from mifin_tui.i18n import _
from mifin_tui.services.cash import tills, transfers
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.money import get_currency
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import deposits as savings_deposits

MARKET_DAY = 4  # Friday
CASHIER = "caissier2"
# A week's savings, in major units: a market trader's, a civil servant's...
_WEEKLY = {"USD": (10, 60), "CDF": (25_000, 150_000), "XOF": (5_000, 30_000),
           "XAF": (5_000, 30_000)}
_STEP = {"USD": 5, "CDF": 5_000, "XOF": 500, "XAF": 500}
_PURPOSES = ("Épargne du vendredi", "Épargne hebdomadaire", "Recette de la semaine",
             "Épargne pour le crédit")


@dataclass(frozen=True)
class Saver:
    member_id: int
    account_id: int
    name: str
    low: int
    high: int


def _minor(major: int, currency: str) -> int:
    return major * 10 ** get_currency(currency).decimals


def choose(seed: int, currency: str, count: int, joined_before: date,
           exclude: frozenset[int] | set[int] = frozenset()) -> list[Saver]:
    """`count` individual members who joined before `joined_before` (their membership
    meets the products' rule), drawn from the seed, with their free savings account."""
    rng = random.Random(seed * 131 + 17)
    rows = (Account.select(Account, Member).join(Member)
            .where((Account.kind == "savings") & (Account.currency == currency)
                   & (Account.status == "active") & (Member.kind == "person")
                   & (Member.status != "left") & (Member.joined_on <= joined_before))
            .order_by(Account.id))
    seen: set[int] = set(exclude)
    pool = []
    for acc in rows:
        if acc.member_id not in seen:
            seen.add(acc.member_id)
            pool.append(acc)
    chosen = sorted(rng.sample(pool, min(count, len(pool))), key=lambda a: a.id)
    low, high = _WEEKLY[currency]
    out = []
    for acc in chosen:
        a = rng.randint(low, high)
        out.append(Saver(acc.member_id, acc.id, members.display_name(acc.member),
                         a, max(a, rng.randint(low, high))))
    return out


class Savers:
    """The savers' Friday deposits; `day()` runs before the day's closing."""

    def __init__(self, staff: dict[str, Context], savers: list[Saver], currency: str,
                 till_id: int, seed: int) -> None:
        self.staff, self.savers, self.currency = staff, savers, currency
        self.till_id, self.seed = till_id, seed

    def day(self, day: date, *, till_open: bool) -> int:
        """The deposits of `day` if it is market day; returns how many were posted."""
        if day.weekday() != MARKET_DAY or not self.savers:
            return 0
        ctx = self.staff[CASHIER]
        if not till_open:
            self._count(open_it=True)
        posted = 0
        step = _minor(_STEP[self.currency], self.currency)
        for s in self.savers:
            r = random.Random(s.member_id * 7919 + day.toordinal() + self.seed)
            amount = _minor(r.randint(s.low, s.high), self.currency) // step * step
            try:
                savings_deposits.deposit(ctx, s.account_id, max(amount, step),
                                         party_name=s.name, purpose=r.choice(_PURPOSES))
                posted += 1
            except MifinError:
                pass
        if not till_open:
            till = Till.get_by_id(self.till_id)
            for cur, bal in tills.till_balances(till).items():
                if bal > 0:
                    t = transfers.request(ctx, transfers.RETURN, cur, bal,
                                          _("End of day return"))
                    if t.status == "pending":
                        transfers.approve(self.staff["gerant"], t.id,
                                          _("Checked with the cashier"))
            self._count(open_it=False)
        return posted

    def _count(self, *, open_it: bool) -> None:
        """Open or close the till with a count that matches its books."""
        till = Till.get_by_id(self.till_id)
        counts = {c: tills.breakdown(b, c) for c, b in tills.till_balances(till).items()}
        if open_it:
            tills.open_session(self.staff[CASHIER], self.till_id, counts)
        else:
            tills.close_session(self.staff[CASHIER], counts)
