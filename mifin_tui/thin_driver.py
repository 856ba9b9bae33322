"""A terminal driver for slow links: only the cells that changed go over the wire.

Textual repaints by writing whole lines, and it repaints the whole screen more often
than the screen changes (on every screen resume, twice when a screen opens). Over SSH
on a 2G link an 80x24 screen of 12 KB is seconds. curses solved this decades ago by
keeping a copy of what the terminal shows and sending the difference; this driver does
the same behind Textual:

- `VirtualTerminal.feed(data)` plays what Textual writes on a model of the screen
  (cursor moves, SGR styles, text, erasures, wrap and scroll) and returns what to send
  instead: for each run of cells that differ from what the terminal already shows, a
  cursor move, the style when it changes, and the characters. A run of 12 or more blank
  cells in a plain style becomes ECH (erase N characters, drawn in the current
  background) and CUF (cursor forward N).
- Everything that is not drawing (modes, the title, queries, synchronised-update
  markers) passes through unchanged, in order.

The terminal ends up with the same cells, colours included (property tests against
the pyte terminal emulator, and tests/e2e/test_thin_driver.py compares tmux screens).
`MIFIN_THIN_OUTPUT=0` turns it off; textual-serve and Windows keep their own driver.

The driver also carries raw bytes to the terminal for its printer (`write_bytes`, the
ANSI pass-through of printers.backends.TerminalPrinter): Textual's writer thread takes
text, so the bytes ride its queue in a marked string, between two frames, and are
written as they are.
"""

from __future__ import annotations

import os
import re
import termios
import threading
import unicodedata
from functools import lru_cache

from rich.cells import get_character_cell_size

from mifin_tui.hangup import HangUpDriver

MIN_BLANK_RUN = 12
# Cheaper to resend a few unchanged cells than to move the cursor over them.
MAX_SAME_GAP = 4
# SGR attributes an erased cell does not show (it takes the background colour only).
_DRAWN_ATTRIBUTES = frozenset({4, 5, 6, 7, 9, 21, 53})

_TOKEN = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"        # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[PX^_][^\x1b]*\x1b\\"     # DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]"               # other escapes
    r"|\x1b"
    r"|[^\x1b]+"
)
_ALT_SCREEN_MODES = ("?1049", "?1047", "?47")

Cell = tuple[str, str]  # (character, SGR parameters); "" is the second half of a wide one
BLANK: Cell = (" ", "")


_RESETS = {22: (1, 2), 23: (3,), 24: (4, 21), 25: (5, 6), 27: (7,), 28: (8,), 29: (9,),
           55: (53,)}


@lru_cache(maxsize=4096)
def _parse(style: str) -> tuple[frozenset[int], str, str, str]:
    """A canonical SGR state: (attributes, foreground, background, underline colour)."""
    return _apply(frozenset(), "", "", "", style)


def _apply(attrs: frozenset[int], fg: str, bg: str, ul: str, params: str
           ) -> tuple[frozenset[int], str, str, str]:
    codes = [int(p) if p.isdigit() else 0 for p in params.replace(":", ";").split(";")]
    on = set(attrs)
    i = 0
    while i < len(codes):
        code = codes[i]
        if code in (38, 48, 58):
            span = 3 if codes[i + 1:i + 2] == [5] else 5
            colour = ";".join(str(c) for c in codes[i:i + span])
            if code == 38:
                fg = colour
            elif code == 48:
                bg = colour
            else:
                ul = colour
            i += span
            continue
        if code == 0:
            on, fg, bg, ul = set(), "", "", ""
        elif code in _RESETS:
            on.difference_update(_RESETS[code])
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = str(code)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = str(code)
        elif code == 39:
            fg = ""
        elif code == 49:
            bg = ""
        elif code == 59:
            ul = ""
        elif code in (1, 2, 3, 4, 5, 6, 7, 8, 9, 21, 53):
            on.add(code)
        i += 1
    return frozenset(on), fg, bg, ul


def _serialise(attrs: frozenset[int], fg: str, bg: str, ul: str) -> str:
    return ";".join([*(str(a) for a in sorted(attrs)), *(c for c in (fg, bg, ul) if c)])


@lru_cache(maxsize=4096)
def _join_style(current: str, params: str) -> str:
    """The SGR state after `ESC [ params m`, canonical ("" is the default)."""
    if params in ("", "0"):
        return ""
    return _serialise(*_apply(*_parse(current), params))


@lru_cache(maxsize=4096)
def _single_cell(ch: str) -> bool:
    return get_character_cell_size(ch) == 1


@lru_cache(maxsize=4096)
def _background_only(style: str) -> str:
    """The part of an SGR state an erased cell keeps: its background colour."""
    return _parse(style)[2]


