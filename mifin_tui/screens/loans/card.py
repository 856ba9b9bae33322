"""The loan card: state, the next steps and who may take them, each step done with who
and when, the schedule with what is paid, guarantors and collateral. Type the loan number
and Enter; Tab moves into the card, whose arrows and Page keys scroll it. The keys of
the next steps are in `card_actions`."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Label, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.loans.card_actions import STEP_ACTIONS, LoanCardActions
from mifin_tui.screens.loans.text import card_lines
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import steps as loan_steps
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.views import LoanCard
from mifin_tui.widgets import FieldError, TextField
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


class LoanCardScreen(LoanCardActions):
    TITLE_MSGID = N_("Loan card")
    AUTO_FOCUS = "#loan"
    # Enter on the number finds too: F2 leaves the footer's room to the file's steps
    BINDINGS = [Binding("f2", "submit", N_("Find"), id="lcard.find", show=False)]

    def __init__(self, ctx: Context, loan_id: int | None = None) -> None:
        super().__init__(ctx)
        self.loan_id = loan_id
        self.card: LoanCard | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(_("Loan no."), markup=False)
            yield TextField(id="loan", classes="submit-on-enter")
        yield FieldError(id="error-form")
        yield Static("", id="lcard-result", classes="summary", markup=False)
        yield Static("", id="lcard-next", classes="hint", markup=False)
        with VerticalScroll(id="lcard-body"):
            yield Static("", id="lcard-summary", markup=False)
            yield DataTable(id="lcard-schedule", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#lcard-schedule", DataTable)
        for title, width in ((_("No."), 4), (_("Due date"), 10), (_("Due"), 14),
                             (_("Paid"), 14), (_("State"), 8)):
            table.add_column(title, width=width)
        if self.loan_id is not None:
            self.show(loan_views.card(self.ctx, self.loan_id))

    def action_submit(self) -> None:
        self.clear_errors()
        self.say("")
        try:
            card = loan_views.find(self.ctx, self.query_one("#loan", TextField).value)
        except MifinError as exc:
            self.show_form_error(str(exc))
            return
        self.show(card)

    def show(self, c: LoanCard) -> None:
        self.card = c
        self.steps = loan_steps.steps_for(self.ctx, c.id)
        self.refresh_bindings()
        self.query_one("#lcard-next", Static).update(next_steps_line(
            self.steps, loan_steps.waiting_for_loan(self.ctx, c.id)))
        from mifin_tui.screens.loans.arrears_panel import loan_panel
        from mifin_tui.services.savings import standing_orders

        self.query_one("#lcard-summary", Static).update(
            "\n".join(card_lines(c, eligibility=True, opinions=True, steps=True)
                      + standing_orders.card_lines(c.id)  # #20: what the closing may debit
                      + loan_panel(self.ctx, c.id, c.state)))
        table = self.query_one("#lcard-schedule", DataTable)
        table.clear()
        for i in c.installments:
            word = (_("paid") if i.total_paid >= i.total_due else
                    _("part") if i.total_paid else _("due"))
            table.add_row(Text(str(i.no)), Text(fmt_date(i.due_date)),
                          Text(fmt_amount(i.total_due, c.currency), justify="right"),
                          Text(fmt_amount(i.total_paid, c.currency), justify="right"),
                          Text(word))


def next_steps_line(steps: tuple[str, ...], waiting: str) -> str:
    """"Next: F5 Submit, F3 Cancel loan" for the steps this user may take; what the file
    waits for when he may take none of them (or another user's step comes first)."""
    keys = {b.action: (b.key.upper(), _(b.description)) for b in LoanCardActions.BINDINGS
            if isinstance(b, Binding)}
    offered = [" ".join(keys[STEP_ACTIONS[s]]) for s in steps
               if STEP_ACTIONS.get(s) in keys and s != loan_steps.CANCEL]
    parts = []
    if offered:
        parts.append(_("Next: {steps}").format(steps=", ".join(offered)))
    if waiting:
        parts.append(_("The file waits for {what}.").format(what=waiting))
    return "  ".join(parts)
