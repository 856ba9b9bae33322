"""Withdrawal (cashier): account, who signs (the holder or a mandataire shown with his
ID), amount, purpose -> checked against the available balance and the product's rules.
Paid at once (BS printed) or, above the limit or on a dormant account, sent to the
gérant: the request waits, and F6 pays it here once approved."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Select, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.cash.confirm import ConfirmCashScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.screens.savings.form import SavingsFormScreen
from mifin_tui.services.cash.counter import CashReceipt
from mifin_tui.services.kernel import business_day
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.savings import tontine as savings_tontine
from mifin_tui.services.savings import withdrawals as savings_withdrawals
from mifin_tui.services.savings.mandates import MANDATE_ROLES
from mifin_tui.services.savings.withdrawals import RequestView
from mifin_tui.widgets import FieldError, FormSelect, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

HOLDER = "holder"


class WithdrawalScreen(SavingsFormScreen):
    TITLE_MSGID = N_("Withdrawal")
    BINDINGS = [
        Binding("f2", "submit", N_("Confirm"), id="withdrawal.submit"),
        Binding("f6", "pay_approved", N_("Pay approved"), id="withdrawal.pay"),
        Binding("f7", "tontine_payout", N_("Tontine"), id="withdrawal.tontine"),
        Binding("f8", "close_account", N_("Close account"), id="withdrawal.close"),
    ]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="withdrawal-form", classes="form", can_focus=False):
            yield from self.compose_account()
            yield from self.field_row(_("Signed by"), FormSelect(
                [(_("the account holder"), HOLDER)], id="signatory", value=HOLDER,
                allow_blank=False, disabled=True), "signatory")
            yield from self.field_row(_("Amount"), MoneyInput(
                self.account.currency if self.account else "USD", id="amount"), "amount")
            yield from self.field_row(_("Purpose"), TextField(
                id="purpose", max_length=120, classes="submit-on-enter",
                value=_("Savings withdrawal")), "purpose")
            yield FieldError(id="error-party_name")
            yield FieldError(id="error-form")
            yield Static("", id="withdrawal-result", classes="summary", markup=False)

    def focus_after_account(self) -> None:
        # The next field shown that can be filled: "Signed by" when a mandataire may
        # sign, else (only the holder, the select disabled) the amount.
        self._offer_signatories()  # an account given on opening comes here directly
        signatory = self.query_one("#signatory", FormSelect)
        (self.query_one("#amount", MoneyInput) if signatory.disabled else signatory).focus()

    def summary_lines(self) -> list[str]:
        lines = super().summary_lines()
        acc = self.account
        if acc is None:
            return lines
        signers = [_("the holder")] if acc.member_kind != "legal" else []
        signers += [f"{m.full_name} ({_(MANDATE_ROLES.get(m.role, m.role))}, "
                    f"{m.id_type} {m.id_number})".replace(", )", ")") for m in acc.mandates]
        lines.append(_("May sign: {names}").format(names="; ".join(signers) or "-")[:156])
        return lines

    def account_changed(self) -> None:
        super().account_changed()
        acc = self.account
        if acc is None:
            return
        self.query_one("#amount", MoneyInput).currency = acc.currency
        self._offer_signatories()

    def _offer_signatories(self) -> None:
        acc = self.account
        if acc is None:
            return
        options = [] if acc.member_kind == "legal" else [(_("the account holder"), HOLDER)]
        options += [(f"{m.full_name} — {m.id_number}", str(m.id)) for m in acc.mandates]
        select = self.query_one("#signatory", FormSelect)
        select.set_options(options or [(_("the account holder"), HOLDER)])
        select.value = options[0][1] if options else HOLDER
        # One possible signatory: nothing to choose, so Enter does not stop there.
        select.disabled = len(options) <= 1

    def _signatory_id(self) -> int | None:
        value = self.query_one("#signatory", Select).value
        return None if value in (HOLDER, Select.BLANK) else int(str(value))

    # --- paying ------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        self.clear_errors()
        if self.account is None and not self.load_number():
            self.show_errors({"account": _("Choose the account first.")})
            return
        acc = self.account
        amount = self.read_amount()
        if amount is None:
            return
        purpose = self.query_one("#purpose", TextField).value.strip()
        if not purpose:
            self.show_errors({"purpose": _("Required.")})
            return
        signatory = self._signatory_id()
        ok, check = self.call_service(savings_withdrawals.withdrawal_preview, self.ctx, acc.id,
                                      amount, signatory_id=signatory)
        if not ok:
            return
        if check.needs_approval:
            lines = [_("Withdraw {amount} from {number} ({holder}), signed by {name}.").format(
                amount=fmt_amount(amount, acc.currency), number=acc.number, holder=acc.holder,
                name=check.party_name),
                _("It needs the manager's approval ({why}): the request waits on his screen, "
                  "and the cash is paid here once he approves it (F6).").format(
                    why=", ".join(_(savings_withdrawals.REQUEST_REASONS[r])
                                  for r in check.reasons))]

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.file_request(amount, purpose, signatory)

            self.app.push_screen(ConfirmDialog(_("Send to the manager?"), lines),
                                 callback=confirmed)
            return
        if check.reasons:  # a notice period only: the request is approved, due later
            self.file_request(amount, purpose, signatory)
            return

        def post() -> CashReceipt:
            outcome = savings_withdrawals.withdraw(self.ctx, acc.id, amount, purpose=purpose,
                                                   signatory_id=signatory)
            if outcome.receipt is None:
                raise MifinError(_("The withdrawal now needs the manager's approval: "
                                   "request no. {id} was filed.").format(id=outcome.request.id))
            return outcome.receipt

        self.app.push_screen(ConfirmCashScreen(check.preview, post), callback=self.paid)

    def file_request(self, amount: int, purpose: str, signatory: int | None) -> None:
        acc = self.account
        ok, outcome = self.call_service(savings_withdrawals.withdraw, self.ctx, acc.id, amount,
                                        purpose=purpose, signatory_id=signatory)
        if not ok:
            return
        r: RequestView = outcome.request
        self.query_one("#withdrawal-result", Static).update(
            (_("Request no. {id} for {amount} waits for the manager's approval.")
             if r.status == "pending" else
             _("Request no. {id} for {amount} is payable from {date} (notice).")).format(
                id=r.id, amount=fmt_amount(r.amount, r.currency), date=fmt_date(r.payable_on)))
        self.reload_account()

    def paid(self, receipt: CashReceipt | None) -> None:
        if receipt is None:
            return
        self.reload_account()
        self.query_one("#amount", MoneyInput).value = ""
        balance = (fmt_amount(receipt.doc.balance_after, receipt.doc.currency)
                   if receipt.doc.balance_after is not None else "")
        self.query_one("#withdrawal-result", Static).update(
            _("Paid with voucher {number}. New balance: {balance}.").format(
                number=receipt.voucher_number, balance=balance))

    def action_pay_approved(self) -> None:
        """Pay the account's first approved request that is due."""
        if self.app.screen is not self or self.account is None:
            return
        self.clear_errors()
        acc = self.account
        ok, requests = self.call_service(savings_withdrawals.account_requests, self.ctx, acc.id)
        if not ok:
            return
        today = business_day.open_date(self.ctx.branch_id)
        due = [r for r in requests if r.status == "approved"
               and (today is None or r.payable_on <= today)]
        if not due:
            waiting = [r for r in requests if r.status == "pending"]
            self.show_form_error(
                _("Request no. {id} still waits for the manager's approval.").format(
                    id=waiting[0].id) if waiting else
                _("No approved withdrawal is due on this account."))
            return
        r = due[0]
        ok, check = self.call_service(savings_withdrawals.withdrawal_preview, self.ctx, acc.id,
                                      r.amount, party_name=r.party_name)
        if not ok:
            return
        self.app.push_screen(ConfirmCashScreen(
            check.preview, lambda: savings_withdrawals.pay_request(self.ctx, r.id)),
            callback=self.paid)

    def action_tontine_payout(self) -> None:
        """End of a tontine cycle: the commission is kept, the rest paid out with a BS."""
        if self.app.screen is not self or self.account is None:
            return
        self.clear_errors()
        acc = self.account
        if acc.kind != "tontine":
            self.show_form_error(_("Account {number} is not a tontine.").format(
                number=acc.number))
            return
        lines = [_("Pay out the tontine cycle of {number} ({holder}): balance {balance}, "
                   "less the institution's commission.").format(
            number=acc.number, holder=acc.holder, balance=fmt_amount(acc.balance, acc.currency))]

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            ok, receipt = self.call_service(savings_tontine.tontine_payout, self.ctx, acc.id)
            if ok:
                self.paid(receipt)
                print_voucher(self.app, receipt.doc)

        self.app.push_screen(ConfirmDialog(_("Tontine payout"), lines, password=True),
                             callback=confirmed)

    def action_close_account(self) -> None:
        """Closing pays the whole balance out: its screen, on this account."""
        from mifin_tui.screens.savings.account_close import AccountCloseScreen

        if self.app.screen is self:
            self.app.push_screen(AccountCloseScreen(
                self.ctx, account_id=self.account.id if self.account else None))
