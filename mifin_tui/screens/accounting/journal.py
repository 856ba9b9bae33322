"""The general journal: the branch's transactions, newest first, a page at a time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.kernel import ledger
from mifin_tui.services.kernel.ledger import TxnSummary
from mifin_tui.widgets import PagedTable
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


class JournalScreen(MifinScreen):
    TITLE_MSGID = N_("General journal")
    AUTO_FOCUS = "#journal"
    BINDINGS = [Binding("f5", "refresh", N_("Refresh"), id="journal.refresh")]

    def compose_body(self) -> ComposeResult:
        yield PagedTable(
            id="journal",
            columns=[(N_("Date"), 10), (N_("Voucher"), 18), (N_("Amount"), 16),
                     (N_("User"), 10), (N_("Label"), 12)],
            fetch=lambda after, limit: ledger.journal(self.ctx, before_id=after, limit=limit),
            key=lambda txn: txn.id,
            cells=lambda txn: (
                fmt_date(txn.business_date), txn.voucher_number or f"#{txn.id}",
                (fmt_amount(txn.amount, txn.currency), "right"), txn.username, txn.label),
        )
        yield Static("", id="detail", classes="detail", markup=False)

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one(PagedTable).reload()
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        txn: TxnSummary | None = self.query_one(PagedTable).current
        detail = self.query_one("#detail", Static)
        if txn is None:
            detail.update(_("No transaction in the journal yet."))
            return
        text = _("Transaction {id} ({kind}) of {date} by {user}: {label}").format(
            id=txn.id, kind=ledger.kind_label(txn.kind), date=fmt_date(txn.business_date),
            user=txn.username, label=txn.label)
        if txn.reverses:
            text += " " + _("It reverses transaction {id}.").format(id=txn.reverses)
        detail.update(text)
