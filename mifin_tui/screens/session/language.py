"""Language: the user works in French or in English; the choice is kept with his account."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mifin_tui.i18n import LANGUAGES, N_, _, current_language
from mifin_tui.messages import LanguageChanged
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.admin import users
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.widgets.formatting import LANGUAGE_NAMES


class LanguageScreen(MifinScreen):
    TITLE_MSGID = N_("Language")
    AUTO_FOCUS = "#languages"

    def compose_body(self) -> ComposeResult:
        yield Static(_("Choose with the arrows, then Enter."), classes="hint", markup=False)
        yield OptionList(*(Option(f"{LANGUAGE_NAMES[lang]} ({lang})", id=lang)
                           for lang in LANGUAGES), id="languages")

    def on_mount(self) -> None:
        options = self.query_one("#languages", OptionList)
        options.highlighted = options.get_option_index(current_language())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        language = event.option.id or current_language()
        try:
            users.set_language(self.ctx, language)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        # Both through the App's queue, in this order: the screens beneath redraw
        # themselves when they resume, by then in the new language.
        self.app.post_message(LanguageChanged(language))
        self.app.call_later(self.dismiss)
