"""What the savings counter screens share: choosing the account (its number, or a member
then one of his accounts) and the summary of its figures (balance, holds, minimum,
available, state in words, the kind's own facts)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Select, Static

from mifin_tui.i18n import _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import accounts as savings_accounts
from mifin_tui.services.savings.accounts import SavingsView
from mifin_tui.widgets import AccountNumberInput, CheckedInput, FormSelect, MemberPicker
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


def summary_lines(acc: SavingsView) -> list[str]:
    """The account in three or four lines of at most 78 characters."""
    money = lambda minor: fmt_amount(minor, acc.currency)  # noqa: E731
    lines = [f"{acc.number}  {acc.product_name or acc.name}  [{acc.state_word}]"[:78],
             acc.holder[:78],
             _("Balance {balance}  holds {holds}  minimum {minimum}").format(
                 balance=money(acc.balance), holds=money(acc.holds),
                 minimum=money(acc.min_balance))[:78],
             _("Available: {available}").format(available=money(acc.available))]
    if acc.kind == "scheduled":
        lines.append(_("Planned {amount} a period until {date}; missed instalments: {n}")
                     .format(amount=money(acc.planned_amount), date=fmt_date(acc.target_date),
                             n=acc.missed_instalments)[:78])
    elif acc.kind == "tontine" and acc.cycle_day is not None:
        lines.append(_("Tontine: {amount} a day, day {day} of {days}").format(
            amount=money(acc.planned_amount), day=acc.cycle_day, days=acc.cycle_days))
    if acc.blocked:
        lines.append(acc.blocked[:78])
    if acc.pending_requests:
        lines.append(_("Withdrawal requests open on this account: {n}").format(
            n=acc.pending_requests))
    return lines


class SavingsFormScreen(FormMixin, MifinScreen):
    """A form about one savings account; subclasses add their fields below the choice.

    `account_id` preselects the account (the member card opens the screen that way).
    """

    AUTO_FOCUS = "#number Input"

    def __init__(self, ctx: Context, account_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(ctx)
        self.account: SavingsView | None = None
        self.choices: list[SavingsView] = []
        if account_id is not None:
            try:
                self.account = savings_accounts.account_view(ctx, account_id)
            except MifinError:
                self.account = None

    def compose_account(self) -> ComposeResult:
        yield from self.field_row(_("Account no."), AccountNumberInput(
            self.account.number if self.account else "", id="number"), "account")
        yield from self.field_row(_("or member"), MemberPicker(
            lambda text: members.search(self.ctx, text, limit=6), id="member"), "member")
        yield FormSelect([], id="choice", prompt=_("the member's accounts"))
        yield Static("", id="account-summary", classes="summary", markup=False)

    def on_mount(self) -> None:
        self.query_one("#choice").display = False
        self.show_account()
        if self.account is not None:
            self.call_after_refresh(self.focus_after_account)

    def focus_after_account(self) -> None:
        """Where the cursor goes once the account is known (the first field after it)."""

    async def field_entered(self, field: Widget) -> None:
        owner = field.parent if isinstance(field.parent, CheckedInput) else None
        if owner is not None and owner.id == "number":
            if not self.load_number():
                return
            self.focus_after_account()
            return
        await super().field_entered(field)

    def load_number(self) -> bool:
        field = self.query_one("#number", AccountNumberInput)
        field.check()
        number = field.account_number
        if number is None:
            return False
        try:
            self.account = savings_accounts.find_account(self.ctx, number)
        except MifinError as exc:
            field.set_error(str(exc))
            return False
        self.account_changed()
        return True

    @on(MemberPicker.Selected)
    def _member_chosen(self, event: MemberPicker.Selected) -> None:
        try:
            self.choices = [a for a in savings_accounts.member_savings(self.ctx, event.member.id)
                            if a.status != "closed"]
        except MifinError as exc:
            self.show_form_error(str(exc))
            return
        select = self.query_one("#choice", FormSelect)
        select.set_options([(f"{a.number}  {a.product_name}  {fmt_amount(a.balance, a.currency)}",
                             a.id) for a in self.choices])
        select.display = bool(self.choices)
        if self.choices:
            self.account = self.choices[0]
            select.value = self.account.id
            self.account_changed()
            select.focus()
        else:
            self.show_errors({"member": _("This member has no open savings account.")})

    @on(Select.Changed, "#choice")
    def _choice_changed(self, event: Select.Changed) -> None:
        chosen = next((a for a in self.choices if a.id == event.value), None)
        if chosen is not None and (self.account is None or chosen.id != self.account.id):
            self.account = chosen
            self.account_changed()

    def account_changed(self) -> None:
        if self.account is not None:
            self.query_one("#number", AccountNumberInput).value = self.account.number
        self.show_account()

    def reload_account(self) -> None:
        if self.account is not None:
            try:
                self.account = savings_accounts.account_view(self.ctx, self.account.id)
            except MifinError:
                pass
        self.show_account()

    def show_account(self) -> None:
        text = "\n".join(self.summary_lines()) if self.account else _(
            "Type the account number (Enter), or find the member.")
        self.query_one("#account-summary", Static).update(text)

    def summary_lines(self) -> list[str]:
        return summary_lines(self.account) if self.account else []
