"""The footer: Textual's, with the key descriptions in the user's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer

from mifin_tui.i18n import N_, _, current_language

# Descriptions Textual's own widgets give their shown keys (the open list of a Select
# says "esc Dismiss menu"): declared here so the catalogue carries them and the footer
# translates them like ours.
TEXTUAL_DESCRIPTIONS = (N_("Dismiss menu"), N_("Open link"))

if TYPE_CHECKING:
    from textual.screen import Screen


class MifinFooter(Footer):
    """Bindings declare English msgids (N_); they are translated when the footer is drawn,
    so a language switch shows at once."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)

    # The session's keys (quit, log out) work everywhere but are shown only where a
    # screen says so (the main menu): at 80 columns a French footer has no room for them.
    SESSION_ACTIONS = frozenset({"quit", "logout", "app.quit", "app.logout"})

    _shown: tuple | None = None

    def _signature(self, screen: Screen) -> tuple:
        """What the footer draws: its keys, their descriptions and state, the language."""
        return (current_language(), tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_n, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show))

    def bindings_changed(self, screen: Screen) -> None:
        # Textual rebuilds the footer at every focus change, twice; over SSH each rebuild
        # resends the bottom line. Rebuild only when what it shows has changed.
        if self.is_attached and screen is self.screen and self._bindings_ready:
            signature = self._signature(screen)
            if signature == self._shown:
                return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        if self._bindings_ready and self.is_attached:
            self._shown = self._signature(self.screen)
        show_session = getattr(self.screen, "SHOW_SESSION_KEYS", True)
        widgets = []
        for widget in super().compose():
            if not show_session and getattr(widget, "action", "") in self.SESSION_ACTIONS:
                continue
            # FooterKey (not exported by Textual) carries the binding's description.
            description = getattr(widget, "description", "")
            if description:
                widget.description = _(description)
            widgets.append(widget)
        self._fit(widgets)
        yield from widgets

    def _fit(self, widgets: list) -> None:
        """Shorten the longest descriptions ("Défavorable" -> "Défavor.") until every key
        fits on the one line, beside the palette's key docked at the right: a key drawn
        past the edge is a key nobody sees. Each key takes its key, a space and its
        description, a space between two keys."""
        def width(w) -> int:
            return len(getattr(w, "key_display", "") or "") + 1 + len(w.description)

        def needed() -> int:
            return sum(width(w) + 1 for w in keys) - 1

        keys = [w for w in widgets if hasattr(w, "description")]
        palette = [w for w in keys if w.has_class("-command-palette")]
        keys = [w for w in keys if w not in palette]
        # The palette's key: a bar, the key and its description, then the last column.
        room = (self.app.size.width or 80) - sum(width(w) + 2 for w in palette)
        excess = needed() - room
        while excess > 0:
            longest = max(keys, key=lambda w: len(w.description), default=None)
            if longest is None or len(longest.description) <= 4:
                return
            text = longest.description.rstrip(".")
            longest.description = text[:len(text) - 2].rstrip() + "."
            excess = needed() - room
