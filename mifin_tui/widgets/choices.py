"""Choices in a form: a select, and boxes to tick; Enter moves on as in a text field."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.css.query import NoMatches
from textual.strip import Strip
from textual.widgets import Select, SelectionList, Static
from textual.widgets._select import NoSelection, SelectCurrent
from textual.widgets.option_list import OptionDoesNotExist

from mifin_tui.i18n import _
from mifin_tui.widgets.fields import FormKeys


class FormSelect(FormKeys, Select):
    """A Select in a form: Enter moves on like in a text field (Down or Space opens it).

    The chosen option is drawn across the whole width of the field, so that the reverse
    video of the focused field (app.tcss) covers all of it: Textual draws the blank after
    a label without its text style, which left only the words marked, an empty field not
    at all, under NO_COLOR or on the Linux console.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        kwargs.setdefault("prompt", _("Select"))  # Textual's own prompt is English
        super().__init__(*args, **kwargs)

    def _watch_value(self, value) -> None:  # Textual's watcher: the label is set there
        super()._watch_value(value)
        self._fill_label()

    def _watch_prompt(self, prompt: str) -> None:
        super()._watch_prompt(prompt)
        self._fill_label()

    def _fill_label(self) -> None:
        try:
            current = self.query_one(SelectCurrent)
            label = current.query_one("#label", Static)
        except NoMatches:
            return
        shown = current.placeholder if isinstance(current.label, NoSelection) else current.label
        text = shown.copy() if isinstance(shown, Text) else Text(str(shown))
        label.update(Text.assemble(text, " " * 240, no_wrap=True, overflow="crop"))

    def on_mount(self) -> None:
        self._fill_label()


class ChoiceList(FormKeys, SelectionList):
    """Boxes to tick in a form: Space ticks, Enter moves on like in a text field.

    A ticked box reads "[x]", an empty one "[ ]": Textual's own box differs only by
    colour, and its half-block glyphs are missing from the Linux console font.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)

    def action_select(self) -> None:
        # Toggle now, not when an OptionSelected message comes round (as SelectionList
        # does, toggling whatever is highlighted by then): with "Space, Down, Space,
        # Enter" typed ahead, each Space ticks its own option before Enter saves.
        if self.highlighted is not None:
            self.toggle(self.get_option_at_index(self.highlighted))

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        try:
            choice = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if len(segments) < 4:
            return strip
        # The first three segments are the box; the fourth, a space in the prompt's style.
        mark = "[x]" if choice.value in self.selected else "[ ]"
        return Strip([Segment(mark, segments[3].style), *segments[3:]])
