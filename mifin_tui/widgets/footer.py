"""The footer: Textual's, with the key descriptions in the user's language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from mifin_tui.i18n import _


class MifinFooter(Footer):
    """Bindings declare English msgids (N_); they are translated when the footer is drawn,
    so a language switch shows at once."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)

    # The session's keys (quit, log out) work everywhere but are shown only where a
    # screen says so (the main menu): at 80 columns a French footer has no room for them.
    SESSION_ACTIONS = frozenset({"quit", "logout", "app.quit", "app.logout"})

    def compose(self) -> ComposeResult:
        show_session = getattr(self.screen, "SHOW_SESSION_KEYS", True)
        for widget in super().compose():
            if not show_session and getattr(widget, "action", "") in self.SESSION_ACTIONS:
                continue
            # FooterKey (not exported by Textual) carries the binding's description.
            description = getattr(widget, "description", "")
            if description:
                widget.description = _(description)
            yield widget
