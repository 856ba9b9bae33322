"""Account lookup on the demo institution: a member's balance, an account by number,
a mistyped number refused, the statement paged."""

from __future__ import annotations

from textual.widgets import DataTable

from mifin_tui.app import MifinApp
from mifin_tui.screens.members.account_lookup import AccountLookupScreen
from mifin_tui.screens.savings.statement import StatementScreen
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import accounts
from mifin_tui.widgets import AccountNumberInput, PagedTable, StatusLine
from mifin_tui.widgets.formatting import fmt_amount
from tests.tui.conftest import SIZE, login, open_tills, type_text


async def open_lookup(pilot, cashier) -> None:
    await login(pilot, cashier.username, cashier.password)
    await pilot.press("f2")
    await pilot.pause()


async def test_the_status_line_shows_the_cashiers_till(demo_db):
    cashier, ctx, _member, demo = demo_db
    # the demo's working day begins with the tills closed: no till on the status line
    assert tills.my_session(ctx) is None
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, cashier.username, cashier.password)
        status = str(app.screen.query_one(StatusLine).render())
        assert "Till" not in status, status
    open_tills({u.username: u for u in demo.users})
    session = tills.my_session(ctx)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, cashier.username, cashier.password)
        status = str(app.screen.query_one(StatusLine).render())
        assert status.endswith(f"| Till {session.till_code}"), status


def cell(table: DataTable, row: int, column: int) -> str:
    return str(table.get_row_at(row)[column])


async def test_a_members_accounts_show_their_balances(demo_db):
    cashier, ctx, member, _demo = demo_db
    expected = accounts.member_accounts(ctx, member.id)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_lookup(pilot, cashier)
        assert isinstance(app.screen, AccountLookupScreen)
        await type_text(pilot, member.number)
        await pilot.press("enter")  # before the search pause: Enter searches at once
        await pilot.pause()
        table = app.screen.query_one("#accounts", DataTable)
        assert table.row_count == len(expected)
        assert cell(table, 0, 0) == expected[0].number
        assert cell(table, 0, 2) == fmt_amount(expected[0].balance, expected[0].currency)
        await pilot.press("enter")  # the statement of the first account
        await pilot.pause()
        assert isinstance(app.screen, StatementScreen)
        lines = app.screen.query_one(PagedTable)
        assert lines.row_count > 0
        assert cell(lines, 0, 4) == fmt_amount(expected[0].balance, expected[0].currency,
                                               symbol=False)


async def test_account_number_with_a_typo_is_refused_at_the_field(demo_db):
    cashier, ctx, member, _demo = demo_db
    number = accounts.member_accounts(ctx, member.id)[0].number
    typo = number[:-4] + str((int(number[-4]) + 1) % 10) + number[-3:]
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_lookup(pilot, cashier)
        await pilot.press("f4")
        await type_text(pilot, typo)
        await pilot.press("enter")
        await pilot.pause()
        field = app.screen.query_one(AccountNumberInput)
        assert "check digits" in field.error_message
        assert app.screen.query_one("#accounts", DataTable).row_count == 0
        field.value = number.replace("-", "")  # typed without dashes: fine
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one("#accounts", DataTable)
        assert table.row_count >= 1 and cell(table, table.cursor_row, 0) == number


async def test_statement_pages_on_demand(demo_db, monkeypatch):
    cashier, ctx, member, _demo = demo_db
    monkeypatch.setattr(PagedTable, "PAGE_SIZE", 2)
    account = accounts.member_accounts(ctx, member.id)[0]
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, cashier.username, cashier.password)
        await app.push_screen(StatementScreen(ctx, account))
        await pilot.pause()
        table = app.screen.query_one(PagedTable)
        assert table.pages_loaded == 1 and table.row_count == 2
        await pilot.press("down")  # the last row of the page: the next one comes
        await pilot.pause()
        assert table.pages_loaded == 2 and table.row_count == 4
