"""Pending approvals (manager): vault transfers above the limit wait here.

F2 approves (with an optional note): the cash moves and the TC voucher prints on
this workstation. F4 rejects (the reason is required). Nobody approves his own
request: the service refuses it, and the message says so.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.screens.common.pending_list import PendingListScreen
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.services.cash import transfers
from mifin_tui.services.cash.transfers import TransferView
from mifin_tui.services.kernel.context import Context
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


class ApprovalsScreen(PendingListScreen):
    TITLE_MSGID = N_("Pending approvals")
    AUTO_FOCUS = "#pending"
    BINDINGS = [
        Binding("f2", "approve", N_("Approve"), id="approvals.approve"),
        Binding("f4", "reject", N_("Reject"), id="approvals.reject"),
        Binding("f5", "refresh", N_("Refresh"), id="approvals.refresh"),
    ]
    COLUMNS = ((N_("No."), 4), (N_("Date"), 10), (N_("Kind"), 8), (N_("Till"), 6),
               (N_("Amount"), 16), (N_("Asked by"), 16))
    pending: list[TransferView]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.outcomes: list[str] = []

    def load(self) -> list[TransferView]:
        return transfers.pending(self.ctx)

    def cells(self, t: TransferView) -> list[Text]:
        till = t.to_till if t.direction == "supply" else t.from_till
        return [Text(str(t.id), no_wrap=True), Text(fmt_date(t.business_date), no_wrap=True),
                Text(_(DIRECTION_WORDS.get(t.direction, t.direction)), no_wrap=True),
                Text(till, no_wrap=True),
                Text(fmt_amount(t.amount, t.currency), justify="right", no_wrap=True),
                Text(t.requested_by, no_wrap=True, overflow="ellipsis")]

    def count_text(self, n: int) -> str:
        return ngettext("{n} transfer waits for your decision.",
                        "{n} transfers wait for your decision.", n).format(n=n) if n else \
            _("No transfer waits for approval.")

    def detail_text(self, t: TransferView) -> str:
        text = transfer_sentence(t)
        if t.reason:
            text += " " + _("Reason: {reason}").format(reason=t.reason)
        return text

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
        self.say("\n".join(self.outcomes))
