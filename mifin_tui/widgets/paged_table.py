"""PagedTable: a DataTable that reads its rows a page at a time (keyset paging).

DataTable keeps every row it is given, so a list of 200,000 rows must never be
handed over at once. The owner gives a `fetch(after, limit)` that returns the
next page after the key of the last row shown (None for the first page); the
table asks for the next page when the cursor reaches its last row.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual.widgets import DataTable

from mifin_tui.i18n import _

R = TypeVar("R")

Cell = str | tuple[str, str]  # text, or (text, "right") for figures


class PagedTable(DataTable, Generic[R]):
    PAGE_SIZE = 100

    def __init__(
        self,
        *,
        columns: Sequence[tuple[str, int | None]],
        fetch: Callable[[Any, int], Sequence[R]],
        key: Callable[[R], Hashable],
        cells: Callable[[R], Sequence[Cell]],
        page_size: int | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`columns`: (msgid of the heading, width or None for auto)."""
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=False)
        self._column_specs = list(columns)
        self._fetch = fetch
        self._key = key
        self._cells = cells
        self.page_size = page_size or self.PAGE_SIZE
        self.records: list[R] = []
        self.exhausted = False
        self.pages_loaded = 0

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        for heading, width in self._column_specs:
            self.add_column(_(heading), width=width)

    def reload(self) -> None:
        """Start again from the first page (after a search, a refresh, a new language)."""
        self.clear(columns=True)
        self._add_columns()
        self.records = []
        self.exhausted = False
        self.pages_loaded = 0
        self.load_next_page()

    def load_next_page(self) -> int:
        """Fetch and append the next page; returns how many rows came."""
        if self.exhausted:
            return 0
        after = self._key(self.records[-1]) if self.records else None
        page = list(self._fetch(after, self.page_size))
        for record in page:
            self.add_row(*(self._cell(c) for c in self._cells(record)))
        self.records.extend(page)
        self.pages_loaded += 1
        if len(page) < self.page_size:
            self.exhausted = True
        return len(page)

    @staticmethod
    def _cell(cell: Cell) -> Text:
        text, justify = (cell, "left") if isinstance(cell, str) else cell
        # Text, not str: a str cell is read as markup, and data may hold "[".
        return Text(text or "", justify=justify, no_wrap=True, overflow="ellipsis")

    @property
    def current(self) -> R | None:
        """The record under the cursor."""
        if not self.records or self.cursor_row < 0 or self.cursor_row >= len(self.records):
            return None
        return self.records[self.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Reaching the last row loads the next page; the event still bubbles to the screen.
        if event.cursor_row >= self.row_count - 1 and not self.exhausted:
            self.load_next_page()
