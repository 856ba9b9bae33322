"""The demo's loan products and holidays: each profile's set exists, is valid (the CFA
products under the BCEAO usury rate), and due dates of a demo loan avoid the holidays."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mifin_tui.demo import build as demo
from mifin_tui.demo import loans as demo_loans
from mifin_tui.services.kernel import calendar, regulators
from mifin_tui.services.kernel.auth import login
from mifin_tui.services.loans import products as loan_products


def test_easter_dates():
    assert demo_loans._easter(2026) == date(2026, 4, 5)
    assert demo_loans._easter(2027) == date(2027, 3, 28)


def test_bceao_demo_has_its_products_and_holidays(db_path):
    result = demo.build(members=4, seed=3, regulator="bceao")
    agent = next(u for u in result.users if u.username == "agent")
    ctx = login(agent.username, agent.password)
    products = loan_products.list_products(ctx)
    assert [p.code for p in products] == ["AGRI", "HEBDO", "PME", "SOLID"]
    profile = regulators.get_profile("bceao")
    for p in products:
        assert loan_products.validate(p, profile) == {}, p.code
    weekly = next(p for p in products if p.code == "HEBDO")
    assert (weekly.currency, weekly.amount_min, weekly.round_to) == ("XOF", 150_000, 25)
    days = {h.date for h in calendar.list_holidays()}
    year = result.business_date.year
    assert date(year, 9, 22) in days and date(year + 1, 1, 1) in days
    # A year of weekly instalments from the demo's business day: never on a holiday.
    terms = loan_products.terms_for(weekly, 300_000, 52, None, result.business_date)
    schedule = loan_products.simulate(ctx, terms)
    assert not {r.due_date for r in schedule.installments} & days
    assert all(r.due_date.weekday() < 5 for r in schedule.installments)
    assert schedule.teg < Decimal("0.24")
