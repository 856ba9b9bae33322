"""Loan repayment at the counter (cashier): the loan found by member (the member search),
loan, account or member number; what is due today and overdue split by penalties /
interest / principal with the MAP and the payoff; the channel (cash, from a savings
account of the member, mobile money or bank with the operator's reference); the amount
(F6: the early payoff of the day); the confirmation with the allocation and the
remaining balance, then the BR printed in two copies."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Select, Static

from mifin_tui.i18n import N_, _, current_language
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.loans.counter import confirm, post_voucher
from mifin_tui.services.kernel.documents import Remaining
from mifin_tui.services.kernel.words import amount_in_words
from mifin_tui.services.loans import repayments
from mifin_tui.services.loans.repayment_writer import remaining as loan_remaining
from mifin_tui.services.loans.repayments import Due, RepaymentPreview
from mifin_tui.services.members import register as members
from mifin_tui.widgets import FieldError, FormSelect, MemberPicker, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount


def remaining_lines(r: Remaining) -> list[str]:
    """The loan's three remaining figures, labelled as on the BS and the BR."""
    return [f"{line.label[:46]:<46}{fmt_amount(line.amount, r.currency):>20}"
            for line in r.lines(_)]


def due_lines(d: Due, left: Remaining | None = None) -> list[str]:
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
    lines.append(_("Days past due: {days}.").format(days=d.days_past_due))
    if left is not None:
        lines.extend(remaining_lines(left))
    return lines


def preview_lines(p: RepaymentPreview) -> list[str]:
    m = lambda minor: fmt_amount(minor, p.currency)  # noqa: E731
    heads = (_("Instalment"), _("Penalties"), _("Interest"), _("Principal"))
    lines = [_("Amount") + f": {m(p.amount)}",
             amount_in_words(p.amount, p.currency, current_language()), "",
             f"{heads[0][:12]:<12}{heads[1]:>14}{heads[2]:>14}{heads[3]:>14}"]
    for x in p.lines:
        lines.append(f"{x.no:<12}{m(x.penalties):>14}{m(x.interest):>14}{m(x.principal):>14}")
    if p.principal_prepaid:
        lines.append(_("Principal prepaid: {amount}; the next instalments are recomputed.")
                     .format(amount=m(p.principal_prepaid)))
    lines.append(_("Remaining on the loan after it:"))
    if p.after is not None:
        lines.extend(remaining_lines(p.after))
    else:
        lines.append(m(p.remaining))
    return lines


CHANNEL_LABELS = (("cash", N_("Cash at the till")),
                  ("savings", N_("From a savings account")),
                  ("mobile_money", N_("Mobile money")),
                  ("bank", N_("Bank transfer")))


class RepaymentScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Loan repayment")
    BINDINGS = [Binding("f2", "submit", N_("Confirm"), id="repay.submit"),
                Binding("f6", "payoff", N_("Payoff"), id="repay.payoff")]

    def __init__(self, ctx, loan_id: int | None = None, **kwargs) -> None:
        super().__init__(ctx, **kwargs)
        self.loan_id = loan_id
        self.due: Due | None = None
        self.payoff = False  # F6: the amount is the early payoff of the day

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="repay-form", classes="form", can_focus=False):
            yield MemberPicker(lambda text: members.search(self.ctx, text, limit=5),
                               id="member")
            yield from self.field_row(_("Loan number"), TextField(
                id="loan", max_length=32, placeholder=_("loan, account or member number")),
                "loan")
            yield Static("", id="repay-due", classes="summary", markup=False)
            yield from self.field_row(_("Channel"), FormSelect(
                [(_(label), key) for key, label in CHANNEL_LABELS], value="cash",
                allow_blank=False, id="channel"), "channel")
            yield from self.field_row(_("From account"), FormSelect(
                [], id="source_account", prompt=_("savings channel only")), "source_account")
            yield from self.field_row(_("Reference"), TextField(
                id="reference", max_length=64,
                placeholder=_("operator's reference (mobile money, bank)")), "reference")
            yield from self.field_row(_("Paid by"), TextField(
                id="party_name", max_length=80,
                placeholder=_("empty: the borrower")), "party_name")
            yield from self.field_row(_("Amount"), MoneyInput(
                "USD", id="amount", classes="submit-on-enter"), "amount")
            yield FieldError(id="error-form")
            yield Static("", id="repay-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        self._enable_for("cash")
        if self.loan_id is not None:
            self.show_due()
            self.query_one("#channel").focus()
        else:
            self.query_one("#loan").focus()

    def show_due(self) -> bool:
        ok, d = self.call_service(repayments.due, self.ctx, self.loan_id)
        if not ok:
            return False
        self.due = d
        self.payoff = False
        self.query_one("#loan", TextField).value = d.number
        self.query_one("#amount", MoneyInput).currency = d.currency
        ok, left = self.call_service(loan_remaining, self.ctx, d.loan_id)
        self.query_one("#repay-due", Static).update(
            "\n".join(due_lines(d, left if ok else None)))
        ok, sources = self.call_service(repayments.source_accounts, self.ctx, d.loan_id)
        if ok:
            select = self.query_one("#source_account", FormSelect)
            select.set_options(
                (f"{a.number}  {fmt_amount(a.available, d.currency)}", a.id) for a in sources)
            if sources:  # the loan's linked account comes first
                select.value = sources[0].id
        return True

    def _choose(self, found: list[repayments.LoanChoice]) -> None:
        """One loan found: show it; several: say which numbers to type."""
        if len(found) > 1:
            self.show_errors({"loan": _("Several loans: {numbers}. Type the one repaid.")
                              .format(numbers=", ".join(c.number for c in found))})
            self.query_one("#loan", TextField).value = found[0].number
            self.query_one("#loan").focus()
            return
        self.loan_id = found[0].loan_id
        if self.show_due():
            amount = self.query_one("#amount", MoneyInput)
            if self.due is not None and self.due.map_total and not amount.value:
                amount.value = fmt_amount(self.due.map_total, self.due.currency,
                                          symbol=False)
            self.query_one("#channel").focus()

    def _enable_for(self, channel: str) -> None:
        # Fields the channel does not use are disabled: Enter skips them.
        self.query_one("#source_account").disabled = channel != "savings"
        self.query_one("#reference").disabled = channel not in repayments.REFERENCE_REQUIRED

    @on(Select.Changed, "#channel")
    def _channel_changed(self, event: Select.Changed) -> None:
        self._enable_for(str(event.value))

    @on(MemberPicker.Selected)
    def _member_chosen(self, event: MemberPicker.Selected) -> None:
        self.clear_errors()
        ok, found = self.call_service(repayments.member_loans, self.ctx, event.member.id)
        if not ok:
            return
        if not found:
            self.show_errors({"loan": _("{name} has no loan to repay.").format(
                name=event.member.display_name)})
            return
        self._choose(found)

    async def field_entered(self, field) -> None:
        if getattr(field, "id", None) == "loan":
            self.clear_errors()
            ok, found = self.call_service(repayments.find_loans, self.ctx,
                                          self.query_one("#loan", TextField).value)
            if ok:
                self._choose(found)
            return
        await super().field_entered(field)

    def action_payoff(self) -> None:
        """The amount that closes the loan today, future interest not charged."""
        if self.due is None:
            return
        self.payoff = True
        self.query_one("#amount", MoneyInput).value = fmt_amount(
            self.due.payoff, self.due.currency, symbol=False)
        self.query_one("#amount").focus()
        self.notify(_("Early payoff: {amount}.").format(
            amount=fmt_amount(self.due.payoff, self.due.currency)))

    def _channel(self) -> tuple[str, dict]:
        channel = str(self.query_one("#channel", FormSelect).value)
        kw: dict = {"channel": channel}
        if channel == "savings":
            source = self.query_one("#source_account", FormSelect).value
            kw["source_account_id"] = source if isinstance(source, int) else None
        if channel in repayments.REFERENCE_REQUIRED:
            kw["reference"] = self.query_one("#reference", TextField).value
        return channel, kw

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        self.clear_errors()
        if self.loan_id is None or self.due is None:
            self.show_errors({"loan": _("Find the loan first.")})
            return
        amount = self.read_amount()
        if amount is None:
            return
        party = (self.query_one("#party_name", TextField).value.strip()
                 or repayments.holder(self.loan_id))
        channel, kw = self._channel()
        if channel == "savings" and kw.get("source_account_id") is None:
            self.show_errors({"source_account": _("Choose a savings account of the member.")})
            return
        payoff = self.payoff and amount == self.due.payoff
        ok, pv = self.call_service(repayments.preview, self.ctx, self.loan_id, amount,
                                   payoff=payoff)
        if not ok:
            return
        confirm(self, _("Repayment of loan {number}").format(number=pv.number),
                preview_lines(pv), lambda: self._repay(amount, party, payoff, kw),
                password=True)

    def _repay(self, amount: int, party: str, payoff: bool, kw: dict) -> None:
        receipt = post_voucher(self, repayments.repay, self.ctx, self.loan_id, amount,
                               party_name=party, payoff=payoff, **kw)
        if receipt is None:
            return
        self.query_one("#reference", TextField).value = ""
        self.show_due()
        # the figures the BR prints (the same function of the same state), in the
        # user's language where the BR has the document's
        ok, left = self.call_service(loan_remaining, self.ctx, self.loan_id)
        lines = [_("Posted with voucher {number}.").format(number=receipt.voucher_number)]
        if ok:
            lines += remaining_lines(left)
        self.query_one("#repay-result", Static).update("\n".join(lines))
