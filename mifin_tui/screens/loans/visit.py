"""The home visit's dialog: the visitor's recommendation (favourable, unfavourable, with
conditions), the conditions when there are some, and his findings. F2 records it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import DialogScreen, FormMixin
from mifin_tui.services.loans.applications import VISIT_RECOMMENDATIONS
from mifin_tui.widgets import FieldError, FormSelect, MifinFooter, TextField


class VisitDialog(FormMixin, DialogScreen):
    """Dismissed with what `action(recommendation, findings, conditions)` returned."""

    AUTO_FOCUS = "#recommendation"
    BINDINGS = [Binding("f2", "submit", N_("Record"), id="visit.ok")]

    def __init__(self, title: str, action: Callable[[str, str, str], Any]) -> None:
        super().__init__()
        self.title_text = title
        self.action = action
        self.done = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(self.title_text, classes="screen-title", markup=False)
            yield from self.field_row(_("Recommendation"), FormSelect(
                [(_(label), key) for key, label in VISIT_RECOMMENDATIONS.items()],
                id="recommendation", value="favourable", allow_blank=False),
                "recommendation")
            yield from self.field_row(_("Conditions"), TextField(id="conditions",
                                                                 max_length=200),
                                      "conditions")
            yield from self.field_row(_("Findings"), TextField(
                id="findings", max_length=500, classes="submit-on-enter"), "findings")
            yield FieldError(id="error-form")
            yield Static(_("What you saw at the member's home and business; the "
                           "conditions only with a favourable opinion with conditions. "
                           "F2 records."), classes="hint", markup=False)
        yield MifinFooter()

    def action_submit(self) -> None:
        if self.done:
            return
        self.clear_errors()
        ok, result = self.call_service(
            self.action, str(self.query_one("#recommendation", FormSelect).value),
            self.query_one("#findings", TextField).value,
            self.query_one("#conditions", TextField).value)
        if ok:
            self.done = True
            self.dismiss(result)
