"""MemberPicker: find a member by number, name or phone while typing."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.members.register import MemberSummary
from mifin_tui.widgets.fields import FieldError, TextField

SearchFunction = Callable[[str], Sequence[MemberSummary]]


class _SearchField(TextField):
    """The picker's field: Up/Down move in the results. Bound here, on the field, so
    they run in the order typed with the letters and Enter (see FormKeys)."""

    BINDINGS = [
        Binding("down", "pick(1)", N_("Next member"), show=False, id="picker.down"),
        Binding("up", "pick(-1)", N_("Previous member"), show=False, id="picker.up"),
    ]

    def action_pick(self, step: int) -> None:
        picker = self.parent
        if isinstance(picker, MemberPicker):
            picker.move(step)


class MemberPicker(Vertical):
    """A search field with the matching members below it.

    The picker is handed its search function (it knows no context nor
    permission): `MemberPicker(search=lambda text: members.search(ctx, text, 8))`.
    Typing searches after a short pause; Up/Down choose; Enter posts `Selected`.

    The matches show with none highlighted: the first Down highlights the first match,
    and Enter takes the highlighted one (the first when none is). So "Down, Enter" and
    "Enter" both take the first match, and what is picked is always what was shown
    highlighted (or the top of the list), whether or not the pause had come.
    """

    DEBOUNCE_SECONDS = 0.25
    MIN_CHARS = 2

    DEFAULT_CSS = """
    MemberPicker {
        height: auto;
    }
    MemberPicker > OptionList {
        height: auto;
        max-height: 8;
        display: none;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    MemberPicker > OptionList.-shown {
        display: block;
    }
    /* The list never takes the focus (the keys stay in the field), yet its cursor is
       the one that counts: draw it as a focused one, not as a faint blurred one. */
    MemberPicker > OptionList > .option-list--option-highlighted {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: bold;
    }
    """

    class Selected(Message):
        """A member was chosen."""

        def __init__(self, picker: MemberPicker, member: MemberSummary) -> None:
            super().__init__()
            self.picker = picker
            self.member = member

        @property
        def control(self) -> MemberPicker:
            return self.picker

    def __init__(self, search: SearchFunction, *, placeholder: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._search = search
        self._placeholder = placeholder
        self._timer: Timer | None = None
        self._searched: str | None = None
        self.results: list[MemberSummary] = []

    def compose(self) -> ComposeResult:
        placeholder = self._placeholder or _("member number, name or phone")
        yield _SearchField(placeholder=placeholder, moves_on=False)
        yield FieldError()
        options = OptionList(compact=True)
        options.can_focus = False  # the keys stay in the search field
        yield options

    @property
    def input(self) -> Input:
        return self.query_one(_SearchField)

    def focus(self, scroll_visible: bool = True) -> MemberPicker:
        self.input.focus(scroll_visible)
        return self

    def clear(self) -> None:
        self.input.value = ""
        self._show([], "")

    # --- searching ----------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.DEBOUNCE_SECONDS, self.search_now)

    def search_now(self) -> None:
        """Run the search for the text in the field (if it changed since the last one)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self.input.value.strip()
        if text == self._searched:
            return
        self._searched = text
        if len(text) < self.MIN_CHARS:
            self._show([], "")
            return
        try:
            found = list(self._search(text))
        except MifinError as exc:  # a refusal (permission) is shown at the field
            self._show([], str(exc))
            return
        self._show(found, "" if found else _("No member matches \u201c{text}\u201d.").format(
            text=text))

    def _show(self, found: list[MemberSummary], message: str) -> None:
        self.results = found
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(self._prompt(m), id=str(m.id)) for m in found)
        options.set_class(bool(found), "-shown")
        options.highlighted = None
        self.query_one(FieldError).show(message)

    @staticmethod
    def _prompt(member: MemberSummary) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(member.number, style="bold")
        text.append(f"  {member.display_name}")
        if member.city:
            text.append(f"  {member.city}")
        if member.phone:
            text.append(f"  {member.phone}")
        return text

    # --- choosing -----------------------------------------------------------------------

    def move(self, step: int) -> None:
        """Move the cursor in the results (Up/Down in the field), searching first if the
        pause after typing has not come yet."""
        self.search_now()
        options = self.query_one(OptionList)
        if not self.results:
            return
        current = options.highlighted
        if current is None:  # the first arrow enters the list at its top
            options.highlighted = 0
            return
        options.highlighted = max(0, min(len(self.results) - 1, current + step))

    @on(Input.Submitted)
    def _chosen(self, event: Input.Submitted) -> None:
        event.stop()  # Enter here chooses a member; it does not move the form on
        self.search_now()
        index = self.query_one(OptionList).highlighted
        if self.results:
            self._choose(self.results[index or 0])

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(self.results[event.option_index])

    def _choose(self, member: MemberSummary) -> None:
        self._show([], "")  # the list folds away; typing again searches again,
        self._searched = None  # even for the same text
        self.post_message(self.Selected(self, member))
