"""The credit committee member's screen: the applications in committee with their
eligibility and the opinions already given; F2 favourable, F4 unfavourable, F6 adjourned
open the opinion's dialog (its amount and its comment in two fields); F9 prints the
minutes of the list. The same dialog gives an opinion from the loan card."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Select, Static

from mifin_tui.i18n import N_, _
from mifin_tui.output.loans import print_minutes
from mifin_tui.screens.common.base import DialogScreen, FormMixin
from mifin_tui.screens.common.print_jobs import run_print_jobs
from mifin_tui.screens.loans.text import card_lines
from mifin_tui.screens.loans.work_list import LoanListScreen
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.loans import contract_doc as loan_contract_doc
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import steps as loan_steps
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.views import LoanLine
from mifin_tui.widgets import FieldError, FormSelect, MifinFooter, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount


class OpinionDialog(FormMixin, DialogScreen):
    """A committee member's opinion on one application: the opinion, the amount he
    proposes (a favourable one; the amount requested to start with), his comment. F2 (or
    Enter on the comment) records it; dismissed with the opinion given."""

    AUTO_FOCUS = "#opinion"
    BINDINGS = [Binding("f2", "submit", N_("Record"), id="opinion.ok")]

    def __init__(self, ctx: Context, loan_id: int, number: str, summary: str, amount: int,
                 currency: str, opinion: str = "favourable") -> None:
        super().__init__()
        self.ctx = ctx
        self.loan_id = loan_id
        self.number = number
        self.summary = summary
        self.amount = amount
        self.currency = currency
        self.opinion = opinion
        self.done = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(_("Your opinion on {number}").format(number=self.number),
                         classes="screen-title", markup=False)
            yield Static(self.summary, markup=False)
            yield from self.field_row(_("Opinion"), FormSelect(
                [(_(label), key) for key, label in loan_decision.OPINIONS.items()],
                id="opinion", value=self.opinion, allow_blank=False), "opinion")
            yield from self.field_row(_("Amount proposed"), MoneyInput(
                self.currency, fmt_amount(self.amount, self.currency), id="amount_proposed"),
                "amount_proposed")
            yield from self.field_row(_("Comment"), TextField(
                id="comment", max_length=250, classes="submit-on-enter"), "comment")
            yield FieldError(id="error-form")
            yield Static(_("A favourable opinion proposes an amount (at most the amount "
                           "requested); an unfavourable or adjourned one says why. F2 "
                           "records; Escape goes back, nothing is recorded."),
                         classes="hint", markup=False)
        yield MifinFooter()

    def on_mount(self) -> None:
        self._amount_for(self.opinion)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "opinion":
            self._amount_for(str(event.value))

    def _amount_for(self, opinion: str) -> None:
        # only a favourable opinion proposes an amount: the field is skipped otherwise
        self.query_one("#amount_proposed", MoneyInput).disabled = opinion != "favourable"

    def action_submit(self) -> None:
        if self.done:
            return
        self.clear_errors()
        opinion = str(self.query_one("#opinion", FormSelect).value)
        field = self.query_one("#amount_proposed", MoneyInput)
        amount = None
        if opinion == "favourable" and field.value.strip():
            field.check()
            if field.amount is None:
                field.focus()
                return
            amount = field.amount
        ok, _none = self.call_service(loan_decision.give_opinion, self.ctx, self.loan_id,
                                      opinion, amount,
                                      self.query_one("#comment", TextField).value)
        if ok:
            self.done = True
            self.dismiss(opinion)


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
    # the keys show on a file he has not judged yet (and did not enter)
    STEP_OF_ACTION = {"opinion": loan_steps.OPINION}

    def detail_lines(self, loan: LoanLine) -> list[str]:
        return card_lines(loan_views.card(self.ctx, loan.id), eligibility=True, opinions=True)

    def action_opinion(self, opinion: str) -> None:
        r = self.current
        if r is None or self.app.screen is not self:
            return
        self.app.push_screen(opinion_dialog(self.ctx, r, opinion), callback=self._given)

    def _given(self, done: str | None) -> None:
        if done:
            self.say(_("Your opinion is recorded."))
            self.action_refresh()

    def action_minutes(self) -> None:
        doc = loan_contract_doc.minutes(self.ctx, [r.id for r in self.rows])
        run_print_jobs(self.app, [lambda: print_minutes(doc)], "print minutes",
                       lambda outcome: self.say(outcome.message))


def opinion_dialog(ctx: Context, r: LoanLine, opinion: str = "favourable") -> OpinionDialog:
    """The opinion's dialog for the file of list line `r` (or of a card, the same fields)."""
    return OpinionDialog(ctx, r.id, r.number,
                         f"{r.member_name}: {fmt_amount(r.amount, r.currency)}, {r.term} x",
                         r.amount, r.currency, opinion)
