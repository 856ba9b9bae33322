"""The member list screen: pages load as the cursor goes down, a search, Enter opens the
member's card."""

from __future__ import annotations

from datetime import date

from mifin_tui.app import MifinApp
from mifin_tui.db import write_transaction
from mifin_tui.db.bulk import insert_rows
from mifin_tui.db.models import Member
from mifin_tui.screens.members.card import MemberCardScreen
from mifin_tui.screens.members.listing import MemberListScreen
from mifin_tui.services.members import listing as member_list
from mifin_tui.services.members import register as members
from mifin_tui.widgets import PagedTable
from tests.tui.conftest import SIZE, choose_entry, login, type_text


def add_members(branch_id: int, user_id: int, count: int) -> None:
    rows = [members.row_values(
        f"KIN-9{n:05d}", branch_id,
        {"kind": "person", "surname": f"Zola{n:04d}", "postname": "", "first_name": "Ada",
         "sex": "F", "phone": f"09{n:08d}", "id_number": f"Z{n:06d}", "city": "Kinshasa"},
        date(2024, 1, 1), user_id, "2026-11-23 08:00:00") for n in range(1, count + 1)]
    with write_transaction():
        insert_rows(Member, rows)


async def test_the_list_pages_searches_and_opens_the_card(demo_db):
    cashier, ctx, _member, _demo = demo_db
    add_members(ctx.branch_id, ctx.user_id, 230)
    total = Member.select().count()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, cashier.username, cashier.password)
        await choose_entry(app, pilot, "member_list")
        await pilot.pause()
        assert isinstance(app.screen, MemberListScreen)
        table = app.screen.query_one(PagedTable)
        assert len(table.records) == member_list.PAGE_SIZE  # one page read, not the register
        expected = sorted((m.name_key, m.id) for m in Member.select())
        assert [r.key for r in table.records] == expected[:member_list.PAGE_SIZE]
        await pilot.press("ctrl+end")  # the last row shown: the next page comes
        await pilot.pause()
        assert len(table.records) == 2 * member_list.PAGE_SIZE
        for _step in range(10):
            await pilot.press("ctrl+end")
            await pilot.pause()
        assert [r.key for r in table.records] == expected  # every member, once, in order
        assert table.exhausted and len(table.records) == total
        assert f"Member {total} of {total}." in str(
            app.screen.query_one("#members-summary").render())

        await pilot.press("ctrl+f")
        await type_text(pilot, "0900000123")
        await pilot.press("enter")
        await pilot.pause()
        assert [r.member.number for r in table.records] == ["KIN-900123"]
        await pilot.press("enter")  # on the row: the card
        await pilot.pause()
        assert isinstance(app.screen, MemberCardScreen)
        assert app.screen.member_id == Member.get(Member.number == "KIN-900123").id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MemberListScreen)
