"""Withdrawals waiting for the gérant (above the limit, dormant accounts).

F2 approves (optional note): nothing is paid yet, the cashier pays it at his till and
the BS prints there. F4 rejects (reason required). Nobody approves his own request.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.base import MifinScreen
from mifin_tui.screens.dialogs import NoteDialog
from mifin_tui.services import savings
from mifin_tui.services.context import Context
from mifin_tui.services.errors import MifinError
from mifin_tui.services.savings import RequestView
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


def request_sentence(r: RequestView) -> str:
    return _("Withdraw {amount} from {number} ({holder}) for {party}: {purpose}. Asked by "
             "{user} on {date}; {why}.").format(
        amount=fmt_amount(r.amount, r.currency), number=r.account_number, holder=r.holder,
        party=r.party_name, purpose=r.purpose, user=r.requested_by,
        date=fmt_date(r.business_date), why=r.reasons_text)


class WithdrawalApprovalsScreen(MifinScreen):
    TITLE_MSGID = N_("Withdrawals to approve")
    AUTO_FOCUS = "#requests"
    BINDINGS = [
        Binding("f2", "approve", N_("Approve"), id="wapprovals.approve"),
        Binding("f4", "reject", N_("Reject"), id="wapprovals.reject"),
        Binding("f5", "refresh", N_("Refresh"), id="wapprovals.refresh"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.pending: list[RequestView] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="requests-count", classes="summary", markup=False)
        yield DataTable(id="requests", cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)
        yield Static("", id="wapprovals-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#requests", DataTable)
        table.add_column(_("No."), width=4)
        table.add_column(_("Account"), width=19)
        table.add_column(_("Amount"), width=16)
        table.add_column(_("Why"), width=14)
        table.add_column(_("Asked by"), width=14)
        self.action_refresh()

    def action_refresh(self) -> None:
        try:
            self.pending = savings.pending_requests(self.ctx)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one("#requests", DataTable)
        table.clear()
        for r in self.pending:
            table.add_row(Text(str(r.id)), Text(r.account_number, no_wrap=True),
                          Text(fmt_amount(r.amount, r.currency), justify="right"),
                          Text(r.reasons_text, no_wrap=True, overflow="ellipsis"),
                          Text(r.requested_by, no_wrap=True, overflow="ellipsis"))
        n = len(self.pending)
        self.query_one("#requests-count", Static).update(
            ngettext("{n} withdrawal waits for your decision.",
                     "{n} withdrawals wait for your decision.", n).format(n=n) if n else
            _("No withdrawal waits for approval."))
        self.show_detail()
        self.refresh_bindings()

    @property
    def current(self) -> RequestView | None:
        table = self.query_one("#requests", DataTable)
        if not self.pending or not 0 <= table.cursor_row < len(self.pending):
            return None
        return self.pending[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_approve()

    def show_detail(self) -> None:
        r = self.current
        self.query_one("#detail", Static).update(request_sentence(r) if r else "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "reject"):
            return bool(self.pending)
        return True

    def _decide(self, approve: bool) -> None:
        r = self.current
        if r is None or self.app.screen is not self:
            return

        def decided(done: RequestView | None) -> None:
            if done is None:
                return
            self.query_one("#wapprovals-result", Static).update(
                (_("Request no. {id} approved: the cashier may pay it.") if approve else
                 _("Request no. {id} rejected.")).format(id=done.id))
            self.action_refresh()

        if approve:
            dialog = NoteDialog(_("Approve request no. {id}?").format(id=r.id),
                                [request_sentence(r)],
                                lambda note: savings.approve_request(self.ctx, r.id, note),
                                note_label=_("Note (optional)"),
                                hint=_("F2 or Enter approves; Escape goes back."))
        else:
            dialog = NoteDialog(_("Reject request no. {id}?").format(id=r.id),
                                [request_sentence(r)],
                                lambda note: savings.reject_request(self.ctx, r.id, note),
                                note_label=_("Reason for the refusal (required)"),
                                hint=_("F2 or Enter rejects; Escape goes back."))
        self.app.push_screen(dialog, callback=decided)

    def action_approve(self) -> None:
        self._decide(True)

    def action_reject(self) -> None:
        self._decide(False)
