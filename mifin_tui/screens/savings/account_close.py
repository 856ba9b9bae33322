"""Close a savings account: its whole balance is paid out with a BS (the till must hold
it); refused while holds or withdrawal requests remain, or a blocked term runs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.screens.savings.form import SavingsFormScreen
from mifin_tui.services.savings import opening as savings_opening
from mifin_tui.widgets import FieldError, TextField
from mifin_tui.widgets.formatting import fmt_amount


class AccountCloseScreen(SavingsFormScreen):
    TITLE_MSGID = N_("Close a savings account")
    BINDINGS = [Binding("f2", "submit", N_("Close the account"), id="aclose.submit")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form", can_focus=False):
            yield from self.compose_account()
            yield from self.field_row(_("Reason"), TextField(
                id="reason", max_length=120, classes="submit-on-enter"), "reason")
            yield FieldError(id="error-form")
            yield Static("", id="aclose-result", classes="summary", markup=False)

    def focus_after_account(self) -> None:
        self.query_one("#reason").focus()

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        self.clear_errors()
        if self.account is None and not self.load_number():
            self.show_errors({"account": _("Choose the account first.")})
            return
        acc = self.account
        reason = self.query_one("#reason", TextField).value
        lines = [_("Close {number} ({holder}).").format(number=acc.number, holder=acc.holder),
                 _("The balance of {balance} is paid out in cash with a BS.").format(
                     balance=fmt_amount(acc.balance, acc.currency)) if acc.balance else
                 _("The balance is zero: nothing is paid out."),
                 _("No movement is possible on the account afterwards.")]

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            ok, receipt = self.call_service(savings_opening.close_account, self.ctx, acc.id, reason)
            if not ok:
                return
            self.reload_account()
            self.query_one("#aclose-result", Static).update(
                _("Account {number} is closed.").format(number=acc.number) + (
                    " " + _("Paid with voucher {number}.").format(number=receipt.voucher_number)
                    if receipt else ""))
            if receipt is not None:
                print_voucher(self.app, receipt.doc)

        self.app.push_screen(ConfirmDialog(_("Close the account?"), lines,
                                           password=acc.balance != 0), callback=confirmed)
