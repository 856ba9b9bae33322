"""Write-off (passage en perte) by the gérant, and recoveries after it at the till.

Write-off: the loan number (Enter shows what will be posted: principal, provision used,
loss), the reason, F2 then the confirmation posts the OD. Recovery: the loan number shows
what was written off and recovered, then who pays and the amount, F2 and the confirmation
post it with a BR voucher that is printed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mifin_tui.i18n import N_, _, current_language
from mifin_tui.screens.loans.counter import LoanForm, confirm, post_voucher
from mifin_tui.services.kernel.words import amount_in_words
from mifin_tui.services.loans import write_off
from mifin_tui.services.loans.write_off import WriteOffPreview
from mifin_tui.widgets import FieldError, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount


def preview_lines(p: WriteOffPreview) -> list[str]:
    m = lambda minor: fmt_amount(minor, p.currency)  # noqa: E731
    return [
        _("Loan {number}, {days} days past due.").format(number=p.number,
                                                         days=p.days_past_due),
        _("Outstanding principal written off: {amount}").format(amount=m(p.principal)),
        _("  from the loan-loss provisions: {amount}").format(amount=m(p.provision_used)),
        _("  as a loss of the year: {amount}").format(amount=m(p.loss)),
        _("Interest, fees and penalties due, kept off the books: {amount}").format(
            amount=m(p.unpaid_other)),
    ]


class _WriteOffForm(LoanForm):
    def say(self, text: str) -> None:
        self.query_one("#wo-info", Static).update(text)


class WriteOffScreen(_WriteOffForm):
    TITLE_MSGID = N_("Write off a loan")
    BINDINGS = [Binding("f2", "submit", N_("Write off"), id="wo.submit")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="wo-form", classes="form", can_focus=False):
            yield from self.field_row(_("Loan number"), TextField(
                id="loan", max_length=32, placeholder=_("loan number")), "loan")
            yield Static("", id="wo-info", classes="summary", markup=False)
            yield from self.field_row(_("Reason"), TextField(
                id="reason", max_length=200, classes="submit-on-enter"), "reason")
            yield FieldError(id="error-form")

    def show(self) -> bool:
        ok, p = self.call_service(write_off.preview, self.ctx, self.loan_id)
        if ok:
            self.say("\n".join(preview_lines(p)))
        return ok

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        if not self.find():
            return
        ok, p = self.call_service(write_off.preview, self.ctx, self.loan_id)
        if not ok:
            return
        reason = self.query_one("#reason", TextField).value
        if not reason.strip():
            self.show_errors({"reason": _("Give the reason for the write-off.")})
            return
        confirm(self, _("Write-off of loan {number}").format(number=p.number),
                preview_lines(p), lambda: self._post(reason),
                hint=_("F2 or Enter posts it; Escape goes back, nothing is posted."))

    def _post(self, reason: str) -> None:
        ok, res = self.call_service(write_off.write_off, self.ctx, self.loan_id, reason)
        if ok:
            self.say(_("Loan {number} written off with voucher {voucher}.").format(
                number=res.preview.number, voucher=res.voucher_number))


class RecoveryScreen(_WriteOffForm):
    TITLE_MSGID = N_("Recovery on a written-off loan")
    BINDINGS = [Binding("f2", "submit", N_("Confirm"), id="rec.submit")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="rec-form", classes="form", can_focus=False):
            yield from self.field_row(_("Loan number"), TextField(
                id="loan", max_length=32, placeholder=_("loan number")), "loan")
            yield Static("", id="wo-info", classes="summary", markup=False)
            yield from self.field_row(_("Paid by"), TextField(
                id="party_name", max_length=80), "party_name")
            yield from self.field_row(_("Amount"), MoneyInput(
                "USD", id="amount", classes="submit-on-enter"), "amount")
            yield FieldError(id="error-form")

    def show(self) -> bool:
        ok, figures = self.call_service(write_off.recovered, self.ctx, self.loan_id)
        if not ok:
            return False
        done, left = figures
        currency = self.loan_currency()
        self.query_one("#amount", MoneyInput).currency = currency
        self.say(_("Recovered so far {done}; still to recover {left}.").format(
            done=fmt_amount(done, currency), left=fmt_amount(left, currency)))
        return True

    def loan_currency(self) -> str:
        return write_off.currency_of(self.loan_id)

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        if not self.find() or not self.show():
            return
        field = self.query_one("#amount", MoneyInput)
        field.check()
        amount = field.amount
        party = self.query_one("#party_name", TextField).value.strip()
        errors = {}
        if amount is None:
            errors["amount"] = field.error_message or _("Enter an amount greater than zero.")
        if not party:
            errors["party_name"] = _("Who brings the cash? Required.")
        if errors:
            self.show_errors(errors)
            return
        currency = self.loan_currency()
        confirm(self, _("Recovery of {amount}").format(amount=fmt_amount(amount, currency)),
                [amount_in_words(amount, currency, current_language()),
                 _("Paid by {who}.").format(who=party)],
                lambda: self._post(amount, party))

    def _post(self, amount: int, party: str) -> None:
        receipt = post_voucher(self, write_off.recover, self.ctx, self.loan_id, amount,
                               party_name=party)
        if receipt is None:
            return
        self.say(_("Posted with voucher {number}. Still to recover: {left}.").format(
            number=receipt.voucher_number,
            left=fmt_amount(receipt.left, receipt.doc.currency)))
