"""The menu registry: every screen a user may open from the main menu or the palette.

One list serves the main menu, its keys and the command palette, so what a user
sees is what he may open, and nothing else. Hiding an entry is not security
(services check permissions); it keeps the menu to the user's work.

Screen modules are imported when an entry is opened, not at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from mifin_tui.i18n import N_
from mifin_tui.services.context import Context

if TYPE_CHECKING:
    from textual.screen import Screen

GROUPS: dict[str, str] = {
    "accounts": N_("Members and accounts"),
    "books": N_("Books"),
    "control": N_("Control"),
    "admin": N_("Administration"),
    "session": N_("My session"),
}


@dataclass(frozen=True)
class MenuEntry:
    id: str
    label: str  # English msgid, translated when shown
    help: str  # one sentence for the command palette (msgid)
    group: str  # a key of GROUPS
    permission: str | None  # None: every logged-in user
    key: str | None  # the F-key that opens it from the main menu
    screen: str | None = None  # "module:Class" under mifin_tui.screens, built with (ctx)
    action: str | None = None  # or an App action, e.g. "logout"

    def allowed(self, ctx: Context) -> bool:
        return self.permission is None or ctx.can(self.permission)

    def build(self, ctx: Context) -> Screen:
        if self.screen is None:
            raise ValueError(f"menu entry {self.id} opens no screen")
        module, _sep, name = self.screen.partition(":")
        factory: Callable[[Context], Screen] = getattr(
            import_module(f"mifin_tui.screens.{module}"), name)
        return factory(ctx)


ENTRIES: tuple[MenuEntry, ...] = (
    MenuEntry("account_lookup", N_("Account lookup"),
              N_("Find a member or an account; balances and statements."),
              "accounts", "account.read", "f2", screen="account_lookup:AccountLookupScreen"),
    MenuEntry("journal", N_("General journal"),
              N_("The transactions of the branch, newest first."),
              "books", "ledger.read", "f4", screen="journal:JournalScreen"),
    MenuEntry("audit_log", N_("Audit log"),
              N_("Who did what and when, with a search."),
              "control", "audit.read", "f5", screen="audit_log:AuditLogScreen"),
    MenuEntry("verify", N_("Verify the books"),
              N_("Check that the ledger balances and the audit chain is intact."),
              "control", "audit.verify", "f6", screen="verify:VerifyScreen"),
    MenuEntry("users", N_("Users"),
              N_("Add users, reset passwords, lock, unlock, change roles."),
              "admin", "user.manage", "f7", screen="users:UsersScreen"),
    MenuEntry("password", N_("My password"), N_("Change your own password."),
              "session", None, "f8", screen="password:PasswordScreen"),
    MenuEntry("language", N_("Language"), N_("Work in French or in English."),
              "session", None, "f9", screen="language:LanguageScreen"),
    MenuEntry("logout", N_("Log out"), N_("End your session and return to the login screen."),
              "session", None, "f10", action="logout"),
)

_BY_ID = {entry.id: entry for entry in ENTRIES}


def get(entry_id: str) -> MenuEntry | None:
    return _BY_ID.get(entry_id)


def entries_for(ctx: Context) -> list[MenuEntry]:
    """The entries `ctx`'s user may open, in menu order."""
    return [entry for entry in ENTRIES if entry.allowed(ctx)]
