"""Deposit (cashier): account, depositor (the member or another person, with his ID),
amount, purpose -> the confirmation with the balance after -> BE printed in two copies."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.cash.confirm import ConfirmCashScreen
from mifin_tui.screens.savings.form import SavingsFormScreen
from mifin_tui.services.cash.counter import CashReceipt
from mifin_tui.services.savings import deposits as savings_deposits
from mifin_tui.widgets import FieldError, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount


class DepositScreen(SavingsFormScreen):
    TITLE_MSGID = N_("Deposit")
    BINDINGS = [
        Binding("f2", "submit", N_("Confirm"), id="deposit.submit"),
        Binding("f7", "passbook", N_("Passbook"), id="deposit.passbook"),
    ]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="deposit-form", classes="form", can_focus=False):
            yield from self.compose_account()
            yield from self.field_row(_("Depositor"), TextField(
                id="party_name", max_length=80,
                placeholder=_("empty: the account holder")), "party_name")
            yield from self.field_row(_("Depositor ID"), TextField(
                id="party_id", max_length=40, placeholder=_("ID document number")), "party_id")
            yield from self.field_row(_("Amount"), MoneyInput(
                self.account.currency if self.account else "USD", id="amount"), "amount")
            yield from self.field_row(_("Purpose"), TextField(
                id="purpose", max_length=120, classes="submit-on-enter",
                value=_("Savings deposit")), "purpose")
            yield FieldError(id="error-form")
            yield Static("", id="deposit-result", classes="summary", markup=False)

    def focus_after_account(self) -> None:
        self.query_one("#party_name").focus()

    def account_changed(self) -> None:
        super().account_changed()
        if self.account is not None:
            self.query_one("#amount", MoneyInput).currency = self.account.currency

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        self.clear_errors()
        if self.account is None:
            if not self.load_number():
                self.show_errors({"account": _("Choose the account first.")})
                return
        acc = self.account
        amount = self.read_amount()
        if amount is None:
            return
        party = self.query_one("#party_name", TextField).value.strip() or acc.holder
        party_id = self.query_one("#party_id", TextField).value.strip()
        purpose = self.query_one("#purpose", TextField).value.strip()
        ok, preview = self.call_service(savings_deposits.deposit_preview, self.ctx, acc.id, amount)
        if not ok:
            return
        if not purpose:
            self.show_errors({"purpose": _("Required.")})
            return

        def post() -> CashReceipt:
            return savings_deposits.deposit(self.ctx, acc.id, amount, party_name=party,
                                            party_id=party_id, purpose=purpose)

        # The confirmation prints the BE once posted; the outcome comes as a message.
        self.app.push_screen(ConfirmCashScreen(preview, post), callback=self.posted)

    def posted(self, receipt: CashReceipt | None) -> None:
        if receipt is None:
            return
        self.reload_account()
        self.query_one("#amount", MoneyInput).value = ""
        balance = (fmt_amount(receipt.doc.balance_after, receipt.doc.currency)
                   if receipt.doc.balance_after is not None else "")
        self.query_one("#deposit-result", Static).update(
            _("Posted with voucher {number}. New balance: {balance}.").format(
                number=receipt.voucher_number, balance=balance))
        self.query_one("#amount").focus()

    def action_passbook(self) -> None:
        """The member's passbook is printed after his deposit: its screen, on this account."""
        from mifin_tui.screens.savings.passbook import PassbookScreen

        if self.app.screen is self:
            self.app.push_screen(PassbookScreen(
                self.ctx, account_id=self.account.id if self.account else None))
