"""Pilot helpers: the real App on the test's database, at 80x24, keys only."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from datetime import UTC, datetime, timedelta

import pytest
from textual.pilot import Pilot

from mifin_tui.app import MifinApp
from mifin_tui.services.kernel import clock
from tests.conftest import clock_from

SIZE = (80, 24)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (Textual's Pilot is async); no plugin
    needed for so little."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True


class FakeClock:
    """The wall clock of the services (login delays), moved by hand."""

    def __init__(self) -> None:
        self.moment = clock.now()

    def now(self):
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def fake_clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(clock, "now", fake.now)
    return fake


# The day the demo of these tests is built on and worked in, whatever day they run.
DEMO_START = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _small_demo(today):
    from mifin_tui.db.models import User
    from mifin_tui.demo import build as demo

    result = demo.build(members=6, seed=7, today=today)
    User.update(language="en").execute()  # these tests read English screens
    return result


@pytest.fixture
def demo_db(db_path, worlds, _hash_parameters):
    """A small demo institution: (the first cashier as DemoUser, his context, a member).
    Built once per worker and copied for each test. Built on DEMO_START's day, and the
    test runs with the clock from that day too, unless the test set the clock itself
    (the snapshots): then on its moment."""
    from mifin_tui.services.kernel import auth
    from mifin_tui.services.members import register as members

    with contextlib.ExitStack() as stack:
        if not clock.is_simulated():
            stack.enter_context(clock_from(DEMO_START))
            start = DEMO_START
        else:
            start = clock.now()  # a fixed clock: the same moment for every test of its own
        key = ("demo", 6, 7, start, *_hash_parameters.items())
        result = worlds.open_copy(key, lambda: _small_demo(start.date()), db_path)
        cashier = next(u for u in result.users if u.username == "caissier1")
        ctx = auth.login(cashier.username, cashier.password)
        member = members.search(ctx, "", limit=1)[0]
        yield cashier, ctx, member, result


def open_tills(users: dict) -> None:
    """The demo's working day begins with the tills closed: each cashier opens his (C01,
    C02) with a count of what it holds and takes his morning float from the vault (800
    dollars, 900,000 Congolese francs), the gérant approving what is above the limit, as the
    demo's own days do (the opening screen has its pilot test in test_counter.py)."""
    from mifin_tui.db.models import Till
    from mifin_tui.services.cash import tills, transfers
    from mifin_tui.services.kernel import auth

    def login(username):
        return auth.login(users[username].username, users[username].password)

    gerant = login("gerant")
    for username, code in (("caissier1", "C01"), ("caissier2", "C02")):
        ctx = login(username)
        till = Till.get(Till.code == code)
        tills.open_session(ctx, till.id, {cur: tills.breakdown(bal, cur)
                                          for cur, bal in tills.till_balances(till).items()})
        vault = tills.till_balances(tills.vault_of(ctx.branch_id))
        for cur in till.currencies.split(","):
            amount = min({"USD": 80_000, "CDF": 90_000_000}.get(cur, 400_000),
                         vault.get(cur, 0) // 3)
            amount -= amount % 10_000  # round notes
            if amount > 0:
                asked = transfers.request(ctx, transfers.SUPPLY, cur, amount, "Morning float")
                if asked.status == "pending":
                    transfers.approve(gerant, asked.id, "Checked with the cashier")


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)


async def sign(pilot: Pilot, password: str) -> None:
    """A confirmation that moves money (#21): the actor types his password (the field has
    the cursor as the window opens) and presses Enter."""
    await pilot.pause()
    await type_text(pilot, password)
    await pilot.press("enter")
    await pilot.pause()


async def login(pilot: Pilot, username: str, password: str) -> None:
    """Type the credentials as a user would: name, Enter, password, Enter."""
    await type_text(pilot, username)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await pilot.pause()
    from mifin_tui.screens.reports.dashboard import DashboardScreen

    if isinstance(pilot.app.screen, DashboardScreen):
        # The gérant lands on his dashboard (test_dashboard.py); the tests start from
        # the menu behind it, as he would after Escape.
        await pilot.press("escape")
        await pilot.pause()


def menu_ids(app: MifinApp) -> list[str]:
    from textual.widgets import OptionList

    menu = app.screen.query_one("#menu", OptionList)
    return [menu.get_option_at_index(i).id for i in range(menu.option_count)
            if menu.get_option_at_index(i).id]


async def choose_entry(app: MifinApp, pilot: Pilot, entry_id: str) -> None:
    """Open a main-menu entry as a user would: arrows down (or up) to it, then Enter; an
    entry that is not on the main menu itself through "Other screens" first."""
    from textual.widgets import OptionList

    from mifin_tui.screens.session.main_menu import OTHERS

    menu = app.screen.query_one("#menu", OptionList)
    ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
    if entry_id not in ids and OTHERS in ids:
        await _arrow_to(pilot, menu, OTHERS)
        menu = app.screen.query_one("#menu", OptionList)
    await _arrow_to(pilot, menu, entry_id)


async def _arrow_to(pilot: Pilot, menu, option_id: str) -> None:
    target = menu.get_option_index(option_id)
    for _step in range(60):
        if menu.highlighted == target:
            break
        await pilot.press("down" if (menu.highlighted or 0) < target else "up")
    await pilot.press("enter")
    await pilot.pause()
