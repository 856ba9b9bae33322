"""The base of the gérant's lists of requests to decide (vault transfers, withdrawals):
a count, a table, the highlighted request in a sentence, F2 approves, F4 rejects, F5
reloads, Enter on a row approves. Subclasses say what they list and how to decide."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from mifin_tui.i18n import _
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError


class PendingListScreen(MifinScreen):
    # Element ids (tests and the CSS know them), and the table's columns (msgid, width).
    TABLE_ID: ClassVar[str] = "pending"
    COUNT_ID: ClassVar[str] = "pending-count"
    RESULT_ID: ClassVar[str] = "approvals-result"
    COLUMNS: ClassVar[Sequence[tuple[str, int]]] = ()

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.pending: list[Any] = []

    # --- what a subclass gives ------------------------------------------------------------

    def load(self) -> list[Any]:
        raise NotImplementedError

    def cells(self, item: Any) -> Sequence[Text]:
        raise NotImplementedError

    def count_text(self, n: int) -> str:
        raise NotImplementedError

    def detail_text(self, item: Any) -> str:
        raise NotImplementedError

    # --- the list -------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("", id=self.COUNT_ID, classes="summary", markup=False)
        yield DataTable(id=self.TABLE_ID, cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)
        yield Static("", id=self.RESULT_ID, classes="summary", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(f"#{self.TABLE_ID}", DataTable)
        for title, width in self.COLUMNS:
            table.add_column(_(title), width=width)
        self.action_refresh()

    def action_refresh(self) -> None:
        try:
            self.pending = self.load()
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one(f"#{self.TABLE_ID}", DataTable)
        table.clear()
        for item in self.pending:
            table.add_row(*self.cells(item))
        self.query_one(f"#{self.COUNT_ID}", Static).update(self.count_text(len(self.pending)))
        self.show_detail()
        self.refresh_bindings()

    @property
    def current(self) -> Any | None:
        table = self.query_one(f"#{self.TABLE_ID}", DataTable)
        if not self.pending or not 0 <= table.cursor_row < len(self.pending):
            return None
        return self.pending[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_approve()

    def show_detail(self) -> None:
        item = self.current
        self.query_one("#detail", Static).update(self.detail_text(item) if item else "")

    def say(self, message: str) -> None:
        self.query_one(f"#{self.RESULT_ID}", Static).update(message)

    def action_approve(self) -> None:
        raise NotImplementedError

    def decide_with_note(self, question: str, lines: list[str], decide: Callable[[str], Any],
                         approve: bool, done: Callable[[Any], str]) -> None:
        """Approve (optional note) or refuse (reason required) the highlighted request in a
        NoteDialog that calls `decide(note)`; then say `done(result)` and reload."""
        from mifin_tui.screens.common.dialogs import NoteDialog

        def decided(result: Any | None) -> None:
            if result is None:
                return
            self.say(done(result))
            self.action_refresh()

        self.app.push_screen(NoteDialog(
            question, lines, decide,
            note_label=_("Note (optional)") if approve else
            _("Reason for the refusal (required)"),
            hint=_("F2 or Enter confirms; Escape goes back.")), callback=decided)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "reject"):
            return bool(self.pending)
        return True
