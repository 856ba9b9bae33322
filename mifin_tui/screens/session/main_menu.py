"""The main menu: the entries of the user's roles, by group, with number and F-key shortcuts.

The entries marked `main=False` are not on it but under "Other screens" (0), so that the
menu of every role fits 80x24; their F-keys work from the main menu all the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from mifin_tui.i18n import N_, _
from mifin_tui.menu import GROUPS, MenuEntry, keys_for
from mifin_tui.messages import OpenEntry
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.kernel.context import Context

LABEL_WIDTH = 44
OTHERS = "__others__"


class MainMenuScreen(MifinScreen):
    SHOW_SESSION_KEYS = True

    TITLE_MSGID = N_("Main menu")
    AUTO_FOCUS = "#menu"

    def __init__(self, ctx: Context, entries: Sequence[MenuEntry]) -> None:
        super().__init__(ctx)
        allowed = list(entries)
        self.entries = self.shown(allowed)
        self.others = [e for e in allowed if e not in self.entries]
        for number, entry in enumerate(self.entries[:9], start=1):
            self._bindings.bind(str(number), f"open('{entry.id}')", show=False)
        if self.others:
            self._bindings.bind("0", "others", show=False)
        self.keys = {entry.id: key for key, entry in keys_for(allowed).items()}
        for entry in allowed:
            key = self.keys.get(entry.id)
            if key and entry.screen:  # action entries (log out) have App-wide keys
                self._bindings.bind(key, f"open('{entry.id}')", show=False)

    @staticmethod
    def shown(entries: list[MenuEntry]) -> list[MenuEntry]:
        """The entries this menu lists (the others go under "Other screens")."""
        return [e for e in entries if e.main]

    def compose_body(self) -> ComposeResult:
        yield OptionList(id="menu")

    def on_mount(self) -> None:
        self.fill()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.fill()

    def fill(self) -> None:
        """(Re)write the options in the current language, keeping the cursor."""
        menu = self.query_one("#menu", OptionList)
        keep = menu.highlighted_option.id if menu.highlighted_option else None
        options: list[Option] = []
        group = None
        for number, entry in enumerate(self.entries, start=1):
            if entry.group != group:
                group = entry.group
                options.append(Option(Text(_(GROUPS[group]), style="bold underline"),
                                      disabled=True))
            options.append(Option(self._prompt(number, entry, self.keys.get(entry.id)),
                                  id=entry.id))
        if self.others:
            text = Text(no_wrap=True, overflow="ellipsis")
            text.append(" 0  ")
            text.append(_("Other screens ({count})").format(count=len(self.others)))
            options.append(Option(text, id=OTHERS))
        menu.set_options(options)
        target = keep or (self.entries[0].id if self.entries else None)
        if target:
            menu.highlighted = menu.get_option_index(target)

    @staticmethod
    def _prompt(number: int, entry: MenuEntry, key: str | None) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {number if number <= 9 else ' '}  ")
        text.append(_(entry.label).ljust(LABEL_WIDTH))
        if key:
            text.append(key.upper(), style="bold")
        return text

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == OTHERS:
            self.action_others()
        elif event.option.id:
            self.post_message(OpenEntry(event.option.id))

    def action_others(self) -> None:
        if self.others:
            self.app.push_screen(OtherScreensScreen(self.ctx, self.others))

    def action_open(self, entry_id: str) -> None:
        self.post_message(OpenEntry(entry_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The main menu is the bottom of a session: Escape does not leave it.
        return action != "back"


class OtherScreensScreen(MainMenuScreen):
    """The entries the main menu leaves out, by group, numbered; Escape goes back."""

    SHOW_SESSION_KEYS = False
    TITLE_MSGID = N_("Other screens")

    @staticmethod
    def shown(entries: list[MenuEntry]) -> list[MenuEntry]:
        return entries

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return True
