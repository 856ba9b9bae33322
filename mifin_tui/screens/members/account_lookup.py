"""Account lookup: a member (search as you type) or an account number -> the member's
accounts with their balances -> a statement."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.kernel import accounts
from mifin_tui.services.kernel.accounts import AccountView
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.members import register as members
from mifin_tui.widgets import AccountNumberInput, MemberPicker
from mifin_tui.widgets.formatting import fmt_amount

ACCOUNT_STATUS = {"active": N_("open"), "closed": N_("CLOSED"), "blocked": N_("BLOCKED")}


def status_word(status: str) -> str:
    return _(ACCOUNT_STATUS[status]) if status in ACCOUNT_STATUS else status.upper()


class AccountLookupScreen(MifinScreen):
    TITLE_MSGID = N_("Account lookup")
    AUTO_FOCUS = "#member Input"
    BINDINGS = [
        Binding("f2", "focus_member", N_("Member"), id="lookup.member"),
        Binding("f4", "focus_number", N_("Account no."), id="lookup.number"),
    ]

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.shown: list[AccountView] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="form"):
            with Horizontal(classes="row"):
                yield Label(_("Member"), markup=False)
                yield MemberPicker(lambda text: members.search(self.ctx, text, limit=6),
                                   id="member")
            with Horizontal(classes="row"):
                yield Label(_("or account number"), markup=False)
                yield AccountNumberInput(id="number")
            yield Static("", id="holder", classes="summary", markup=False)
            table = DataTable(id="accounts", cursor_type="row")
            yield table
            yield Static(_("Enter on an account shows its statement."), classes="hint",
                         markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#accounts", DataTable)
        table.add_column(_("Account"), width=19)
        table.add_column(_("Product"), width=20)
        table.add_column(_("Balance"), width=18)
        table.add_column(_("State"), width=8)

    def action_focus_member(self) -> None:
        self.query_one(MemberPicker).focus()

    def action_focus_number(self) -> None:
        self.query_one(AccountNumberInput).focus()

    @on(MemberPicker.Selected)
    def _member_chosen(self, event: MemberPicker.Selected) -> None:
        member = event.member
        try:
            found = accounts.member_accounts(self.ctx, member.id)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        self.show_accounts(_("{number}  {name}").format(
            number=member.number, name=member.display_name), found)

    @on(Input.Submitted, "#number Input")
    def _number_typed(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one(AccountNumberInput)
        number = field.account_number
        if number is None:
            return  # the field shows why (empty, malformed, check digits)
        try:
            account = accounts.find_by_number(self.ctx, number)
            found = (accounts.member_accounts(self.ctx, account.member_id)
                     if account.member_id else [account])
        except MifinError as exc:
            field.set_error(str(exc))
            return
        holder = (_("{number}  {name}").format(number=account.member_number, name=account.holder)
                  if account.member_id else account.name)
        self.show_accounts(holder, found, select=account.id)

    def show_accounts(self, holder: str, found: list[AccountView],
                      select: int | None = None) -> None:
        self.shown = found
        count = len(found)
        self.query_one("#holder", Static).update(
            ngettext("{holder}: {count} account", "{holder}: {count} accounts", count).format(
                holder=holder, count=count))
        table = self.query_one("#accounts", DataTable)
        table.clear()
        for acc in found:
            table.add_row(
                Text(acc.number, no_wrap=True),
                Text(acc.name, no_wrap=True, overflow="ellipsis"),
                Text(fmt_amount(acc.balance, acc.currency), justify="right", no_wrap=True),
                Text(status_word(acc.status), no_wrap=True),
            )
        if found:
            row = next((i for i, a in enumerate(found) if a.id == select), 0)
            table.move_cursor(row=row)
            table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_statement(event.cursor_row)

    def open_statement(self, row: int) -> None:
        if 0 <= row < len(self.shown):
            from mifin_tui.screens.savings.statement import StatementScreen

            self.app.push_screen(StatementScreen(self.ctx, self.shown[row]))
