"""The base of the loan work lists (committee, gérant, cashier): a table of loans, the
highlighted one's details under it (Tab moves into them; arrows, Page keys, Home and End
scroll them), the keys acting on it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mifin_tui.i18n import _, ngettext
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import states as loan_states
from mifin_tui.services.loans import steps as loan_steps
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.views import LoanLine
from mifin_tui.widgets.formatting import fmt_amount


def state_width() -> int:
    """The State column as wide as the longest state in the current language (and its
    heading): a state cut short ("En commissio") is a state misread."""
    return max(len(_("State")), *(len(loan_states.state_label(s)) for s in loan_states.STATES))


class LoanListScreen(MifinScreen):
    AUTO_FOCUS = "#loans"
    STATES: tuple[str, ...] = ()
    EMPTY = ""
    # action -> the step (loans.steps) it takes: its key shows only on a line where the
    # user may take that step now
    STEP_OF_ACTION: dict[str, str] = {}

    def __init__(self, ctx: Context, loan_id: int | None = None) -> None:
        super().__init__(ctx)
        self.rows: list[LoanLine] = []
        self.row_steps: dict[int, tuple[str, ...]] = {}
        self.focus_loan = loan_id  # opened from a loan card: its line is highlighted

    def compose_body(self) -> ComposeResult:
        yield Static("", id="loans-count", classes="summary", markup=False)
        table = DataTable(id="loans", cursor_type="row")
        # the list as high as its lines (up to 8), the file's detail takes the rest: at
        # 80x24 a list of one file left the detail 9 lines. Inline: the app's own
        # `DataTable { height: 1fr }` outranks a screen's default CSS.
        table.styles.height = "auto"
        table.styles.max_height = 9
        yield table
        # focusable: the detail of a file is longer than the room under the table
        with VerticalScroll(id="loan-detail-box"):
            yield Static("", id="loan-detail", markup=False)
        yield Static("", id="loans-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#loans", DataTable)
        table.add_column(_("Loan"), width=18)
        table.add_column(_("Member"), width=20)
        table.add_column(_("Amount"), width=16)
        table.add_column(_("State"), width=state_width())
        self.action_refresh()

    def load_rows(self) -> list[LoanLine]:
        return loan_views.by_state(self.ctx, *self.STATES)

    def action_refresh(self) -> None:
        try:
            self.rows = self.load_rows()
            if self.STEP_OF_ACTION:
                self.row_steps = {r.id: loan_steps.steps_for(self.ctx, r.id)
                                  for r in self.rows}
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one("#loans", DataTable)
        table.clear()
        for r in self.rows:
            table.add_row(Text(r.number, no_wrap=True),
                          Text(r.member_name, no_wrap=True, overflow="ellipsis"),
                          Text(fmt_amount(r.amount, r.currency), justify="right"),
                          Text(r.state_word, no_wrap=True))
        self.query_one("#loans-count", Static).update(
            ngettext("{n} loan.", "{n} loans.", len(self.rows)).format(n=len(self.rows))
            + " " + _("Tab: the file under the list; arrows and Page keys scroll it.")
            if self.rows else _(self.EMPTY))
        if self.focus_loan is not None:
            highlight(self, self.focus_loan)
        self.show_detail()
        self.refresh_bindings()

    @property
    def current(self) -> LoanLine | None:
        table = self.query_one("#loans", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()
        self.refresh_bindings()

    def detail_lines(self, loan: LoanLine) -> list[str]:
        return []

    def show_detail(self) -> None:
        r = self.current
        self.query_one("#loan-detail", Static).update(
            "\n".join(self.detail_lines(r)) if r else "")

    def say(self, message: str) -> None:
        self.query_one("#loans-result", Static).update(message)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.STEP_OF_ACTION:
            r = self.current
            return r is not None and self.STEP_OF_ACTION[action] in self.row_steps.get(
                r.id, ())
        if action not in ("refresh", "back"):
            return bool(self.rows)
        return True


def highlight(screen: LoanListScreen, loan_id: int) -> bool:
    """Put the list's cursor on the loan `loan_id` (a line of any work list: its `id`, or
    the `loan_id` of the waiting list's lines); False when it is not listed."""
    for index, row in enumerate(screen.rows):
        if getattr(row, "loan_id", getattr(row, "id", None)) == loan_id:
            screen.query_one("#loans", DataTable).move_cursor(row=index)
            return True
    return False
