"""Démissions asked at the counter, waiting for the gérant (#21).

F2 approves (optional note): the cashier then refunds the shares at his till from the
member card. F4 refuses (reason required). Nobody approves a démission he asked for.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.pending_list import PendingListScreen
from mifin_tui.services.members import card as member_card
from mifin_tui.services.members.card import ResignationView
from mifin_tui.widgets.formatting import fmt_amount


def resignation_sentence(r: ResignationView) -> str:
    shares = fmt_amount(r.shares, r.currency) if r.currency else "-"
    return _("Démission of {number} {name}: {reason}. Shares to refund {shares}. Asked by "
             "{user} on {at}.").format(number=r.member_number, name=r.member_name,
                                       reason=r.reason, shares=shares, user=r.requested_by,
                                       at=r.requested_at)


class ResignationApprovalsScreen(PendingListScreen):
    TITLE_MSGID = N_("Démissions to approve")
    AUTO_FOCUS = "#resignations"
    BINDINGS = [
        Binding("f2", "approve", N_("Approve"), id="rapprovals.approve"),
        Binding("f4", "reject", N_("Refuse"), id="rapprovals.reject"),
        Binding("f5", "refresh", N_("Refresh"), id="rapprovals.refresh"),
    ]
    TABLE_ID = "resignations"
    COUNT_ID = "resignations-count"
    RESULT_ID = "rapprovals-result"
    COLUMNS = ((N_("No."), 4), (N_("Member"), 14), (N_("Name"), 22), (N_("Shares"), 14),
               (N_("Asked by"), 14))
    pending: list[ResignationView]

    def load(self) -> list[ResignationView]:
        return member_card.pending_resignations(self.ctx)

    def cells(self, r: ResignationView) -> list[Text]:
        return [Text(str(r.id)), Text(r.member_number, no_wrap=True),
                Text(r.member_name, no_wrap=True, overflow="ellipsis"),
                Text(fmt_amount(r.shares, r.currency) if r.currency else "-", justify="right"),
                Text(r.requested_by, no_wrap=True, overflow="ellipsis")]

    def count_text(self, n: int) -> str:
        return ngettext("{n} démission waits for your decision.",
                        "{n} démissions wait for your decision.", n).format(n=n) if n else \
            _("No démission waits for approval.")

    def detail_text(self, r: ResignationView) -> str:
        return resignation_sentence(r)

    def _decide(self, approve: bool) -> None:
        r = self.current
        if r is None or self.app.screen is not self:
            return
        self.decide_with_note(
            (_("Approve the démission no. {id}?") if approve else
             _("Refuse the démission no. {id}?")).format(id=r.id), [resignation_sentence(r)],
            lambda note: member_card.decide_resignation(self.ctx, r.id, approve, note),
            approve,
            lambda done: (_("Démission of {number} approved: the cashier refunds the shares.")
                          if approve else _("Démission of {number} refused.")).format(
                number=done.member_number))

    def action_approve(self) -> None:
        self._decide(True)

    def action_reject(self) -> None:
        self._decide(False)
