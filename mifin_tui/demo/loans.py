"""The demo's loan products and public holidays, per regulator profile.

A COOPEC in Kinshasa (BCC, USD) lends weekly to individuals (300-3,000 USD, the
procedures' figures), to solidarity groups, monthly to small businesses and by the
season to farmers; the SFD of Bamako (BCEAO) and the EMF of Douala (COBAC) have the
same four in francs CFA, priced under the BCEAO usury rate on the TEG (24 %).
Holidays: each country's fixed public holidays and those set by Easter for the demo
years; Islamic feasts follow the moon and are announced each year, so the
administrator adds them (the holidays screen).
"""

from __future__ import annotations

from datetime import date, timedelta

from mifin_tui.services.kernel import calendar
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict
from mifin_tui.services.kernel.money import get_currency
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans.products import ProductSpec

# code, name, kind, amounts (major units), terms, frequency, method, rates (%), fee %,
# savings %, penalty, extra settings
_USD = (
    ("HEBDO", "Crédit individuel hebdomadaire", "individual", (300, 3000), (12, 52), "weekly",
     "declining", (18, 30, 24), 2, 10, dict(round_to=100)),
    ("SOLID", "Crédit solidaire (groupe)", "group", (100, 1000), (16, 26), "weekly",
     "declining", (18, 30, 24), 1, 10, dict(round_to=100)),
    ("PME", "Crédit mensuel PME", "individual", (1000, 10000), (6, 24), "monthly",
     "declining", (15, 24, 20), 1, 10, dict(grace_principal=1)),
    ("AGRI", "Crédit agricole saisonnier", "individual", (200, 2000), (1, 3), "seasonal",
     "flat", (12, 20, 18), 1, 5, dict(days_in_year=365)),
)
# Francs CFA: the same four, priced for the usury rate on the TEG (BCEAO: 24 %).
_CFA = (
    ("HEBDO", "Crédit individuel hebdomadaire", "individual", (150_000, 1_500_000), (16, 52),
     "weekly", "declining", (12, 16, 15), 1, 10, dict(round_to=25)),
    ("SOLID", "Crédit solidaire (groupe)", "group", (50_000, 500_000), (16, 26), "weekly",
     "declining", (12, 16, 15), 1, 10, dict(round_to=25)),
    ("PME", "Crédit mensuel PME", "individual", (500_000, 5_000_000), (6, 24), "monthly",
     "declining", (12, 18, 15), 1, 10, dict(grace_principal=1, round_to=100)),
    ("AGRI", "Crédit agricole de campagne", "individual", (100_000, 1_000_000), (1, 3),
     "seasonal", "declining", (10, 16, 14), 0, 5, dict(days_in_year=365)),
)


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def holidays(regulator: str, year: int) -> list[tuple[date, str]]:
    """The demo country's public holidays of `year` (DR Congo, Mali, Cameroon)."""
    easter = _easter(year)
    fixed = {
        "bcc": [(1, 1, "Nouvel an"), (1, 4, "Martyrs de l'indépendance"),
                (1, 16, "Héros national Laurent-Désiré Kabila"),
                (1, 17, "Héros national Patrice Emery Lumumba"),
                (4, 6, "Combat de Simon Kimbangu"), (5, 1, "Fête du travail"),
                (5, 17, "Journée de la libération"), (6, 30, "Fête de l'indépendance"),
                (8, 1, "Fête des parents"), (12, 25, "Noël")],
        "bceao": [(1, 1, "Nouvel an"), (1, 20, "Fête de l'armée"),
                  (3, 26, "Journée des martyrs"), (5, 1, "Fête du travail"),
                  (5, 25, "Journée de l'Afrique"), (9, 22, "Fête de l'indépendance"),
                  (12, 25, "Noël")],
        "cobac": [(1, 1, "Nouvel an"), (2, 11, "Fête de la jeunesse"),
                  (5, 1, "Fête du travail"), (5, 20, "Fête nationale"),
                  (8, 15, "Assomption"), (12, 25, "Noël")],
    }[regulator]
    days = [(date(year, m, d), label) for m, d, label in fixed]
    if regulator == "bceao":
        days.append((easter + timedelta(days=1), "Lundi de Pâques"))
    if regulator == "cobac":
        days += [(easter - timedelta(days=2), "Vendredi saint"),
                 (easter + timedelta(days=39), "Ascension")]
    return sorted(days)


def build(admin: Context, regulator: str, currencies: tuple[str, ...], years: range) -> int:
    """Create the demo's products (one set per currency) and holidays; returns the number
    of products."""
    for year in years:
        for day, label in holidays(regulator, year):
            try:
                calendar.add_holiday(admin, day, label)
            except Conflict:
                pass  # two feasts on one day (Easter Monday on 1 May...)
    count = 0
    for currency in currencies:
        table = _USD if currency in ("USD", "CDF") else _CFA
        unit = 10 ** get_currency(currency).decimals
        # Congolese francs: about 2,800 CDF to the dollar, in round figures.
        scale = 2800 if currency == "CDF" else 1
        for (code, name, kind, (low, high), (t_low, t_high), frequency, method,
             (r_low, r_high, r_default), fee, savings, extra) in table:
            suffix = "" if currency in ("USD", "XOF", "XAF") else f"-{currency}"
            extra = dict(extra)
            # as most COOPECs do: a payment above what is due pays the next instalments
            extra.setdefault("excess_policy", "future_in_order")
            if "round_to" in extra and currency == "CDF":
                extra["round_to"] = 100 * unit  # instalments in whole hundreds of francs
            loan_products.create(admin, ProductSpec(
                code=f"{code}{suffix}", name=name if not suffix else f"{name} ({currency})",
                currency=currency, kind=kind, amount_min=low * unit * scale,
                amount_max=high * unit * scale, term_min=t_low, term_max=t_high,
                frequency=frequency, method=method, rate_min_bp=r_low * 100,
                rate_max_bp=r_high * 100, rate_default_bp=r_default * 100,
                fee_kind="percent", fee_value=fee * 100, savings_bp=savings * 100,
                penalty_kind="daily", penalty_value=10, penalty_grace_days=3,
                min_membership_months=6, min_deposits=6 if kind == "individual" else 0,
                deposits_window_months=6 if kind == "individual" else 0,
                max_debt_to_income_bp=3500, **extra))
            count += 1
    return count
