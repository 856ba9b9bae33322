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

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # FooterKey (not exported by Textual) carries the binding's description.
            description = getattr(widget, "description", "")
            if description:
                widget.description = _(description)
            yield widget
