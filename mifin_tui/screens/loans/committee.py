"""The credit committee member's screen: the applications in committee with their
eligibility and the opinions already given; F2 favourable (amount proposed), F4
unfavourable, F6 adjourned (a comment each); F9 prints the minutes of the list."""

from __future__ import annotations

from textual.binding import Binding

from mifin_tui.i18n import N_, _
from mifin_tui.output.loans import print_minutes
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.screens.common.print_jobs import run_print_jobs
from mifin_tui.screens.loans.text import card_lines
from mifin_tui.screens.loans.work_list import LoanListScreen
from mifin_tui.services.kernel.money import parse_amount
from mifin_tui.services.loans import contract_doc as loan_contract_doc
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.views import LoanLine
from mifin_tui.widgets.formatting import fmt_amount


class LoanCommitteeScreen(LoanListScreen):
    TITLE_MSGID = N_("Credit committee")
    STATES = ("committee",)
    BINDINGS = [
        Binding("f2", "opinion('favourable')", N_("Favourable"), id="lcom.fav"),
        Binding("f4", "opinion('unfavourable')", N_("Unfavourable"), id="lcom.unfav"),
        Binding("f6", "opinion('adjourned')", N_("Adjourned"), id="lcom.adj"),
        Binding("f9", "minutes", N_("Minutes"), id="lcom.minutes"),
        Binding("f5", "refresh", N_("Refresh"), id="lcom.refresh"),
    ]
    EMPTY = N_("No application waits for the committee.")

    def detail_lines(self, loan: LoanLine) -> list[str]:
        return card_lines(loan_views.card(self.ctx, loan.id), eligibility=True, opinions=True)

    def action_opinion(self, opinion: str) -> None:
        r = self.current
        if r is None or self.app.screen is not self:
            return

        def give(note: str) -> str:
            amount = None
            comment = note
            if opinion == "favourable":
                # "1500" or "1500 good file": the amount first, the comment after.
                head, _sep, rest = note.strip().partition(" ")
                try:
                    amount = parse_amount(head, r.currency) if head else r.amount
                    comment = rest
                except ValueError:
                    amount, comment = r.amount, note
            loan_decision.give_opinion(self.ctx, r.id, opinion, amount, comment)
            return opinion

        label = {"favourable": _("Amount proposed, then a comment (empty: the amount "
                                 "requested)"),
                 "unfavourable": _("Why (required)"),
                 "adjourned": _("Why (required)")}[opinion]
        self.app.push_screen(
            NoteDialog(_("Your opinion on {number}").format(number=r.number),
                       [f"{r.member_name}: {fmt_amount(r.amount, r.currency)}"], give,
                       note_label=label),
            callback=self._given)

    def _given(self, done: str | None) -> None:
        if done:
            self.say(_("Your opinion is recorded."))
            self.action_refresh()

    def action_minutes(self) -> None:
        doc = loan_contract_doc.minutes(self.ctx, [r.id for r in self.rows])
        run_print_jobs(self.app, [lambda: print_minutes(doc)], "print minutes",
                       lambda outcome: self.say(outcome.message))
