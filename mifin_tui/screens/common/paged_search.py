"""The keys and handlers of a screen that shows one PagedTable under a search field
(#search): F2 goes to the search, Enter in it reloads the table from its first page,
F5 reloads, moving the cursor redraws the line under the table (`show_detail`)."""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label

from mifin_tui.i18n import _
from mifin_tui.widgets import PagedTable, TextField


class PagedSearchMixin:
    search_text: str = ""

    def search_row(self, placeholder: str) -> Horizontal:
        """The search field, labelled, above the table (compose_body yields it)."""
        return Horizontal(Label(_("Search"), markup=False),
                          TextField(id="search", moves_on=False, placeholder=placeholder),
                          classes="row search-row")

    def show_detail(self) -> None:
        """The line under the table, for the highlighted row (or why there is none)."""

    def on_mount(self) -> None:
        self.action_refresh()

    def action_search(self) -> None:
        self.query_one("#search").focus()  # type: ignore[attr-defined]

    def action_refresh(self) -> None:
        self.query_one(PagedTable).reload()  # type: ignore[attr-defined]
        self.show_detail()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search_text = event.value.strip()
        self.action_refresh()
        self.query_one(PagedTable).focus()  # type: ignore[attr-defined]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()
