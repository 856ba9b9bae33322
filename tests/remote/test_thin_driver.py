"""The slow-link driver sends less and the terminal shows the same cells.

Two pyte terminal emulators are fed the same frames: one Textual's output as it is,
the other what VirtualTerminal sends instead. After every frame their screens
(characters, colours, attributes, cursor) must be identical.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcwidth

from mifin_tui.thin_driver import VirtualTerminal, _background_only

WIDTH, HEIGHT = 30, 8

STYLES = ["0", "1;38;5;254;48;5;16", "38;5;247;48;5;17", "1;7;38;5;254;48;5;16",
          "4;38;2;10;200;30;48;2;0;0;80", "48;5;23", "31;44", "1;9;33", "0;2;37;40",
          "3;48;5;236", "27", "24;49"]
TEXT = st.lists(st.sampled_from(list("ab é─│█·:12") + [" "] * 6 + ["中", "e\u0301"]),
                max_size=40).map("".join)


def op():
    return st.one_of(
        st.tuples(st.just("cup"), st.integers(1, HEIGHT), st.integers(1, WIDTH)),
        st.tuples(st.just("sgr"), st.sampled_from(STYLES)),
        st.tuples(st.just("text"), TEXT),
        st.tuples(st.just("spaces"), st.integers(1, WIDTH + 5)),
        st.tuples(st.just("crlf")),
        st.tuples(st.just("ech"), st.integers(1, WIDTH)),
        st.tuples(st.just("el"), st.sampled_from(["", "1", "2"])),
        st.tuples(st.just("ed"), st.sampled_from(["", "1", "2"])),
        st.tuples(st.just("mode"), st.sampled_from(["\x1b[?25l", "\x1b[?2026h", "\x1b[?2026l",
                                                     "\x1b]22;default\x07"])),
    )


def render(ops) -> str:
    out = []
    for o in ops:
        kind = o[0]
        if kind == "cup":
            out.append(f"\x1b[{o[1]};{o[2]}H")
        elif kind == "sgr":
            out.append(f"\x1b[{o[1]}m")
        elif kind == "text":
            out.append(o[1])
        elif kind == "spaces":
            out.append(" " * o[1])
        elif kind == "crlf":
            out.append("\r\n")
        elif kind == "ech":
            out.append(f"\x1b[{o[1]}X")
        elif kind == "el":
            out.append(f"\x1b[{o[1]}K")
        elif kind == "ed":
            out.append(f"\x1b[{o[1]}J")
        else:
            out.append(o[1])
    return "".join(out)


class BackColourEraseScreen(pyte.Screen):
    """A terminal with back-colour erase (xterm, linux, PuTTY): erased and scrolled-in
    cells take the current background colour, and nothing else of the current style.
    (pyte alone erases in every current attribute and scrolls in default colours.)"""

    def _in_background(self, erase, *args, **kwargs) -> None:
        # After the last column is written the cursor stays on it (pending wrap).
        self.cursor.x = min(self.cursor.x, self.columns - 1)
        attrs = self.cursor.attrs
        self.cursor.attrs = self.default_char._replace(bg=attrs.bg)
        try:
            erase(*args, **kwargs)
        finally:
            self.cursor.attrs = attrs

    def erase_characters(self, *args, **kwargs) -> None:
        self._in_background(super().erase_characters, *args, **kwargs)

    def erase_in_line(self, *args, **kwargs) -> None:
        self._in_background(super().erase_in_line, *args, **kwargs)

    def erase_in_display(self, *args, **kwargs) -> None:
        self._in_background(super().erase_in_display, *args, **kwargs)

    def draw(self, data: str) -> None:
        # A wide character that does not fit on the last column goes to the next line;
        # a combining mark after the last column joins it (pyte would wrap first).
        for char in data:
            if wcwidth(char) == 2 and self.cursor.x == self.columns - 1:
                self.cursor.x = self.columns
            if wcwidth(char) == 0 and self.cursor.x == self.columns:
                line = self.buffer[self.cursor.y]
                last = line[self.columns - 1]
                line[self.columns - 1] = last._replace(
                    data=unicodedata.normalize("NFC", last.data + char))
                continue
            super().draw(char)

    def index(self) -> None:
        bottom = self.margins.bottom if self.margins else self.lines - 1
        scrolls = self.cursor.y == bottom
        super().index()
        if scrolls:
            blank = self.default_char._replace(bg=self.cursor.attrs.bg)
            for x in range(self.columns):
                self.buffer[bottom][x] = blank


def emulator() -> tuple[pyte.Screen, pyte.Stream]:
    screen = BackColourEraseScreen(WIDTH, HEIGHT)
    return screen, pyte.Stream(screen)


def cells(screen: pyte.Screen, width: int = WIDTH, height: int = HEIGHT):
    """What a person sees: a blank shows its background (and reverse) only."""
    rows = []
    for y in range(height):
        row = []
        for x in range(width):
            c = screen.buffer[y][x]
            # A wide character that lost its second half is erased (as xterm draws it).
            broken = (wcwidth(c.data[:1]) == 2
                      and (x + 1 >= width or screen.buffer[y][x + 1].data != ""))
            if c.data in (" ", "") or broken:
                row.append((" ", c.reverse and c.fg, c.bg, c.reverse, c.underscore,
                            c.strikethrough))
            else:
                row.append((c.data, c.fg, c.bg, c.bold, c.italics, c.underscore,
                            c.strikethrough, c.reverse, c.blink))
        rows.append(row)
    return rows


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(op(), max_size=25), min_size=1, max_size=6), st.booleans())
def test_the_terminal_shows_the_same_cells(frames, erase):
    plain, plain_stream = emulator()
    thin, thin_stream = emulator()
    vt = VirtualTerminal(WIDTH, HEIGHT, erase=erase)
    # Both terminals start from a screen Textual has fully drawn once.
    first = "\x1b[0m" + "".join(f"\x1b[{y + 1};1H" + " " * WIDTH for y in range(HEIGHT))
    plain_stream.feed(first)
    thin_stream.feed(vt.feed(first))
    for frame in frames:
        data = render(frame)
        plain_stream.feed(data)
        thin_stream.feed(vt.feed(data))
        assert cells(thin) == cells(plain), repr(data)
        if plain.cursor.x < WIDTH:
            assert (thin.cursor.y, thin.cursor.x) == (plain.cursor.y, plain.cursor.x)


def test_an_unchanged_repaint_sends_nothing_but_the_cursor():
    vt = VirtualTerminal(80, 24)
    frame = "".join(f"\x1b[{y + 1};1H\x1b[38;5;254;48;5;16mLigne {y:02d}" + " " * 72 + "\x1b[0m"
                    for y in range(24)) + "\x1b[9;26H"
    first = vt.feed(frame)
    again = vt.feed(frame)
    assert len(first) < len(frame) / 2  # blank runs as ECH
    assert again == ""  # the cursor is already there


def test_a_changed_cell_costs_a_few_bytes():
    vt = VirtualTerminal(80, 24)
    frame = "".join(f"\x1b[{y + 1};1H\x1b[48;5;16m" + " " * 80 for y in range(24))
    vt.feed(frame)
    changed = vt.feed(frame.replace("\x1b[10;1H\x1b[48;5;16m ", "\x1b[10;1H\x1b[48;5;16mX"))
    assert changed.count("X") == 1 and len(changed) < 40


def test_an_erased_cell_keeps_only_the_background():
    assert _background_only("1;4;38;5;254;48;5;16") == "48;5;16"
    assert _background_only("31;44") == "44"
    assert _background_only("48;2;1;2;3;49") == ""


def test_blank_runs_are_erased_only_where_terminfo_says_the_terminal_can():
    # One process per terminal type: curses reads terminfo once per process.
    code = ("import sys; from mifin_tui.thin_driver import terminal_erases_in_background as t;"
            "print(t(sys.argv[1]))")
    answers = {term: subprocess.run([sys.executable, "-c", code, term], capture_output=True,
                                    text=True, check=True).stdout.strip()
               for term in ("xterm-256color", "linux", "screen-256color", "no-such-term")}
    assert answers == {"xterm-256color": "True", "linux": "True",
                       "screen-256color": "False", "no-such-term": "False"}
