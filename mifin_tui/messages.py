"""App-wide messages: screens post them, the App acts (messages up, method calls down)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from mifin_tui.services.kernel.context import Context


class LoggedIn(Message):
    """The login screen checked the credentials; the session starts."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx


class LogoutRequested(Message):
    """End the session and return to the login screen, showing `reason` there if given."""

    def __init__(self, reason: str = "") -> None:
        super().__init__()
        self.reason = reason


class OpenEntry(Message):
    """Open the menu entry `entry_id` (from the main menu or the command palette)."""

    def __init__(self, entry_id: str) -> None:
        super().__init__()
        self.entry_id = entry_id


class LanguageChanged(Message):
    """The user chose another language; everything on screen is drawn again in it."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
