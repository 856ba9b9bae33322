"""Transfer between accounts (cashier): from a savings account to another one of the same
or another member, same currency; no cash moves, a transfer voucher (VI) prints all the
same."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.screens.savings.form import SavingsFormScreen
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.savings import accounts as savings_accounts
from mifin_tui.services.savings import transfers as savings_transfers
from mifin_tui.widgets import AccountNumberInput, FieldError, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount


class AccountTransferScreen(SavingsFormScreen):
    TITLE_MSGID = N_("Transfer between accounts")
    BINDINGS = [Binding("f2", "submit", N_("Confirm"), id="atransfer.submit")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form", can_focus=False):
            yield from self.compose_account()
            yield from self.field_row(_("To account"), AccountNumberInput(id="to_account"),
                                      "to_account")
            yield from self.field_row(_("Amount"), MoneyInput(
                self.account.currency if self.account else "USD", id="amount"), "amount")
            yield from self.field_row(_("Purpose"), TextField(
                id="purpose", max_length=120, classes="submit-on-enter"), "purpose")
            yield FieldError(id="error-form")
            yield Static("", id="atransfer-result", classes="summary", markup=False)

    def focus_after_account(self) -> None:
        self.query_one("#to_account").focus()

    def account_changed(self) -> None:
        super().account_changed()
        if self.account is not None:
            self.query_one("#amount", MoneyInput).currency = self.account.currency

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        self.clear_errors()
        if self.account is None and not self.load_number():
            self.show_errors({"account": _("Choose the account first.")})
            return
        src = self.account
        to_field = self.query_one("#to_account", AccountNumberInput)
        to_field.check()
        if to_field.account_number is None:
            self.show_errors({"to_account": _("Type the account to credit.")})
            return
        try:
            dst = savings_accounts.find_account(self.ctx, to_field.account_number)
        except MifinError as exc:
            self.show_errors({"to_account": str(exc)})
            return
        amount = self.read_amount(focus=False)
        if amount is None:
            return
        purpose = self.query_one("#purpose", TextField).value.strip()
        lines = [_("From {number} ({holder})").format(number=src.number, holder=src.holder),
                 _("To {number} ({holder})").format(number=dst.number, holder=dst.holder),
                 _("Amount: {amount}").format(amount=fmt_amount(amount, src.currency)),
                 _("No cash moves; a transfer voucher (VI) prints.")]

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            ok, receipt = self.call_service(savings_transfers.transfer, self.ctx, src.id, dst.id,
                                            amount, purpose)
            if not ok:
                return
            self.query_one("#amount", MoneyInput).value = ""
            self.reload_account()
            self.query_one("#atransfer-result", Static).update(
                _("Posted with voucher {number}. New balance: {balance}.").format(
                    number=receipt.voucher_number,
                    balance=fmt_amount(receipt.doc.balance_after or 0, src.currency)))
            print_voucher(self.app, receipt.doc)

        self.app.push_screen(ConfirmDialog(_("Confirm the transfer"), lines, password=True),
                             callback=confirmed)
