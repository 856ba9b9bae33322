"""The slow-link driver, in a real terminal: with it and without it, tmux shows the same.

Two `mifin` run side by side on one demo database, one with MIFIN_THIN_OUTPUT=0
(Textual's own output), one with the default thin driver. The same keys go to both;
at each step the two panes, colours included (`capture-pane -e`), must be the same.
"""

from __future__ import annotations

import time

import pyte
import pytest

from tests.cli.helpers import MIFIN
from tests.e2e.test_tui_tmux import (
    HEIGHT,
    LOGIN,
    MAIN_MENU,
    PASSWORD_LABEL,
    WIDTH,
    Terminal,
    demo,  # noqa: F401 - the module's demo database fixture
    open_till,
    tmux_binary,
)
from tests.remote.test_thin_driver import BackColourEraseScreen, cells

pytestmark = pytest.mark.e2e


def colours(term: Terminal) -> list:
    """The pane as a person sees it, cell by cell: tmux's capture (with its colours)
    played on a pyte terminal (its SGR state runs on from one line to the next);
    blanks compared by their background only."""
    screen = BackColourEraseScreen(WIDTH, HEIGHT)
    stream = pyte.Stream(screen)
    lines = term.tmux_cmd("capture-pane", "-p", "-e", "-N", "-t", "t").split("\n")[:HEIGHT]
    stream.feed("".join(f"\x1b[{n + 1};1H{line}" for n, line in enumerate(lines)))
    return cells(screen, WIDTH, HEIGHT)


def same_screens(a: Terminal, b: Terminal, timeout: float = 15.0) -> str:
    """Wait until both panes show the same cells (each process draws at its own pace)."""
    deadline = time.monotonic() + timeout
    while True:
        left, right = colours(a), colours(b)
        if left == right:
            return a.screen()
        if time.monotonic() > deadline:
            diff = [f"row {y} col {x}: textual {lc} / thin {rc}"
                    for y, (lrow, rrow) in enumerate(zip(left, right, strict=True))
                    for x, (lc, rc) in enumerate(zip(lrow, rrow, strict=True)) if lc != rc]
            raw = [t.tmux_cmd("capture-pane", "-p", "-e", "-N", "-t", "t").split("\n")
                   for t in (a, b)]
            rows = sorted({int(d.split()[1]) for d in diff})[:3]
            pytest.fail("the panes differ:\n" + "\n".join(diff[:20]) + "\n"
                        + "\n".join(f"{r}: {raw[0][r]!r}\n{r}: {raw[1][r]!r}" for r in rows)
                        + "\n" + a.screen() + "\n" + b.screen())
        time.sleep(0.1)


@pytest.fixture
def pair(demo, tmp_path):  # noqa: F811
    tmux = tmux_binary()
    path, users = demo
    open_till(path, users)  # the vault transfer below needs the cashier's till open
    # tmux's own terminal type: it says no back-colour erase (tmux's capture would not
    # show the colour of erased cells anyway), so the thin driver sends blanks as spaces
    # and only its difference of cells is tested here; ECH is tested against pyte.
    base = {"TERM": "screen-256color", "LANG": "C.UTF-8", "TEXTUAL_ANIMATIONS": "none",
            "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg"),
            "MIFIN_RECEIPT_PRINTER": f"folder:{tmp_path / 'receipts'}"}
    command = [*MIFIN, "--lang", "en", "--db", str(path)]
    plain = Terminal(tmux, command, {**base, "MIFIN_THIN_OUTPUT": "0"})
    thin = Terminal(tmux, command, base)
    try:
        yield plain, thin, users
    finally:
        plain.close()
        thin.close()


def test_the_thin_driver_draws_what_textual_draws(pair):
    plain, thin, users = pair
    both = (plain, thin)

    def step(*keys: str, literal: str | None = None, wait=None) -> str:
        for term in both:
            if literal is not None:
                term.type(literal)
            if keys:
                term.press(*keys)
            if wait is not None:
                term.wait_for(wait)
        return same_screens(plain, thin)

    for term in both:
        term.wait_for(LOGIN)
        term.wait_for_cursor_under(LOGIN)
    step()
    step(literal="caissier1", wait="caissier1")
    for term in both:
        term.press("Enter")
        term.wait_for_cursor_under(PASSWORD_LABEL)
    step(literal=users["caissier1"], wait="\u2022" * len(users["caissier1"]))
    screen = step("Enter", wait=MAIN_MENU)
    assert "COOPEC Tujenge" in screen
    # Each wait names what only the screen opened shows: keys sent before it is there
    # would go to the menu.
    step("F6", wait="Direction")  # the vault transfer (in English: --lang en holds)
    step("Enter")
    step("Enter")
    step(literal="125")
    step("Enter")
    step(literal="Fond de caisse")
    step("Enter", wait="Confirm")
    step("Escape")
    step("Escape", wait=MAIN_MENU)
    step("F2", wait="or account number")  # account lookup: a member picker and a table
    step(literal="ka")
    step("Escape", wait=MAIN_MENU)
