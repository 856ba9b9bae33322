"""Pending approvals (manager): vault transfers above the limit wait here.

F2 approves (with an optional note): the cash moves and the TC voucher prints on
this workstation. F4 rejects (the reason is required). Nobody approves his own
request: the service refuses it, and the message says so.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.printing import PrintOutcome
from mifin_tui.screens.base import MifinScreen
from mifin_tui.screens.dialogs import NoteDialog
from mifin_tui.screens.print_jobs import print_voucher
from mifin_tui.services import transfers
from mifin_tui.services.context import Context
from mifin_tui.services.errors import MifinError
from mifin_tui.services.transfers import TransferView
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

DIRECTION_WORDS = {"supply": N_("Supply"), "return": N_("Return")}


def transfer_sentence(t: TransferView) -> str:
    amount = fmt_amount(t.amount, t.currency)
    if t.direction == "supply":
        text = _("Supply {amount} from the vault to till {till}").format(
            amount=amount, till=t.to_till)
    else:
        text = _("Return {amount} from till {till} to the vault").format(
            amount=amount, till=t.from_till)
    return _("{what}, asked by {user} on {date}.").format(
        what=text, user=t.requested_by, date=fmt_date(t.business_date))


class ApprovalsScreen(MifinScreen):
    TITLE_MSGID = N_("Pending approvals")
    AUTO_FOCUS = "#pending"
    BINDINGS = [
        Binding("f2", "approve", N_("Approve"), id="approvals.approve"),
        Binding("f4", "reject", N_("Reject"), id="approvals.reject"),
        Binding("f5", "refresh", N_("Refresh"), id="approvals.refresh"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.pending: list[TransferView] = []
        self.outcomes: list[str] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="pending-count", classes="summary", markup=False)
        yield DataTable(id="pending", cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)
        yield Static("", id="approvals-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#pending", DataTable)
        table.add_column(_("No."), width=4)
        table.add_column(_("Date"), width=10)
        table.add_column(_("Kind"), width=8)
        table.add_column(_("Till"), width=6)
        table.add_column(_("Amount"), width=16)
        table.add_column(_("Asked by"), width=16)
        self.action_refresh()

    def action_refresh(self) -> None:
        try:
            self.pending = transfers.pending(self.ctx)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one("#pending", DataTable)
        table.clear()
        for t in self.pending:
            till = t.to_till if t.direction == "supply" else t.from_till
            table.add_row(
                Text(str(t.id), no_wrap=True), Text(fmt_date(t.business_date), no_wrap=True),
                Text(_(DIRECTION_WORDS.get(t.direction, t.direction)), no_wrap=True),
                Text(till, no_wrap=True),
                Text(fmt_amount(t.amount, t.currency), justify="right", no_wrap=True),
                Text(t.requested_by, no_wrap=True, overflow="ellipsis"))
        n = len(self.pending)
        self.query_one("#pending-count", Static).update(
            ngettext("{n} transfer waits for your decision.",
                     "{n} transfers wait for your decision.", n).format(n=n) if n else
            _("No transfer waits for approval."))
        self.show_detail()
        self.refresh_bindings()

    @property
    def current(self) -> TransferView | None:
        table = self.query_one("#pending", DataTable)
        if not self.pending or not 0 <= table.cursor_row < len(self.pending):
            return None
        return self.pending[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_approve()

    def show_detail(self) -> None:
        t = self.current
        detail = self.query_one("#detail", Static)
        if t is None:
            detail.update("")
            return
        text = transfer_sentence(t)
        if t.reason:
            text += " " + _("Reason: {reason}").format(reason=t.reason)
        detail.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "reject"):
            return bool(self.pending)
        return True

    # --- deciding -----------------------------------------------------------------------

    def action_approve(self) -> None:
        t = self.current
        if t is None or self.app.screen is not self:
            return

        def decided(done: TransferView | None) -> None:
            if done is None:
                return
            self.outcomes = [_("Request no. {id} approved: posted with voucher {number}. "
                               "Printing the voucher...").format(
                id=done.id, number=done.voucher_number)]
            self.show_outcomes()
            self.action_refresh()
            if done.doc is not None:
                print_voucher(self.app, done.doc, on_done=self.printed)

        self.app.push_screen(NoteDialog(
            _("Approve request no. {id}?").format(id=t.id),
            [transfer_sentence(t), _("Reason: {reason}").format(reason=t.reason or "-"),
             _("The cash moves now and the voucher (TC) prints here.")],
            lambda note: transfers.approve(self.ctx, t.id, note),
            note_label=_("Note (optional)"),
            hint=_("F2 or Enter approves; Escape goes back.")), callback=decided)

    def action_reject(self) -> None:
        t = self.current
        if t is None or self.app.screen is not self:
            return

        def decided(done: TransferView | None) -> None:
            if done is None:
                return
            self.outcomes = [_("Request no. {id} rejected.").format(id=done.id)]
            self.show_outcomes()
            self.action_refresh()

        self.app.push_screen(NoteDialog(
            _("Reject request no. {id}?").format(id=t.id),
            [transfer_sentence(t), _("Reason: {reason}").format(reason=t.reason or "-")],
            lambda note: transfers.reject(self.ctx, t.id, note),
            note_label=_("Reason for the refusal (required)"),
            hint=_("F2 or Enter rejects; Escape goes back.")), callback=decided)

    def printed(self, outcome: PrintOutcome) -> None:
        self.outcomes.append(outcome.message)
        self.show_outcomes()

    def show_outcomes(self) -> None:
        self.query_one("#approvals-result", Static).update("\n".join(self.outcomes))
