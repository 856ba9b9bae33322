"""Snapshots at 80x24 of the loan screens, in French and in English: the application
form, the gérant's loans to decide, the loan card, the repayment at the counter.

The demo branch is built on a fixed wall clock (every date and timestamp on screen is
then the same from one day to the next). Regenerate after a deliberate change of look:
pytest tests/tui/test_snapshots_loans.py --snapshot-update
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mifin_tui.db.models import Loan, User
from mifin_tui.services.kernel import clock
from tests.tui.conftest import SIZE, choose_entry, login, type_text
from tests.tui.test_counter import counter  # noqa: F401 - the fixture
from tests.tui.test_loan_life import approved_demo_loan
from tests.tui.test_repayment import _due_loan

LANGUAGES = ["fr", "en"]
MOMENT = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    # Before the demo is built (autouse fixtures come first): its history ends on MOMENT.
    monkeypatch.setattr(clock, "_source", lambda: MOMENT)


def _speaks(language: str) -> None:
    User.update(language=language).execute()


async def _open(pilot, counter, username: str, entry: str) -> None:  # noqa: F811
    user = counter["users"][username]
    await pilot.pause()
    await login(pilot, user.username, user.password)
    await choose_entry(pilot.app, pilot, entry)
    await pilot.pause()


@pytest.mark.parametrize("language", LANGUAGES)
def test_loan_application(counter, snap_compare, language):  # noqa: F811
    from mifin_tui.app import MifinApp
    from mifin_tui.screens.loans.application import LoanApplicationScreen

    _speaks(language)

    async def run_before(pilot):
        await _open(pilot, counter, "agent", "loan_application")
        assert isinstance(pilot.app.screen, LoanApplicationScreen), pilot.app.screen

    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_loans_to_decide(counter, snap_compare, language):  # noqa: F811
    from mifin_tui.app import MifinApp
    from mifin_tui.screens.loans.decisions import LoanDecisionsScreen

    approved_demo_loan(counter, "Taxi-moto", "Taxi-moto", "Moto vue", approve=False)
    _speaks(language)

    async def run_before(pilot):
        await _open(pilot, counter, "gerant", "loan_decisions")
        assert isinstance(pilot.app.screen, LoanDecisionsScreen), pilot.app.screen
        assert pilot.app.screen.rows

    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_loan_card(counter, snap_compare, language):  # noqa: F811
    from mifin_tui.app import MifinApp
    from mifin_tui.screens.loans.card import LoanCardScreen

    number = Loan.get_by_id(approved_demo_loan(counter, "Taxi-moto", "Taxi-moto",
                                               "Moto vue")).number
    _speaks(language)

    async def run_before(pilot):
        await _open(pilot, counter, "controleur", "loan_card")
        await type_text(pilot, number)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, LoanCardScreen), pilot.app.screen

    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_loan_repayment(counter, snap_compare, language):  # noqa: F811
    from mifin_tui.app import MifinApp
    from mifin_tui.screens.loans.repayment import RepaymentScreen

    loan, _first = _due_loan(counter)
    _speaks(language)

    async def run_before(pilot):
        await _open(pilot, counter, "caissier1", "loan_card")
        await type_text(pilot, loan.number)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(pilot.app.screen, RepaymentScreen), pilot.app.screen

    assert snap_compare(MifinApp(), terminal_size=SIZE, run_before=run_before)
