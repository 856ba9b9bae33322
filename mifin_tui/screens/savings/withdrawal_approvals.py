"""Withdrawals waiting for the gérant (above the limit, dormant accounts).

F2 approves (optional note): nothing is paid yet, the cashier pays it at his till and
the BS prints there. F4 rejects (reason required). Nobody approves his own request.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.screens.common.pending_list import PendingListScreen
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.savings import accounts as savings_accounts
from mifin_tui.services.savings import withdrawals as savings_withdrawals
from mifin_tui.services.savings.withdrawals import RequestView
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


def request_sentence(r: RequestView) -> str:
    return _("Withdraw {amount} from {number} ({holder}) for {party}: {purpose}. Asked by "
             "{user} on {date}; {why}.").format(
        amount=fmt_amount(r.amount, r.currency), number=r.account_number, holder=r.holder,
        party=r.party_name, purpose=r.purpose, user=r.requested_by,
        date=fmt_date(r.business_date), why=r.reasons_text)


def account_lines(ctx, r: RequestView) -> list[str]:
    """What the approver weighs the request against: the account's balance and what is
    available now, and what would be left after it."""
    try:
        acc = savings_accounts.account_view(ctx, r.account_id)
    except MifinError as exc:
        return [str(exc)]
    money = lambda minor: fmt_amount(minor, acc.currency)  # noqa: E731
    lines = [_("Balance {balance}; available {available} (holds {holds}, minimum "
               "{minimum}).").format(balance=money(acc.balance), available=money(acc.available),
                                     holds=money(acc.holds), minimum=money(acc.min_balance)),
             _("After this withdrawal: balance {balance}, available {available}.").format(
                 balance=money(acc.balance - r.amount),
                 available=money(acc.available - r.amount))]
    if acc.state_word:
        lines.append(_("Account state: {state}").format(state=acc.state_word))
    return lines


class WithdrawalApprovalsScreen(PendingListScreen):
    TITLE_MSGID = N_("Withdrawals to approve")
    AUTO_FOCUS = "#requests"
    BINDINGS = [
        Binding("f2", "approve", N_("Approve"), id="wapprovals.approve"),
        Binding("f4", "reject", N_("Reject"), id="wapprovals.reject"),
        Binding("f5", "refresh", N_("Refresh"), id="wapprovals.refresh"),
    ]
    TABLE_ID = "requests"
    COUNT_ID = "requests-count"
    RESULT_ID = "wapprovals-result"
    COLUMNS = ((N_("No."), 4), (N_("Account"), 19), (N_("Amount"), 16), (N_("Why"), 14),
               (N_("Asked by"), 14))
    pending: list[RequestView]

    def load(self) -> list[RequestView]:
        return savings_withdrawals.pending_requests(self.ctx)

    def cells(self, r: RequestView) -> list[Text]:
        return [Text(str(r.id)), Text(r.account_number, no_wrap=True),
                Text(fmt_amount(r.amount, r.currency), justify="right"),
                Text(r.reasons_text, no_wrap=True, overflow="ellipsis"),
                Text(r.requested_by, no_wrap=True, overflow="ellipsis")]

    def count_text(self, n: int) -> str:
        return ngettext("{n} withdrawal waits for your decision.",
                        "{n} withdrawals wait for your decision.", n).format(n=n) if n else \
            _("No withdrawal waits for approval.")

    def detail_text(self, r: RequestView) -> str:
        return "\n".join([request_sentence(r), *account_lines(self.ctx, r)])

    def _decide(self, approve: bool) -> None:
        r = self.current
        if r is None or self.app.screen is not self:
            return

        def decided(done: RequestView | None) -> None:
            if done is None:
                return
            self.say(
                (_("Request no. {id} approved: the cashier may pay it.") if approve else
                 _("Request no. {id} rejected.")).format(id=done.id))
            self.action_refresh()

        if approve:
            dialog = NoteDialog(_("Approve request no. {id}?").format(id=r.id),
                                [request_sentence(r), *account_lines(self.ctx, r)],
                                lambda note: savings_withdrawals.approve_request(self.ctx, r.id,
                                                                                 note),
                                note_label=_("Note (optional)"),
                                hint=_("F2 or Enter approves; Escape goes back."))
        else:
            dialog = NoteDialog(_("Reject request no. {id}?").format(id=r.id),
                                [request_sentence(r)],
                                lambda note: savings_withdrawals.reject_request(self.ctx, r.id,
                                                                                note),
                                note_label=_("Reason for the refusal (required)"),
                                hint=_("F2 or Enter rejects; Escape goes back."))
        self.app.push_screen(dialog, callback=decided)

    def action_approve(self) -> None:
        self._decide(True)

    def action_reject(self) -> None:
        self._decide(False)
