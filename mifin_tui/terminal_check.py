"""`mifin --check-terminal`: what this terminal can show, before a cashier meets a
garbled screen. Reads the environment the way Textual and Rich will."""

from __future__ import annotations

import locale
import os
import shutil
import sys
import textwrap

from mifin_tui.i18n import _

MIN_WIDTH, MIN_HEIGHT = 80, 24


def report() -> tuple[list[tuple[str, str, str]], bool]:
    """Rows of (what, found, verdict) and whether Mifin will work well here."""
    from rich.console import Console

    console = Console(file=sys.stdout)
    term = os.environ.get("TERM", "")
    size = shutil.get_terminal_size((0, 0))
    encoding = (locale.getpreferredencoding(False) or "").lower()
    colours = console.color_system or "none"
    ok_mark = _("ok")
    rows = []
    good = True

    def add(what: str, found: str, fine: bool, advice: str = "") -> None:
        nonlocal good
        good = good and fine
        rows.append((what, found, ok_mark if fine else _("WARNING: {advice}").format(
            advice=advice)))

    add(_("terminal (TERM)"), term or _("not set"), bool(term) and term != "dumb",
        _("set TERM, e.g. xterm-256color"))
    add(_("size"), f"{size.columns}x{size.lines}",
        size.columns >= MIN_WIDTH and size.lines >= MIN_HEIGHT,
        _("Mifin needs at least 80x24"))
    add(_("character set"), encoding, "utf" in encoding,
        _("use a UTF-8 locale (LANG=fr_FR.UTF-8 or C.UTF-8)"))
    add(_("colours"), colours, colours != "none" or bool(os.environ.get("NO_COLOR")),
        _("no colours: states are still written as words"))
    linux_console = term == "linux"
    add(_("line drawing"), _("limited (Linux console)") if linux_console else _("full"),
        True)
    if linux_console:
        rows.append((_("advice"), _("Linux console"),
                     _("the focused field is a grey bar; the high-contrast theme is there "
                       "if wanted (Ctrl+P, High contrast)")))
    escdelay = os.environ.get("ESCDELAY", "")
    remote = bool(os.environ.get("SSH_CONNECTION"))
    add(_("over SSH"), _("yes") if remote else _("no"), True)
    add(_("Escape delay (ESCDELAY)"), escdelay or _("default"),
        not remote or (escdelay.isdigit() and int(escdelay) >= 200),
        _("Mifin sets 250 ms over SSH when ESCDELAY is not set"))
    from mifin_tui.thin_driver import terminal_erases_in_background

    thin = os.environ.get("MIFIN_THIN_OUTPUT", "1") != "0"
    erase = terminal_erases_in_background(term)
    add(_("screen updates"),
        (_("changed cells only, blanks erased") if erase else
         _("changed cells only")) if thin else _("Textual's full lines (MIFIN_THIN_OUTPUT=0)"),
        True)
    add(_("animations"), os.environ.get("TEXTUAL_ANIMATIONS", _("default")), True)
    add("NO_COLOR", os.environ.get("NO_COLOR", _("not set")), True)
    return rows, good


# The report's columns, wrapped at words: with tabulate's two spaces between them the
# table is at most 80 columns wide, the narrowest terminal Mifin runs in.
COLUMN_WIDTHS = (22, 22, 32)


def render_report() -> str:
    from tabulate import tabulate

    rows, good = report()
    table = tabulate(rows, headers=[_("check"), _("found"), _("verdict")],
                     maxcolwidths=list(COLUMN_WIDTHS), maxheadercolwidths=list(COLUMN_WIDTHS))
    verdict = (_("This terminal suits Mifin.") if good else
               _("Mifin will run, but see the warnings above."))
    return "\n".join([table, "", *textwrap.wrap(verdict, MIN_WIDTH)])


def print_report() -> int:
    print(render_report())
    return 0
