"""Loan repayment at the counter (cashier): the loan number, what is due today and overdue
split by penalties / interest / principal with the MAP and the payoff, the amount paid,
the confirmation with the allocation and the remaining balance, then the BR printed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mifin_tui.i18n import N_, _, current_language
from mifin_tui.screens.base import FormMixin, MifinScreen
from mifin_tui.screens.dialogs import ConfirmDialog
from mifin_tui.screens.print_jobs import print_voucher
from mifin_tui.services import repayments
from mifin_tui.services.errors import MifinError, ValidationError
from mifin_tui.services.repayments import Due, RepaymentPreview
from mifin_tui.services.words import amount_in_words
from mifin_tui.widgets import FieldError, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount


def due_lines(d: Due) -> list[str]:
    """What is due, as lines of 72 characters at most."""
    m = lambda minor: fmt_amount(minor, d.currency)  # noqa: E731
    rows = [(_("Penalties"), d.due_today.penalties), (_("Interest"), d.due_today.interest),
            (_("Fees"), d.due_today.fees), (_("Principal"), d.due_today.principal)]
    today, late, total = _("Due today"), _("of which overdue"), _("To pay (MAP)")
    lines = [f"{d.number}  {repayments.holder(d.loan_id)}",
             f"{'':<18}{today:>18}{late:>20}"]
    overdue = {_("Penalties"): d.overdue.penalties, _("Interest"): d.overdue.interest,
               _("Fees"): d.overdue.fees, _("Principal"): d.overdue.principal}
    for label, amount in rows:
        if amount or label != _("Fees"):
            lines.append(f"{label[:18]:<18}{m(amount):>18}{m(overdue[label]):>20}")
    lines.append(f"{total[:18]:<18}{m(d.map_total):>18}{m(d.overdue.total):>20}")
    lines.append(_("Days past due: {days}. Payoff today: {payoff}.").format(
        days=d.days_past_due, payoff=m(d.payoff)))
    return lines


def preview_lines(p: RepaymentPreview) -> list[str]:
    m = lambda minor: fmt_amount(minor, p.currency)  # noqa: E731
    heads = (_("Instalment"), _("Penalties"), _("Interest"), _("Principal"))
    lines = [_("Amount") + f": {m(p.amount)}",
             amount_in_words(p.amount, p.currency, current_language()), "",
             f"{heads[0][:12]:<12}{heads[1]:>14}{heads[2]:>14}{heads[3]:>14}"]
    for x in p.lines:
        lines.append(f"{x.no:<12}{m(x.penalties):>14}{m(x.interest):>14}{m(x.principal):>14}")
    lines.append(_("Remaining on the loan after it: {amount}.").format(amount=m(p.remaining)))
    return lines


class RepaymentScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Loan repayment")
    BINDINGS = [Binding("f2", "submit", N_("Confirm"), id="repay.submit")]

    def __init__(self, ctx, loan_id: int | None = None, **kwargs) -> None:
        super().__init__(ctx, **kwargs)
        self.loan_id = loan_id
        self.due: Due | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="repay-form", classes="form", can_focus=False):
            yield from self.field_row(_("Loan number"), TextField(
                id="loan", max_length=32, placeholder=_("loan number")), "loan")
            yield Static("", id="repay-due", classes="summary", markup=False)
            yield from self.field_row(_("Paid by"), TextField(
                id="party_name", max_length=80,
                placeholder=_("empty: the borrower")), "party_name")
            yield from self.field_row(_("Amount"), MoneyInput(
                "USD", id="amount", classes="submit-on-enter"), "amount")
            yield FieldError(id="error-form")
            yield Static("", id="repay-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        if self.loan_id is not None:
            self.show_due()
            self.query_one("#party_name").focus()
        else:
            self.query_one("#loan").focus()

    def show_due(self) -> bool:
        ok, d = self.call_service(repayments.due, self.ctx, self.loan_id)
        if not ok:
            return False
        self.due = d
        self.query_one("#loan", TextField).value = d.number
        self.query_one("#amount", MoneyInput).currency = d.currency
        self.query_one("#repay-due", Static).update("\n".join(due_lines(d)))
        return True

    async def field_entered(self, field) -> None:
        if getattr(field, "id", None) == "loan":
            self.clear_errors()
            ok, loan_id = self.call_service(repayments.find_loan, self.ctx,
                                            self.query_one("#loan", TextField).value)
            if not ok:
                return
            self.loan_id = loan_id
            if self.show_due():
                amount = self.query_one("#amount", MoneyInput)
                if self.due is not None and self.due.map_total and not amount.value:
                    amount.value = fmt_amount(self.due.map_total, self.due.currency,
                                              symbol=False)
                self.query_one("#party_name").focus()
            return
        await super().field_entered(field)

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        self.clear_errors()
        if self.loan_id is None or self.due is None:
            self.show_errors({"loan": _("Find the loan first.")})
            return
        field = self.query_one("#amount", MoneyInput)
        field.check()
        amount = field.amount
        if amount is None:
            if not field.error_message:
                self.show_errors({"amount": _("Enter an amount greater than zero.")})
            field.focus()
            return
        party = (self.query_one("#party_name", TextField).value.strip()
                 or repayments.holder(self.loan_id))
        ok, pv = self.call_service(repayments.preview, self.ctx, self.loan_id, amount)
        if not ok:
            return
        self.app.push_screen(
            ConfirmDialog(_("Repayment of loan {number}").format(number=pv.number),
                          preview_lines(pv),
                          hint=_("F2 or Enter posts it and prints the BR; Escape goes back, "
                                 "nothing is posted.")),
            callback=lambda yes: self._repay(amount, party) if yes else None)

    def _repay(self, amount: int, party: str) -> None:
        try:
            receipt = repayments.repay(self.ctx, self.loan_id, amount, party_name=party)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except MifinError as exc:
            self.show_form_error(str(exc))
            return
        print_voucher(self.app, receipt.doc)
        self.query_one("#amount", MoneyInput).value = ""
        self.show_due()
        self.query_one("#repay-result", Static).update(
            _("Posted with voucher {number}. Remaining on the loan: {amount}.").format(
                number=receipt.voucher_number,
                amount=fmt_amount(receipt.remaining, receipt.doc.currency)))
