"""The institution's settings (administrator): every setting, its value, and what it takes
(its schema's help, #21). The highlighted setting's value is edited below the list, as
JSON (`500000`, `[5, 6]`, `{"USD": 100000, "CDF": 250000000}`) or plain words for a text
setting; F2 shows the change and saves it once confirmed. A value that breaks the schema
is refused at the field with the service's message, and nothing changes."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import confirm_then
from mifin_tui.services.kernel import settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.kernel.settings import SettingView
from mifin_tui.widgets import FieldError, TextField


def shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class SettingsScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Settings")
    AUTO_FOCUS = "#settings"
    BINDINGS = [
        Binding("f2", "submit", N_("Save"), id="settings.save"),
        Binding("f3", "edit", N_("Edit"), id="settings.edit"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.rows: list[SettingView] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="settings", cursor_type="row")
        yield Static("", id="setting-help", classes="detail", markup=False)
        yield TextField(id="value", max_length=2000, classes="submit-on-enter")
        yield FieldError(id="error-value")
        yield FieldError(id="error-form")
        yield Static("", id="settings-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#settings", DataTable)
        table.add_column(_("Setting"), width=30)
        table.add_column(_("Value"), width=44)
        self.reload()

    def reload(self) -> None:
        try:
            self.rows = settings.listing(self.ctx)
        except MifinError as exc:
            self.show_form_error(str(exc))
            return
        table = self.query_one("#settings", DataTable)
        row = table.cursor_row
        table.clear()
        for s in self.rows:
            table.add_row(Text(s.key, no_wrap=True, overflow="ellipsis"),
                          Text(shown(s.value), no_wrap=True, overflow="ellipsis"))
        if self.rows:
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1))
        self.show_current()

    @property
    def current(self) -> SettingView | None:
        row = self.query_one("#settings", DataTable).cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_current()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def show_current(self) -> None:
        s = self.current
        self.clear_errors()
        if s is None:
            return
        default = _(" (default)") if s.is_default else ""
        self.query_one("#setting-help", Static).update(
            f"{_(s.label)}{default}\n{s.help}")
        self.query_one("#value", TextField).value = shown(s.value)

    def action_edit(self) -> None:
        self.query_one("#value", TextField).focus()

    def action_submit(self) -> None:
        s = self.current
        if s is None:
            return
        self.clear_errors()
        try:
            value = settings.parse_typed(s.key, self.query_one("#value", TextField).value)
        except ValidationError as exc:
            self.show_errors({"value": " ".join(exc.errors.values())})
            return
        if value == s.value:
            self.query_one("#settings-result", Static).update(_("Nothing changed."))
            return
        confirm_then(self, _("Change {key}?").format(key=s.key),
                     [_(s.label), _("Before: {value}").format(value=shown(s.value)),
                      _("After: {value}").format(value=shown(value))],
                     lambda: self._save(s, value))

    def _save(self, s: SettingView, value: Any) -> None:
        try:
            settings.change(self.ctx, s.key, value)
        except ValidationError as exc:
            self.show_errors({"value": " ".join(exc.errors.values())})
            return
        except MifinError as exc:
            self.show_form_error(str(exc))
            return
        self.query_one("#settings-result", Static).update(
            _("{key} saved.").format(key=s.key))
        self.reload()
