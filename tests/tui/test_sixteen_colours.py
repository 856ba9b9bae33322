"""Every menu screen stays legible on a 16-colour terminal (TERM=linux, PuTTY's default):
each character of text drawn on screen, once its colours are brought down to the 16 of the
Linux console as the terminal would get them, still differs from its background.
With the high-contrast theme as well. (NO_COLOR: test_no_color.py.)"""

from __future__ import annotations

import pytest
from rich.color import ColorSystem

from mifin_tui import menu
from mifin_tui.app import MifinApp
from mifin_tui.db.models import User
from tests.tui.conftest import SIZE, login
from tests.tui.test_screens_fit import _users_by_entry


def _has_text(text: str) -> bool:
    """Letters, digits, signs; not the lines and blocks that draw rules, separators and
    bar tracks (U+2500-U+259F): those may fade into the background without harm."""
    return any(not c.isspace() and not 0x2500 <= ord(c) <= 0x259F for c in text)


def _sixteen(color) -> int | None:
    if color is None or color.is_default:
        return None
    return color.downgrade(ColorSystem.STANDARD).number


def illegible(app: MifinApp) -> list[str]:
    """The runs of text whose colour and background fall on the same of 16 colours."""
    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        for segment in strip:
            text, style = segment.text, segment.style
            if style is None or not _has_text(text):
                continue
            fg, bg = _sixteen(style.color), _sixteen(style.bgcolor)
            if style.reverse:
                fg, bg = bg, fg
            if fg is not None and fg == bg:
                found.append(f"line {y}: {text.strip()!r} ({style.color.name} on "
                             f"{style.bgcolor.name if style.bgcolor else None})")
    return found


def test_the_check_sees_text_drawn_in_its_background_colour():
    from rich.segment import Segment
    from rich.style import Style
    from textual.strip import Strip

    class Fake:
        class screen:  # noqa: N801
            class _compositor:  # noqa: N801
                @staticmethod
                def render_strips():
                    return [Strip([Segment("ok", Style(color="#E8E8E8", bgcolor="#101418")),
                                   Segment("hidden", Style(color="#1A2028",
                                                           bgcolor="#101418"))])]

    assert illegible(Fake) == ["line 0: 'hidden' (#1a2028 on #101418)"]
    assert not _has_text("━━▏") and _has_text("━ 5 %")


@pytest.mark.parametrize("high_contrast", [False, True])
async def test_every_menu_screen_is_legible_in_sixteen_colours(demo_db, high_contrast):
    *_rest, demo = demo_db
    User.update(language="en").execute()
    by_user: dict[str, list[str]] = {}
    users = {}
    for entry_id, user in _users_by_entry(demo).items():
        by_user.setdefault(user.username, []).append(entry_id)
        users[user.username] = user
    problems = []
    screens = 0
    for username, entry_ids in by_user.items():
        app = MifinApp(high_contrast=high_contrast)
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot, username, users[username].password)
            problems += [f"main menu ({username}): {p}" for p in illegible(app)]
            for entry_id in entry_ids:
                await app.open_entry(entry_id)
                await pilot.pause()
                screens += 1
                problems += [f"{entry_id} ({username}): {p}" for p in illegible(app)]
                await pilot.press("escape")
                await pilot.pause()
    assert screens == len([e for e in menu.ENTRIES if e.screen])
    assert not problems, "\n".join(problems)
