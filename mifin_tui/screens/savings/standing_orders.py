"""Standing orders of an account (ordres de prélèvement permanent, #20). Without one the
closing's automatic debit takes only a loan's linked account and the member's free
savings; the member signs one to let it take this account (programmed, blocked, tontine
or interest-bearing savings) for the loans he ticks. F2 records the order signed on the
date typed; F4 revokes the order under the cursor, with the reason."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _, current_language
from mifin_tui.screens.savings.form import SavingsFormScreen
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.savings import standing_orders
from mifin_tui.services.savings.standing_orders import StandingOrderView
from mifin_tui.widgets import FieldError, TextField
from mifin_tui.widgets.choices import ChoiceList
from mifin_tui.widgets.date_input import DateInput


class StandingOrdersScreen(SavingsFormScreen):
    TITLE_MSGID = N_("Standing orders")
    # the member's loans are few: three lines show them (scrolling past more) and keep
    # room at 80x24 before the account is chosen
    DEFAULT_CSS = """
    StandingOrdersScreen #loans {
        height: 3;
    }
    """
    BINDINGS = [
        Binding("f2", "submit", N_("Record"), id="orders.record"),
        Binding("f4", "revoke", N_("Revoke"), id="orders.revoke"),
    ]

    def __init__(self, ctx, account_id: int | None = None, **kwargs) -> None:
        super().__init__(ctx, account_id, **kwargs)
        self.orders: list[StandingOrderView] = []

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form", can_focus=False):
            yield from self.compose_account()
            yield DataTable(id="orders", cursor_type="row")
            yield Static(_("Loans the order serves (Space ticks):"), classes="hint",
                         markup=False)
            yield ChoiceList(id="loans")
            yield FieldError(id="error-loans", classes="row-error")
            yield from self.field_row(_("Signed on"), DateInput(self._today(),
                                                                id="signed_on"), "signed_on")
            yield from self.field_row(_("Note"), TextField(id="note", max_length=120), "note")
            yield from self.field_row(_("Reason to revoke"),
                                      TextField(id="reason", max_length=120), "reason")
            yield FieldError(id="error-form")
            yield Static("", id="orders-result", classes="summary", markup=False)

    def _today(self):
        from mifin_tui.services.kernel import business_day

        return business_day.open_date(self.ctx.branch_id)

    def on_mount(self) -> None:
        table = self.query_one("#orders", DataTable)
        for title, width in ((_("Loans"), 22), (_("Signed"), 10), (_("Recorded by"), 16),
                             (_("Status"), 10)):
            table.add_column(title, width=width)
        super().on_mount()
        self.show_orders()

    def focus_after_account(self) -> None:
        self.query_one("#loans").focus()

    def account_changed(self) -> None:
        super().account_changed()
        self.show_orders()

    def show_orders(self) -> None:
        table = self.query_one("#orders", DataTable)
        table.clear()
        choices = self.query_one("#loans", ChoiceList)
        choices.clear_options()
        self.orders = []
        if self.account is None:
            return
        ok, found = self.call_service(standing_orders.orders_of_account, self.account.id)
        self.orders = found or []
        lang = current_language()
        for o in self.orders:
            table.add_row(Text(", ".join(o.loans), no_wrap=True, overflow="ellipsis"),
                          Text(format_date(o.signed_on, lang)),
                          Text(o.recorded_by, no_wrap=True, overflow="ellipsis"),
                          Text(_("active") if o.active else _("revoked")))
        ok, loans = self.call_service(standing_orders.orderable_loans, self.account.id)
        choices.add_options([(number, loan_id, False) for loan_id, number in loans or []])

    def _done(self, text: str) -> None:
        for name in ("note", "reason"):
            self.query_one(f"#{name}", TextField).value = ""
        self.show_orders()
        self.query_one("#orders-result", Static).update(text)

    def action_submit(self) -> None:
        self.clear_errors()
        if self.account is None and not self.load_number():
            self.show_errors({"account": _("Choose the account first.")})
            return
        signed = self.query_one("#signed_on", DateInput)
        signed.check()
        if signed.value_date is None:
            self.show_errors({"signed_on": _("Enter the date the member signed.")})
            return
        loans = list(self.query_one("#loans", ChoiceList).selected)
        ok, order = self.call_service(standing_orders.record, self.ctx, self.account.id,
                                      loans, signed.value_date,
                                      self.query_one("#note", TextField).value)
        if ok:
            self._done(_("Standing order recorded: {account} may be debited for {loans}.")
                       .format(account=order.account_number, loans=", ".join(order.loans)))

    def action_revoke(self) -> None:
        self.clear_errors()
        table = self.query_one("#orders", DataTable)
        active = [o for o in self.orders if o.active]
        if not active or not 0 <= table.cursor_row < len(self.orders) \
                or not self.orders[table.cursor_row].active:
            self.show_form_error(_("Highlight an active standing order to revoke."))
            return
        order = self.orders[table.cursor_row]
        ok, _view = self.call_service(standing_orders.revoke, self.ctx, order.id,
                                      self.query_one("#reason", TextField).value)
        if ok:
            self._done(_("Standing order revoked: {account} is no longer debited for "
                         "{loans}.").format(account=order.account_number,
                                            loans=", ".join(order.loans)))
