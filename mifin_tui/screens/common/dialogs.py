"""Small windows shared by the counter screens: "confirm what will happen", and "give a
note, then act" (approve, reject).

Escape cancels (dismisses with None) and is never the destructive choice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import DialogScreen, FormMixin
from mifin_tui.widgets import FieldError, MifinFooter, TextField


class ConfirmDialog(DialogScreen):
    """Says what will happen; F2 or Enter dismisses with True, Escape with None."""

    CONFIRMATION = True
    BINDINGS = [
        Binding("f2", "confirm", N_("Confirm"), id="confirm.ok"),
        Binding("enter", "confirm", N_("Confirm"), id="confirm.enter", show=False),
    ]

    def __init__(self, title: str, lines: Sequence[str], *, hint: str = "") -> None:
        """`title` and `lines` are already translated."""
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.hint = hint or _("F2 or Enter confirms; Escape goes back, nothing is done.")
        self.done = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(self.title_text, classes="screen-title", markup=False)
            yield Static("\n".join(self.lines), id="confirm-lines", markup=False)
            yield Static(self.hint, classes="hint", markup=False)
        yield MifinFooter()

    def action_confirm(self) -> None:
        if not self.done:
            self.done = True
            self.dismiss(True)


class NoteDialog(FormMixin, DialogScreen):
    """A summary, a note, and an action run with the note when F2 (or Enter) is pressed.

    `action(note)` is a service call: a ValidationError shows at the note (or under
    the form), any other refusal under the form; the dialog stays open. On success
    it dismisses with what `action` returned.
    """

    AUTO_FOCUS = "#note"
    BINDINGS = [Binding("f2", "submit", N_("Confirm"), id="note.ok")]

    def __init__(self, title: str, lines: Sequence[str], action: Callable[[str], Any], *,
                 note_label: str, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.action = action
        self.note_label = note_label
        self.hint = hint
        self.done = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="screen-title", markup=False)
            yield Static("\n".join(self.lines), id="note-lines", markup=False)
            yield Label(self.note_label, markup=False)
            yield TextField(id="note", max_length=200, classes="submit-on-enter")
            yield FieldError(id="error-note")
            yield FieldError(id="error-form")
            if self.hint:
                yield Static(self.hint, classes="hint", markup=False)
        yield MifinFooter()

    def action_submit(self) -> None:
        if self.done:
            return  # an Enter typed twice: the action ran once, it does not run again
        self.clear_errors()
        ok, result = self.call_service(self.action, self.query_one("#note", TextField).value)
        if not ok:
            return
        self.done = True
        self.dismiss(result)
