"""What the screens listing tills share: the till under the cursor, and its detail."""

from __future__ import annotations

from textual.widgets import DataTable

from mifin_tui.services.cash.tills import TillView


class TillTableMixin:
    """For a screen with a DataTable `#tills`, one row per till of `self.tills`, and a
    `show_detail()` that describes `self.current`."""

    tills: list[TillView]

    @property
    def current(self) -> TillView | None:
        table = self.query_one("#tills", DataTable)  # type: ignore[attr-defined]
        if not self.tills or not 0 <= table.cursor_row < len(self.tills):
            return None
        return self.tills[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()  # type: ignore[attr-defined]
