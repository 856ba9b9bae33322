"""Every screen of the menu, opened by a user who may open it, fits an 80x24 terminal
and stays legible on a 16-colour terminal.

Driven by the menu registry: a screen added to the menu is checked here without a
line more. "Fits": every widget shown lies inside the screen, or inside a container
that scrolls to it; no field, button or table is squashed to nothing; the footer
names the screen's keys on one line. "Legible": test_sixteen_colours.illegible. One
sweep over the whole menu checks both, in French (the longer language) with the default
theme; in English with the high-contrast theme, each user's menu and first screens.
"""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, OptionList, Select
from textual.widgets._footer import FooterKey

from mifin_tui import menu
from mifin_tui.app import MifinApp
from mifin_tui.db.models import User
from tests.tui.conftest import SIZE, login
from tests.tui.test_counter import counter  # noqa: F401 - the fixture
from tests.tui.test_sixteen_colours import illegible

# What must never be squashed to zero cells where it is displayed.
_MUST_SHOW = (Input, Select, DataTable, OptionList)


def _scrolls_to(widget: Widget, axis: str) -> bool:
    """Whether an ancestor of `widget` scrolls on `axis` ("x" or "y"), so that what lies
    beyond the screen's edge that way can be reached."""
    return any(getattr(a.styles, f"overflow_{axis}") in ("auto", "scroll")
               for a in widget.ancestors if isinstance(a, Widget))


def _misfits(app: MifinApp) -> list[str]:
    screen = app.screen
    area = screen.region
    problems = []
    for widget in screen.query("*"):
        if not widget.display or not widget.visible:
            continue
        region = widget.region
        if isinstance(widget, _MUST_SHOW) and widget.is_on_screen and (
                region.width == 0 or region.height == 0):
            problems.append(f"{widget!r} is squashed to {region.size}")
        if region.right > area.right and not _scrolls_to(widget, "x"):
            problems.append(f"{widget!r} at {region} is cut at the right edge")
        if region.bottom > area.bottom and not _scrolls_to(widget, "y"):
            problems.append(f"{widget!r} at {region} is cut at the bottom")
    for footer in screen.query(Footer):
        if footer.region.height > 1:
            problems.append(f"the footer takes {footer.region.height} lines")
        # Nobody scrolls a footer: a key drawn past its right edge, or under the command
        # palette's key docked at the right, is a key not shown.
        keys = [k for k in footer.query(FooterKey) if k.display]
        palette = [k for k in keys if k.has_class("-command-palette")]
        edge = min([footer.region.right] + [k.region.x for k in palette])
        for key in keys:
            if key not in palette and key.region.right > edge:
                problems.append(f"the footer cuts {key.key_display or key!r}"
                                f" ({key.description})")
    return problems


def _users_by_entry(demo) -> dict[str, object]:
    """For each menu entry that opens a screen, the first demo user who may open it."""
    from mifin_tui.services.kernel import auth

    chosen: dict[str, object] = {}
    for user in demo.users:
        ctx = auth.login(user.username, user.password)
        for entry in menu.entries_for(ctx):
            if entry.screen and entry.id not in chosen:
                chosen[entry.id] = user
    return chosen


@pytest.mark.parametrize(("language", "high_contrast"), [("fr", False), ("en", True)])
async def test_every_menu_screen_fits_80x24_and_is_legible_in_16_colours(
        demo_db, language, high_contrast):
    *_rest, demo = demo_db
    User.update(language=language).execute()
    by_user: dict[str, list[str]] = {}
    users = {}
    for entry_id, user in _users_by_entry(demo).items():
        by_user.setdefault(user.username, []).append(entry_id)
        users[user.username] = user
    assert len([e for e in menu.ENTRIES if e.screen]) == sum(map(len, by_user.values())), \
        "a menu screen no demo user may open"
    problems = []
    for username, entry_ids in by_user.items():
        if high_contrast:
            # The whole sweep runs in French with the default theme; in English with the
            # high-contrast one, each user's menu and his first three screens (the theme
            # changes colours, not layout: a full second sweep cost CI 40 s).
            entry_ids = entry_ids[:3]
        app = MifinApp(high_contrast=high_contrast)
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot, username, users[username].password)
            problems += [f"main menu ({username}): {p}" for p in illegible(app)]
            for entry_id in entry_ids:
                await app.open_entry(entry_id)
                await pilot.pause()
                problems += [f"{entry_id} ({username}, {language}): {p}"
                             for p in _misfits(app) + illegible(app)]
                await pilot.press("escape")
                await pilot.pause()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_member_card_of_a_member_fits_with_the_managers_keys(demo_db, language):
    """The card shows its most keys for a gérant with a member loaded."""
    *_rest, demo = demo_db
    User.update(language=language).execute()
    manager = next(u for u in demo.users if u.username == "gerant")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, manager.username, manager.password)
        await app.open_entry("member_card")
        await pilot.pause()
        from mifin_tui.db.models import Member

        app.screen.load(Member.select().first().id)
        await pilot.pause()
        assert app.screen.card is not None
        assert not _misfits(app)


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_loan_screens_fit_with_a_loan_loaded(counter, language):  # noqa: F811
    """The loan application and the gérant's decisions show their most keys with a loan
    loaded: every key of their footers is drawn whole at 80 columns."""
    from tests.tui.test_loan_life import approved_demo_loan, users_of

    loan_id = approved_demo_loan(counter, "Taxi-moto", "Taxi-moto", "Moto vue",
                                 approve=False)
    User.update(language=language).execute()
    problems = []
    for username, entry in (("agent", "loan_application"), ("gerant", "loan_decisions")):
        app = MifinApp()
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot, *users_of(counter, username))
            await app.open_entry(entry)
            await pilot.pause()
            if entry == "loan_application":
                app.screen.loan_id = loan_id
                app.screen.show_loan()
            else:
                assert app.screen.rows
                # the State column holds the longest state of the language whole
                from mifin_tui.services.loans.states import STATES, state_label

                column = app.screen.query_one("#loans", DataTable).ordered_columns[-1]
                longest = max(STATES, key=lambda st: len(state_label(st)))
                if column.get_render_width(app.screen.query_one("#loans", DataTable)) \
                        < len(state_label(longest)) + 2:
                    problems.append(f"the State column cuts {state_label(longest)!r}")
            await pilot.pause()
            problems += [f"{entry} ({language}): {p}" for p in _misfits(app)]
    assert not problems, "\n".join(problems)
