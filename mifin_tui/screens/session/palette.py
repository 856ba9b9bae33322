"""The command palette (Ctrl+P): the screens the user may open, from the menu registry,
and the vouchers he may reprint, by a piece of their number.

The provider asks the App for the entries of the current session; outside a
session, or while it is locked, there are none (and the App does not open the
palette there at all).
"""

from __future__ import annotations

from functools import partial
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider

from mifin_tui.i18n import _
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
