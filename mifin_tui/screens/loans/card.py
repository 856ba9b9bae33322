"""The loan card: state, each step with who and when, the schedule with what is paid,
guarantors and collateral. Type the loan number and Enter."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Label, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.loans.card_actions import LoanCardActions
from mifin_tui.screens.loans.text import card_lines
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.loans.views import LoanCard
from mifin_tui.widgets import FieldError, TextField
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


class LoanCardScreen(LoanCardActions):
    TITLE_MSGID = N_("Loan card")
    AUTO_FOCUS = "#loan"
    BINDINGS = [Binding("f2", "submit", N_("Find"), id="lcard.find"),
                Binding("f8", "repay", N_("Repayment"), id="lcard.repay")]

    def __init__(self, ctx: Context, loan_id: int | None = None) -> None:
        super().__init__(ctx)
        self.loan_id = loan_id
        self.card: LoanCard | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(_("Loan no."), markup=False)
            yield TextField(id="loan", classes="submit-on-enter")
        yield FieldError(id="error-form")
        with VerticalScroll(id="lcard-body", can_focus=False):
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
        try:
            card = loan_views.find(self.ctx, self.query_one("#loan", TextField).value)
        except MifinError as exc:
            self.show_form_error(str(exc))
            return
        self.show(card)

    def action_repay(self) -> None:
        from mifin_tui.screens.loans.repayment import RepaymentScreen
        from mifin_tui.services.loans import states as loan_states

        if self.card is not None and self.card.state in loan_states.SERVICED:
            self.app.push_screen(RepaymentScreen(self.ctx, self.card.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "repay":  # the cashier takes the repayment from the card
            return self.ctx.can("ledger.post") and self.card is not None
        return super().check_action(action, parameters)

    def show(self, c: LoanCard) -> None:
        self.card = c
        self.refresh_bindings()
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
