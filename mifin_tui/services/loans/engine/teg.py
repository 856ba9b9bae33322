"""The TEG (taux effectif global): the yearly rate of the borrower's real cash flows.

The borrower receives the principal less every fee kept or paid at disbursement
(file fees, compulsory insurance), then pays each instalment (principal,
interest, fees). The periodic rate i that makes those flows worth zero is
annualised as the regulator profile says: "proportional" i x periods a year
(BCEAO's default, COBAC), "actuarial" (1 + i)^periods - 1. A seasonal plan has
no period: its flows are dated in days and i is a daily rate (365 a year).

Solved by Newton's method in Decimal (28 significant digits): no float, and
fast enough to run for every simulated schedule.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mifin_tui.services.loans.engine.schedule import Schedule

__all__ = ["PROPORTIONAL", "ACTUARIAL", "TEG_METHODS", "annualise", "periodic_irr", "teg_of"]

PROPORTIONAL, ACTUARIAL = "proportional", "actuarial"
TEG_METHODS = (PROPORTIONAL, ACTUARIAL)
_QUANTUM = Decimal("0.00000001")
_ONE = Decimal(1)
_EPSILON = Decimal("1e-20")


def periodic_irr(received: int, payments: list[int], times: list[int] | None = None) -> Decimal:
    """The rate i per unit of time with received = sum payments[k] / (1 + i)^times[k]
    (times 1, 2, 3 ... when None). Solved for v = 1 / (1 + i)."""
    with localcontext() as ctx:
        ctx.prec = 28
        f0 = Decimal(received)
        flows = [Decimal(p) for p in payments]
        if received <= 0 or not flows:
            raise ValueError("no cash flows to rate")
        if times is None:
            # A float Newton finds v to ~1e-15 cheaply; one step in Decimal then gives
            # ~1e-28 (the convergence is quadratic). The float never leaves here.
            v = Decimal(repr(_float_seed(received, payments)))
            for _i in range(1):
                # P(v) = v Q(v), Q = sum F_k v^(k-1): Q and Q' by Horner in one pass.
                q = dq = Decimal(0)
                for fk in reversed(flows):
                    dq = dq * v + q
                    q = q * v + fk
                step = (v * q - f0) / (q + v * dq)
                v -= step
                if abs(step) < _EPSILON:
                    break
        else:
            v = _ONE
            tt = [Decimal(t) for t in times]
            for _i in range(80):
                powers = [v ** t for t in times]
                value = sum((fk * pk for fk, pk in zip(flows, powers, strict=True)),
                            Decimal(0)) - f0
                deriv = sum((fk * t * pk / v for fk, t, pk in zip(flows, tt, powers,
                                                                   strict=True)), Decimal(0))
                step = value / deriv
                v -= step
                if abs(step) < _EPSILON:
                    break
        return _ONE / v - _ONE


def _float_seed(received: int, payments: list[int]) -> float:
    # Start from the rate of a level payment over the same total: close enough that
    # Newton needs a few steps only.
    n = len(payments)
    total = sum(payments)
    v = 1.0 / (1.0 + 2.0 * (total - received) / (received * (n + 1))) if total > received \
        else 1.0
    for _i in range(50):
        q = dq = 0.0
        for fk in reversed(payments):
            dq = dq * v + q
            q = q * v + fk
        step = (v * q - received) / (q + v * dq)
        v -= step
        if abs(step) < 1e-15:
            break
    return v if 0.0 < v <= 2.0 else 1.0


def annualise(i: Decimal, periods_per_year: int, method: str) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 28
        if method == ACTUARIAL:
            rate = (_ONE + i) ** periods_per_year - _ONE
        elif method == PROPORTIONAL:
            rate = i * periods_per_year
        else:
            raise ValueError(f"unknown TEG method {method!r}")
        return rate.quantize(_QUANTUM)


def teg_of(schedule: Schedule) -> Decimal:
    """The TEG of a schedule, by its terms' method."""
    from mifin_tui.services.loans.engine.schedule import PERIODS_PER_YEAR

    terms = schedule.terms
    received = terms.principal - terms.fee_deducted - terms.fee_upfront - terms.insurance
    payments = [row.total for row in schedule.installments]
    ppy = PERIODS_PER_YEAR.get(terms.frequency)
    if ppy is None or terms.due_dates:
        times = [(row.due_date - terms.start).days for row in schedule.installments]
        return annualise(periodic_irr(received, payments, times), 365, terms.teg_method)
    # Payments of the grace periods may be zero: they still count as periods.
    return annualise(periodic_irr(received, payments), ppy, terms.teg_method)
