"""The command palette (Ctrl+P): the screens the user may open, from the menu registry,
and the vouchers he may reprint, by a piece of their number. Its own words (the prompt,
"No matches found", its keys) in the session's language, not Textual's English.

The provider asks the App for the entries of the current session; outside a
session, or while it is locked, there are none (and the App does not open the
palette there at all).
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar, Protocol

from rich.align import Align
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from mifin_tui.i18n import N_, _
from mifin_tui.menu import MenuEntry


class _Session(Protocol):
    def palette_entries(self) -> list[MenuEntry]: ...

    def request_entry(self, entry_id: str) -> None: ...

    def find_vouchers(self, text: str) -> list[str]: ...

    def request_reprint(self, number: str) -> None: ...


class ScreensProvider(Provider):
    """Every screen of the user's menu, found by its (translated) name."""

    def _entries(self) -> list[tuple[str, str, MenuEntry]]:
        app: _Session = self.app  # type: ignore[assignment]
        entries = app.palette_entries() if hasattr(app, "palette_entries") else []
        return [(_(e.label), _(e.help), e) for e in entries]

    def _open(self, entry_id: str) -> None:
        self.app.request_entry(entry_id)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for label, help_text, entry in self._entries():
            yield DiscoveryHit(label, partial(self._open, entry.id), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, entry in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self._open, entry.id),
                          help=help_text)


class VouchersProvider(Provider):
    """"Reprint voucher BE-KIN-2026-000123": a voucher found by a piece of its number
    (three characters or more, one a digit), for users who may reprint."""

    async def search(self, query: str) -> Hits:
        text = query.strip()
        if len(text) < 3 or not any(ch.isdigit() for ch in text):
            return
        app: _Session = self.app  # type: ignore[assignment]
        if not hasattr(app, "find_vouchers"):
            return
        matcher = self.matcher(text)
        for number in app.find_vouchers(text):
            label = _("Reprint voucher {number}").format(number=number)
            yield Hit(max(matcher.match(label), 0.5), matcher.highlight(label),
                      partial(app.request_reprint, number),
                      help=_("Print it again, marked DUPLICATA."))


class MifinCommandPalette(CommandPalette):
    """Textual's palette, speaking the session's language."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", N_("Next command"), show=False),
        Binding("escape", "escape", N_("Close")),
        Binding("pagedown", "command_list('page_down')", N_("Next page"), show=False),
        Binding("pageup", "command_list('page_up')", N_("Previous page"), show=False),
        Binding("up", "command_list('cursor_up')", N_("Previous command"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__(placeholder=_("Find a screen or a command..."),
                         id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's own, with its words translated: after a short wait with no hit,
        say so (not in discovery, with nothing typed)."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(_("No matches found"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
