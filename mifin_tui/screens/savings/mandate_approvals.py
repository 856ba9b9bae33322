"""Mandataires recorded at the counter, waiting for the gérant (#21).

F2 approves (optional note): from then on the person may sign withdrawals on the account.
F4 refuses (reason required). Nobody approves a mandataire he recorded himself.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.pending_list import PendingListScreen
from mifin_tui.services.savings import mandates as savings_mandates
from mifin_tui.services.savings.mandates import MANDATE_ROLES, MandateView
from mifin_tui.widgets.formatting import fmt_date


def mandate_sentence(m: MandateView) -> str:
    return _("{name} ({role}, {id_type} {id_number}) may sign on account {number}. "
             "Procuration {reference} signed by the holder on {date}; recorded by {user}."
             ).format(name=m.full_name, role=_(MANDATE_ROLES.get(m.role, m.role)),
                      id_type=m.id_type, id_number=m.id_number, number=m.account_number,
                      reference=m.consent_reference,
                      date=fmt_date(m.consent_on) if m.consent_on else "-", user=m.created_by)


class MandateApprovalsScreen(PendingListScreen):
    TITLE_MSGID = N_("Mandataires to approve")
    AUTO_FOCUS = "#mandates"
    BINDINGS = [
        Binding("f2", "approve", N_("Approve"), id="mapprovals.approve"),
        Binding("f4", "reject", N_("Refuse"), id="mapprovals.reject"),
        Binding("f5", "refresh", N_("Refresh"), id="mapprovals.refresh"),
    ]
    TABLE_ID = "mandates"
    COUNT_ID = "mandates-count"
    RESULT_ID = "mapprovals-result"
    COLUMNS = ((N_("No."), 4), (N_("Account"), 19), (N_("Name"), 24), (N_("Recorded by"), 16))
    pending: list[MandateView]

    def load(self) -> list[MandateView]:
        return savings_mandates.pending_mandates(self.ctx)

    def cells(self, m: MandateView) -> list[Text]:
        return [Text(str(m.id)), Text(m.account_number, no_wrap=True),
                Text(m.full_name, no_wrap=True, overflow="ellipsis"),
                Text(m.created_by, no_wrap=True, overflow="ellipsis")]

    def count_text(self, n: int) -> str:
        return ngettext("{n} mandataire waits for your decision.",
                        "{n} mandataires wait for your decision.", n).format(n=n) if n else \
            _("No mandataire waits for approval.")

    def detail_text(self, m: MandateView) -> str:
        return mandate_sentence(m)

    def _decide(self, approve: bool) -> None:
        m = self.current
        if m is None or self.app.screen is not self:
            return
        self.decide_with_note(
            (_("Approve mandataire no. {id}?") if approve else
             _("Refuse mandataire no. {id}?")).format(id=m.id), [mandate_sentence(m)],
            lambda note: savings_mandates.decide_mandate(self.ctx, m.id, approve, note),
            approve,
            lambda done: (_("{name} may now sign on account {number}.") if approve else
                          _("Mandataire {name} refused.")).format(
                name=done.full_name, number=done.account_number))

    def action_approve(self) -> None:
        self._decide(True)

    def action_reject(self) -> None:
        self._decide(False)
