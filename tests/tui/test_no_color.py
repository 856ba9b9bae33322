"""NO_COLOR (https://no-color.org): Textual then draws in greys only. The login screen,
the main menu and the deposit screen must stay usable at 80x24 without colour: the
focused field, the menu's highlighted entry and an error are told apart by an attribute
(reverse, bold, underline) or a sign ("!"), not by colour alone, and no text is drawn in
the grey of its own background.

The screen is read as the terminal gets it: the compositor's lines through the App's
own line filters (Textual adds Monochrome for NO_COLOR), then with every colour dropped
to see what is left to tell one cell from another."""

from __future__ import annotations

from rich.style import Style
from textual.filter import Monochrome, NoColor
from textual.widget import Widget
from textual.widgets import Input

from mifin_tui.app import MifinApp
from mifin_tui.screens.savings.deposit import DepositScreen
from mifin_tui.screens.session.login import LoginScreen
from mifin_tui.screens.session.main_menu import MainMenuScreen
from mifin_tui.widgets import FieldError
from tests.tui.conftest import SIZE, type_text
from tests.tui.test_counter import counter, sign_in  # noqa: F401

ATTRIBUTES = ("bold", "reverse", "underline", "italic", "strike", "overline")

Cell = tuple[str, frozenset[str]]


def screen_cells(app: MifinApp) -> list[list[Cell]]:
    """Each cell of the screen as the terminal draws it without colour: its character
    and its attributes. Fails if a text cell is drawn in its background's grey."""
    filters = app.get_line_filters()
    assert any(isinstance(f, (Monochrome, NoColor)) for f in filters), filters
    background = app.screen.styles.background
    rows: list[list[Cell]] = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        segments = list(strip)
        for line_filter in filters:
            segments = line_filter.apply(segments, background)
        row: list[Cell] = []
        for segment in segments:
            style = segment.style or Style()
            fg, bg = style.color, style.bgcolor
            if style.reverse:
                fg, bg = bg, fg
            if (segment.text.strip() and fg is not None and bg is not None
                    and not fg.is_default and not bg.is_default):
                assert fg.get_truecolor() != bg.get_truecolor(), (
                    f"line {y}: {segment.text.strip()!r} drawn in its background's grey")
            marks = frozenset(a for a in ATTRIBUTES if getattr(style, a))
            row += [(ch, marks) for ch in segment.text]
        rows.append(row)
    return rows


def text_of(rows: list[list[Cell]]) -> list[str]:
    return ["".join(ch for ch, _marks in row) for row in rows]


def marks_in(rows: list[list[Cell]], widget: Widget) -> frozenset[str]:
    """Every attribute drawn inside the widget's region."""
    region = widget.region
    found: set[str] = set()
    for y in range(region.y, region.bottom):
        for _ch, marks in rows[y][region.x:region.right]:
            found |= marks
    return frozenset(found)


def cells_in(rows: list[list[Cell]], widget: Widget) -> list[Cell]:
    region = widget.region
    return [cell for y in range(region.y, region.bottom)
            for cell in rows[y][region.x:region.right]]


def shown_errors(app: MifinApp) -> list[Widget]:
    return [e for e in app.screen.query(FieldError) if e.has_class("-shown")]


def assert_marked_error(rows: list[list[Cell]], error: Widget, words: str) -> None:
    """The error reads "! words", and every letter of it carries an attribute."""
    cells = cells_in(rows, error)
    text = "".join(ch for ch, _m in cells).strip()
    assert text.startswith("! ") and words in text, text
    assert all(marks for ch, marks in cells if not ch.isspace()), text


def row_with(rows: list[list[Cell]], text: str) -> list[Cell]:
    [row] = [r for r, line in zip(rows, text_of(rows), strict=True) if text in line]
    return row


async def test_login_without_colour_shows_the_focus_and_the_error(monkeypatch, demo_db):
    normal = MifinApp()
    async with normal.run_test(size=SIZE) as pilot:
        await pilot.pause()
        in_colour = text_of([[(s.text, frozenset()) for s in strip]
                             for strip in normal.screen._compositor.render_strips()])
    monkeypatch.setenv("NO_COLOR", "1")
    app = MifinApp()
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        rows = screen_cells(app)
        # No text lost: the same characters as in colour, labels and hint included.
        assert ["".join(t for t, _m in row) for row in rows] == [
            "".join(line) for line in in_colour]
        assert any("User name" in line for line in text_of(rows))
        username, password = app.screen.query_one("#username"), app.screen.query_one(
            "#password")
        assert app.screen.focused is username
        # The focused field carries an attribute the other one does not (the reversed
        # cursor, the bold of :focus): colour is not the only sign.
        assert marks_in(rows, username) - marks_in(rows, password)
        await pilot.press("enter")  # to the password field
        await pilot.pause()
        rows = screen_cells(app)
        assert app.screen.focused is password
        assert marks_in(rows, password) - marks_in(rows, username)
        await pilot.press("enter")  # submit with no user name
        await pilot.pause()
        rows = screen_cells(app)
        [error] = shown_errors(app)
        assert error.id == "error-username"
        assert_marked_error(rows, error, "Enter your user name.")


async def test_menu_and_deposit_without_colour_show_the_highlight_focus_and_error(
        monkeypatch, counter):  # noqa: F811
    monkeypatch.setenv("NO_COLOR", "1")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        assert isinstance(app.screen, MainMenuScreen)
        menu = app.screen.query_one("#menu")
        rows = screen_cells(app)
        highlighted = menu.get_option_at_index(menu.highlighted)
        others = [menu.get_option_at_index(i) for i in range(menu.option_count)
                  if i != menu.highlighted and not menu.get_option_at_index(i).disabled]
        assert others
        def label_marks(option) -> set[str]:
            """The attributes on the letters of the entry's name (the key hint beside
            it is bold on every line)."""
            name = option.id and str(option.prompt).split("  ")[1].strip()
            row = row_with(rows, str(option.prompt).strip())
            start = "".join(ch for ch, _m in row).index(name)
            return {m for _ch, marks in row[start:start + len(name)] for m in marks}

        lit = label_marks(highlighted)
        for option in others:
            assert lit - label_marks(option), f"{option.prompt!r} looks highlighted"

        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(app.screen, DepositScreen)
        rows = screen_cells(app)
        assert any("Account no." in line for line in text_of(rows))
        focused = app.screen.focused
        assert isinstance(focused, Input), focused
        other_fields = [w for w in app.screen.query(Input) if w is not focused
                        and w.region.area]
        assert other_fields
        for field in other_fields:
            assert marks_in(rows, focused) - marks_in(rows, field), field.id
        await type_text(pilot, "12")  # no such account
        await pilot.press("enter")
        await pilot.pause()
        rows = screen_cells(app)
        errors = shown_errors(app)
        assert errors, text_of(rows)
        assert_marked_error(rows, errors[0], "")