@lru_cache(maxsize=4096)
def _blank_shows_only_background(style: str) -> bool:
    return not (_parse(style)[0] & _DRAWN_ATTRIBUTES)


class VirtualTerminal:
    """What the real terminal shows, and the difference a write of Textual's makes."""

    def __init__(self, width: int, height: int, *, erase: bool = True) -> None:
        """`erase`: the terminal erases in the current background colour (terminfo `bce`),
        so blank runs may be sent as ECH; otherwise they are sent as spaces."""
        self.width, self.height = width, height
        self.erase = erase
        self.wanted: list[list[Cell]] = [[BLANK] * width for _ in range(height)]
        # None: unknown (the terminal may show anything there): sent again whatever it is.
        self.shown: list[list[Cell | None]] = [[None] * width for _ in range(height)]
        self.row = self.col = 0  # where the stream being played has its cursor
        self.style = ""
        self.saved = (0, 0)
        self.term_row: int | None = None  # where the real terminal has its cursor
        self.term_col = 0
        self.term_style: str | None = None
        self.out: list[str] = []

    # --- playing the stream on the model ------------------------------------------------

    def feed(self, data: str) -> str:
        """Play `data` on the model; return what the terminal needs to show the same."""
        for token in _TOKEN.findall(data):
            if token[0] != "\x1b":
                self._text(token)
            elif token.startswith("\x1b["):
                self._csi(token)
            elif token in ("\x1b7", "\x1b8"):
                if token == "\x1b7":
                    self.saved = (self.row, self.col)
                else:
                    self.row, self.col = self.saved
            else:
                self._pass(token)
        self._flush()
        self._place_cursor()
        out, self.out = "".join(self.out), []
        return out

    def _pass(self, token: str) -> None:
        """A sequence that draws nothing: sent as it is, after what was drawn before it."""
        self._flush()
        self.out.append(token)

    def _csi(self, token: str) -> None:
        final, body = token[-1], token[2:-1]
        if body and not (body[0].isdigit() or body[0] == ";"):
            self._pass(token)  # private modes, queries, keyboard protocol...
            if final in "hl" and body.split(";")[0] in _ALT_SCREEN_MODES:
                # A new screen (or the one left behind): nothing known about it.
                self.wanted = [[BLANK] * self.width for _ in range(self.height)]
                self.shown = [[None] * self.width for _ in range(self.height)]
                self.term_row, self.term_style = None, None
            return
        args = [int(a) if a.isdigit() else 0 for a in body.split(";")] if body else []

        def arg(i: int, default: int = 1) -> int:
            return args[i] if len(args) > i and args[i] else default

        if final == "m":
            self.style = _join_style(self.style, body)
        elif final in "Hf":
            self.row = min(max(arg(0) - 1, 0), self.height - 1)
            self.col = min(max(arg(1) - 1, 0), self.width - 1)
        elif final == "A":
            self.row = max(self.row - arg(0), 0)
            self.col = min(self.col, self.width - 1)
        elif final == "B":
            self.row = min(self.row + arg(0), self.height - 1)
            self.col = min(self.col, self.width - 1)
        elif final == "C":
            self.col = min(self.col + arg(0), self.width - 1)
        elif final == "D":
            self.col = max(min(self.col, self.width - 1) - arg(0), 0)
        elif final == "G":
            self.col = min(arg(0) - 1, self.width - 1)
        elif final == "d":
            self.row = min(arg(0) - 1, self.height - 1)
        elif final == "X":
            # Erasing ends a pending wrap: the cursor is on the last column (as in xterm).
            col = self.col = min(self.col, self.width - 1)
            self._erase(self.row, col, min(col + arg(0), self.width))
        elif final == "K":
            col = self.col = min(self.col, self.width - 1)
            mode = arg(0, 0)
            start, end = {0: (col, self.width), 1: (0, col + 1)}.get(mode, (0, self.width))
            self._erase(self.row, start, end)
        elif final == "J":
            mode = arg(0, 0)
            col = self.col = min(self.col, self.width - 1)
            if mode == 0:
                self._erase(self.row, col, self.width)
                rows = range(self.row + 1, self.height)
            elif mode == 1:
                self._erase(self.row, 0, col + 1)
                rows = range(0, self.row)
            else:
                rows = range(self.height)
            for r in rows:
                self._erase(r, 0, self.width)
        elif final == "s":
            self.saved = (self.row, self.col)
        elif final == "u":
            self.row, self.col = self.saved
        else:
            self._pass(token)

    def _erase(self, row: int, start: int, end: int) -> None:
        # Erased cells take the background of the current style, not its attributes.
        cell = (" ", _background_only(self.style))
        line = self.wanted[row]
        self._split_wide(line, start, end)
        for c in range(start, end):
            line[c] = cell

    def _split_wide(self, line: list[Cell], start: int, end: int) -> None:
        """Cells start..end are about to be overwritten: a wide character cut in two by
        that leaves a blank in its other half, as terminals draw it."""
        if line[start][0] == "" and start > 0:
            line[start - 1] = (" ", line[start - 1][1])
        if end < self.width and line[end][0] == "":
            line[end] = (" ", line[end][1])

    def _newline(self) -> None:
        if self.row < self.height - 1:
            self.row += 1
        else:  # the terminal scrolls: the top line goes, a blank one comes
            self.wanted.pop(0)
            self.wanted.append([(" ", _background_only(self.style))] * self.width)

    def _text(self, text: str) -> None:
        if text.isprintable() and (text.isascii() or all(map(_single_cell, text))):
            self._put_run(text)  # most of what Textual writes: no control, one cell each
            return
        for ch in text:
            if ch >= " " and ch != "\x7f":
                self._put(ch)
            elif ch == "\r":
                self.col = 0
            elif ch == "\n":
                self.col = min(self.col, self.width - 1)
                self._newline()
            elif ch == "\b":
                self.col = max(min(self.col, self.width - 1) - 1, 0)
            elif ch == "\t":
                self.col = min((self.col // 8 + 1) * 8, self.width - 1)
            else:
                self._pass(ch)  # bell and other controls

    def _put_run(self, text: str) -> None:
        """`_put` for characters of one cell each, a line's worth at a time: the same
        cells, wraps and cut wide characters (only the run's two ends can cut one)."""
        style, width = self.style, self.width
        i, n = 0, len(text)
        while i < n:
            if self.col + 1 > width:  # pending wrap
                self.col = 0
                self._newline()
            line = self.wanted[self.row]
            start = self.col
            end = min(start + n - i, width)
            self._split_wide(line, start, end)
            line[start:end] = [(ch, style) for ch in text[i:i + end - start]]
            i += end - start
            self.col = end

    def _put(self, ch: str) -> None:
        size = get_character_cell_size(ch)
        if size == 0:  # combining mark: joins the character before it, composed
            row, col = self.row, min(self.col, self.width) - 1
            if col < 0 and row > 0:
                row, col = row - 1, self.width - 1
            if col >= 0:
                base, style = self.wanted[row][col]
                if base == "" and col > 0:
                    col -= 1
                    base, style = self.wanted[row][col]
                self.wanted[row][col] = (unicodedata.normalize("NFC", base + ch), style)
            return
        if self.col + size > self.width:  # pending wrap (or no room for a wide one)
            self.col = 0
            self._newline()
        line = self.wanted[self.row]
        self._split_wide(line, self.col, self.col + size)
        line[self.col] = (ch, self.style)
        if size == 2:
            line[self.col + 1] = ("", self.style)
        self.col += size

    # --- sending the difference ---------------------------------------------------------

    def _move(self, row: int, col: int) -> None:
        if (self.term_row, self.term_col) != (row, col):
            self.out.append(f"\x1b[{row + 1};{col + 1}H")
            self.term_row, self.term_col = row, col

    def _set_style(self, style: str) -> None:
        if style != self.term_style:
            self.out.append(f"\x1b[0;{style}m" if style else "\x1b[0m")
            self.term_style = style

    def _flush(self) -> None:
        width = self.width
        for row in range(self.height):
            wanted, shown = self.wanted[row], self.shown[row]
            if wanted == shown:
                continue
            col = 0
            while col < width:
                if wanted[col] == shown[col]:
                    col += 1
                    continue
                start = col - 1 if wanted[col][0] == "" and col > 0 else col
                end = last = col
                while end < width and end - last <= MAX_SAME_GAP:
                    if wanted[end] != shown[end]:
                        last = end
                    end += 1
                end = last + 1
                if end < width and wanted[end][0] == "":
                    end += 1  # the second half of a wide character
                self._send_run(row, start, end)
                col = end

    def _send_run(self, row: int, start: int, end: int) -> None:
        wanted, shown = self.wanted[row], self.shown[row]
        self._move(row, start)
        col = start
        while col < end:
            ch, style = wanted[col]
            if ch == "":  # the second half of a wide character drawn just before
                shown[col] = wanted[col]
                col += 1
                continue
            if ch == " " and self.erase and _blank_shows_only_background(style):
                run = col
                while run < end and wanted[run] == (" ", style):
                    run += 1
                if run - col >= MIN_BLANK_RUN:
                    self._set_style(style)
                    n = run - col
                    self.out.append(f"\x1b[{n}X")
                    for c in range(col, run):
                        shown[c] = wanted[c]
                    col = run
                    if col < end:
                        self.out.append(f"\x1b[{n}C")
                        self.term_col = col
                    continue
            self._set_style(style)
            self.out.append(ch)
            size = get_character_cell_size(ch[0]) or 1
            shown[col:col + size] = wanted[col:col + size]
            col += size
            self.term_col = col
        if self.term_col >= self.width:
            self.term_row = None  # pending wrap: where the next character goes is unclear

    def _place_cursor(self) -> None:
        """Leave the terminal's cursor where the stream left it (Textual shows the input
        cursor there)."""
        if self.col < self.width:
            self._move(self.row, self.col)


def terminal_erases_in_background(term: str | None) -> bool:
    """Whether terminfo says `term` has back-colour erase (xterm, linux, PuTTY do; screen
    and tmux entries do not say so, and kitty does not)."""
    if not term:
        return False
    try:
        import curses

        curses.setupterm(term, -1)
        return bool(curses.tigetflag("bce") > 0)
    except Exception:  # noqa: BLE001 - no terminfo entry, no curses: the safe answer
        return False


class _RawBytes(str):
    """Bytes for the terminal as they are, in Textual's writer queue (which takes str)."""

    data: bytes = b""


class _ByteSafeOutput:
    """The driver's output file: Textual's text as before, and _RawBytes written as is.

    The terminal's output processing is off while they are written: with it, the tty
    turns each LF into CR LF, and a printer command holding the byte 10 would change."""

    def __init__(self, file) -> None:  # noqa: ANN001 - sys.__stderr__ or alike
        self._file = file

    def write(self, text: str) -> int:
        if isinstance(text, _RawBytes):
            self._write_raw(text.data)
            return 0
        return self._file.write(text)

    def _write_raw(self, data: bytes) -> None:
        self._file.flush()
        fd = self._file.fileno()
        saved = None
        if os.isatty(fd):
            try:
                saved = termios.tcgetattr(fd)
                raw = list(saved)
                raw[1] &= ~termios.OPOST
                termios.tcsetattr(fd, termios.TCSADRAIN, raw)
            except termios.error:
                saved = None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except OSError:
            pass  # the terminal is gone (hang-up): the session ends, the slip with it
        finally:
            if saved is not None:
                try:
                    termios.tcsetattr(fd, termios.TCSADRAIN, saved)
                except termios.error:
                    pass

    def flush(self) -> None:
        self._file.flush()

    def fileno(self) -> int:
        return self._file.fileno()

    def __getattr__(self, name: str):  # noqa: ANN204 - whatever the file has
        return getattr(self._file, name)


class PassThroughMixin:
    """Raw bytes to the terminal between frames, for its printer (see printers.backends)."""

    _app: object
    _file: object
    _writer_thread: object

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self._file = _ByteSafeOutput(self._file)

    def start_application_mode(self) -> None:
        super().start_application_mode()  # type: ignore[misc]
        from mifin_tui.output import terminal

        terminal.attach(self.write_bytes)

    def stop_application_mode(self) -> None:
        from mifin_tui.output import terminal

        terminal.detach(self.write_bytes)
        super().stop_application_mode()  # type: ignore[misc]

    def write_bytes(self, data: bytes) -> None:
        """Put `data` on the terminal as is, after the frames already written; callable
        from any thread. Then the screen is drawn anew: a terminal without a printer
        shows what it could not print."""
        app = self._app
        payload = bytes(data)

        def put() -> None:
            writer = self._writer_thread
            if writer is None:
                raise RuntimeError("the terminal is not in application mode")
            raw = _RawBytes("")
            raw.data = payload
            writer.write(raw)
            self._forget_screen()
            app.screen.refresh()  # type: ignore[attr-defined]

        if threading.get_ident() == getattr(app, "_thread_id", None):
            put()
        else:
            app.call_from_thread(put)  # type: ignore[attr-defined]

    def _forget_screen(self) -> None:
        """What the terminal shows is unknown after the pass-through."""


class ThinLinuxDriver(PassThroughMixin, HangUpDriver):
    """LinuxDriver (ended by a hang-up) that sends Textual's output through a
    VirtualTerminal, and raw bytes between frames for the terminal's printer."""

    _terminal: VirtualTerminal | None = None
    _erase: bool | None = None

    def write(self, data: str) -> None:
        width, height = self._app.size
        terminal = self._terminal
        if terminal is None or (terminal.width, terminal.height) != (width, height):
            # A new size: Textual repaints everything, and so do we.
            if self._erase is None:
                self._erase = terminal_erases_in_background(os.environ.get("TERM"))
            terminal = self._terminal = VirtualTerminal(width, height, erase=self._erase)
        super().write(terminal.feed(data))

    def _forget_screen(self) -> None:
        if self._terminal is not None:
            terminal = self._terminal
            terminal.shown = [[None] * terminal.width for _ in range(terminal.height)]
