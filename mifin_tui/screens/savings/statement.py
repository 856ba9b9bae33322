"""An account's statement: its lines, newest first, a page at a time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.kernel import accounts, ledger
from mifin_tui.services.kernel.accounts import AccountView
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.ledger import StatementLine
from mifin_tui.widgets import PagedTable
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


class StatementScreen(MifinScreen):
    TITLE_MSGID = N_("Account statement")
    AUTO_FOCUS = "#lines"
    BINDINGS = [Binding("f5", "refresh", N_("Refresh"), id="statement.refresh")]

    def __init__(self, ctx: Context, account: AccountView) -> None:
        super().__init__(ctx)
        self.account = account

    def compose_body(self) -> ComposeResult:
        acc = self.account
        yield Static(_("{number}  {name}  {holder}").format(
            number=acc.number, name=acc.name, holder=acc.holder), classes="summary",
            markup=False)
        yield Static(self._balance_text(), id="balance", classes="summary", markup=False)
        yield PagedTable(
            id="lines",
            columns=[(N_("Date"), 10), (N_("Voucher"), 18), (N_("Debit"), 12),
                     (N_("Credit"), 12), (N_("Balance"), 13)],
            fetch=lambda after, limit: ledger.statement(
                self.ctx, self.account.id, before_entry_id=after, limit=limit),
            key=lambda line: line.entry_id,
            cells=self._cells,
        )
        yield Static("", id="detail", classes="detail", markup=False)

    def _cells(self, line: StatementLine):
        cur = self.account.currency

        def money(minor: int) -> tuple[str, str]:
            return (fmt_amount(minor, cur, symbol=False) if minor else "", "right")

        return (fmt_date(line.business_date), line.voucher_number or "", money(line.debit),
                money(line.credit), (fmt_amount(line.balance_after, cur, symbol=False), "right"))

    def _balance_text(self) -> str:
        return _("Balance: {balance}").format(
            balance=fmt_amount(self.account.balance, self.account.currency))

    def on_mount(self) -> None:
        self.query_one(PagedTable).reload()
        self.show_detail()

    def action_refresh(self) -> None:
        try:
            self.account = accounts.find_by_number(self.ctx, self.account.number)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        self.query_one("#balance", Static).update(self._balance_text())
        self.query_one(PagedTable).reload()
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The full line under the cursor (the table has no room for the label)."""
        line = self.query_one(PagedTable).current
        detail = self.query_one("#detail", Static)
        if line is None:
            detail.update(_("No movement on this account yet."))
            return
        detail.update(_("{date}  {voucher}  by {user}: {label}").format(
            date=fmt_date(line.business_date), voucher=line.voucher_number or "-",
            user=line.username, label=line.label))
