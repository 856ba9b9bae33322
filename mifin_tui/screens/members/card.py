"""The member card (fiche du membre): who he is, his accounts with their balances, his
groups and last operations, and the keys to go on from there.

Deposit, withdrawal, statement and loan application are other areas' screens, opened
through the menu registry (`menu.get(id).build(ctx, account_id=...)`) only when the entry
exists and the user may open it; their keys are hidden otherwise. Loans and guarantees
have no section yet: they come with the loans issues, as a table under the accounts.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Label, Static

from mifin_tui import menu
from mifin_tui.i18n import N_, _
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog, NoteDialog
from mifin_tui.screens.common.print_jobs import print_member_form, print_voucher
from mifin_tui.screens.members.account_lookup import status_word
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.members import card as member_card
from mifin_tui.services.members import forms as member_forms
from mifin_tui.services.members import groups
from mifin_tui.services.members import register as members
from mifin_tui.services.members.card import MemberCard, ResignResult
from mifin_tui.widgets import MemberPicker
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

# action -> menu entry id of another area's screen (opened with the account chosen)
GO_TO = {"deposit": "deposit", "withdrawal": "withdrawal", "statement": "statement",
         "loan_application": "loan_application"}


class MemberCardScreen(MifinScreen):
    TITLE_MSGID = N_("Member card")
    AUTO_FOCUS = "#member Input"
    BINDINGS = [
        Binding("f2", "find", N_("Member"), id="card.find"),
        Binding("f4", "go('deposit')", N_("Deposit"), id="card.deposit"),
        Binding("f5", "go('withdrawal')", N_("Withdrawal"), id="card.withdrawal"),
        Binding("f6", "go('statement')", N_("Statement"), id="card.statement"),
        Binding("f7", "go('loan_application')", N_("Loan"), id="card.loan"),
        Binding("f8", "edit", N_("Edit"), id="card.edit"),
        # Not in the footer (80 columns hold eight keys): the hint under the card names them.
        Binding("f9", "print_form", N_("Print fiche"), id="card.print", show=False),
        Binding("ctrl+d", "resign", N_("Démission"), id="card.resign", show=False),
    ]

    def __init__(self, ctx: Context, member_id: int | None = None) -> None:
        super().__init__(ctx)
        self.member_id = member_id
        self.card: MemberCard | None = None
        # the loan area's part of the card, for who may read loans
        self.loans: tuple = ()
        self.guarantees: tuple = ()
        self.messages: list[str] = []

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(_("Member"), markup=False)
            yield MemberPicker(lambda text: members.search(self.ctx, text, limit=6),
                               id="member")
        with VerticalScroll(id="card-body", can_focus=False):
            yield Static("", id="card-member", classes="summary", markup=False)
            yield DataTable(id="card-accounts", cursor_type="row")
            yield DataTable(id="card-loans", cursor_type="row")
            yield Static("", id="card-guarantees", markup=False)
            yield Static("", id="card-groups", markup=False)
            yield Static("", id="card-operations", markup=False)
            yield Static("", id="card-message", classes="hint", markup=False)
        yield Static(_("F9 prints the fiche d'adhésion; Ctrl+D records the démission."),
                     id="card-keys", classes="hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#card-accounts", DataTable)
        table.add_column(_("Account"), width=19)
        table.add_column(_("Product"), width=18)
        table.add_column(_("Balance"), width=18)
        table.add_column(_("State"), width=8)
        loans = self.query_one("#card-loans", DataTable)
        loans.add_column(_("Loan"), width=18)
        loans.add_column(_("State"), width=12)
        loans.add_column(_("Amount"), width=16)
        loans.add_column(_("Outstanding"), width=16)
        if self.member_id is not None:
            self.load(self.member_id)

    # --- showing ------------------------------------------------------------------------

    @on(MemberPicker.Selected)
    def _chosen(self, event: MemberPicker.Selected) -> None:
        self.load(event.member.id)

    def load(self, member_id: int) -> None:
        try:
            self.card = member_card.card(self.ctx, member_id)
            if self.ctx.can("loan.read"):
                from mifin_tui.services.loans import views as loan_views

                self.loans = tuple(loan_views.member_loans(self.ctx, member_id))
                self.guarantees = tuple(loan_views.member_guarantees(self.ctx, member_id))
        except MifinError as exc:
            self.say(str(exc))
            return
        self.member_id = member_id
        self.show()
        self.refresh_bindings()

    def show(self) -> None:
        c = self.card
        if c is None:
            return
        d = c.member
        status = _(members.STATUSES.get(d.status, d.status))
        lines = [f"{d.number}  {d.display_name}  [{status}]"]
        if d.kind == "person":
            lines.append(_("{sex}, born {birth} at {place}; {civil}; {job}").format(
                sex=_(members.SEXES.get(d.sex, d.sex)) or "-", birth=fmt_date(d.birth_date)
                if d.birth_date else "-", place=d.birth_place or "-",
                civil=d.civil_status or "-", job=d.profession or "-"))
            lines.append(_("ID: {type} {number}").format(type=d.id_type or "-",
                                                         number=d.id_number or "-"))
        else:
            lines.append(_("{form} {registration}; represented by {who}").format(
                form=d.legal_form or "-", registration=d.registration or "-",
                who=d.representative_name or "-"))
        lines.append(", ".join(p for p in (d.address, d.commune, d.city, d.province, d.phone)
                               if p))
        lines.append(_("Member since {date}; category {category}; officer {officer}").format(
            date=fmt_date(d.joined_on), category=d.category or "-",
            officer=d.officer_name or "-"))
        self.query_one("#card-member", Static).update("\n".join(lines))
        table = self.query_one("#card-accounts", DataTable)
        table.clear()
        for a in c.accounts:
            table.add_row(Text(a.number, no_wrap=True),
                          Text(a.name, no_wrap=True, overflow="ellipsis"),
                          Text(fmt_amount(a.balance, a.currency), justify="right"),
                          Text(status_word(a.status), no_wrap=True))
        roles = [f"{g.group_name} ({_(groups.ROLES.get(g.role, g.role)).lower()})"
                 for g in c.groups]
        self.query_one("#card-groups", Static).update(
            _("Groups: {groups}").format(groups="; ".join(roles)) if roles else "")
        ops = [_("Last operations:")] if c.operations else [_("No operation yet.")]
        for op in c.operations:
            amount = op.credit or -op.debit
            # 77 characters at most: a longer line wraps and its last word stands alone.
            ops.append(f"  {fmt_date(op.business_date)} {op.voucher_number or '':<19} "
                       f"{fmt_amount(amount, op.currency):>16}  {op.label[:26]}")
        self.query_one("#card-operations", Static).update("\n".join(ops))
        self.show_loans(c)
        if c.accounts:
            table.focus()

    def show_loans(self, c: MemberCard) -> None:
        loans = self.query_one("#card-loans", DataTable)
        loans.clear()
        loans.display = bool(self.loans)
        for ln in self.loans:
            loans.add_row(Text(ln.number, no_wrap=True), Text(ln.state_word, no_wrap=True),
                          Text(fmt_amount(ln.amount, ln.currency), justify="right"),
                          Text(fmt_amount(ln.outstanding, ln.currency), justify="right"))
        from mifin_tui.screens.loans.arrears_panel import member_panel

        given = member_panel(self.ctx, c.member.id) if self.loans else []
        given += [_("Guarantees given:")] if self.guarantees else []
        given += [f"  {g.loan_number} {g.borrower} [{g.state_word}] "
                  f"{fmt_amount(g.amount, g.currency)}" for g in self.guarantees]
        self.query_one("#card-guarantees", Static).update("\n".join(given))

    def selected_account_id(self) -> int | None:
        if self.card is None or not self.card.accounts:
            return None
        row = self.query_one("#card-accounts", DataTable).cursor_row
        return self.card.accounts[row].id if 0 <= row < len(self.card.accounts) else None

    # --- going on -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go":
            entry = menu.get(str(parameters[0]))
            return self.card is not None and entry is not None and entry.allowed(self.ctx)
        if action == "edit":
            return self.card is not None and self.ctx.can("member.edit")
        if action == "resign":
            return self.card is not None and self.ctx.can("member.leave")
        if action == "print_form":
            return self.card is not None
        return True

    def action_find(self) -> None:
        self.query_one(MemberPicker).focus()

    def action_go(self, entry_id: str) -> None:
        entry = menu.get(GO_TO.get(entry_id, entry_id))
        if entry is None or not entry.allowed(self.ctx) or self.card is None:
            return
        kwargs = {"account_id": self.selected_account_id()}
        if entry_id == "loan_application":
            kwargs = {"member_id": self.card.member.id}
        self.app.push_screen(entry.build(self.ctx, **kwargs))

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.member_id is not None:
            self.load(self.member_id)  # a deposit or an edit may have changed it

    def action_edit(self) -> None:
        if self.card is None:
            return
        from mifin_tui.screens.members.edit import MemberEditScreen

        self.app.push_screen(MemberEditScreen(self.ctx, self.card.member))

    def action_print_form(self) -> None:
        if self.card is None:
            return
        try:
            doc = member_forms.form(self.ctx, self.card.member.id)
        except MifinError as exc:
            self.show_message(PrintOutcome(False, str(exc)))
            return
        print_member_form(self.app, doc, on_done=self.show_message)

    def action_resign(self) -> None:
        """The démission in its steps (#21): asked here, approved by the gérant on his
        list, then the shares refunded here with the cashier's password."""
        c = self.card
        if c is None:
            return
        try:
            request = member_card.resignation_of(self.ctx, c.member.id)
        except MifinError as exc:
            self.say(str(exc))
            return
        if request is not None and request.state == "pending":
            self.say(_("The démission of {number} waits for the manager's approval.").format(
                number=c.member.number))
            return
        shares = sum(a.balance for a in c.accounts if a.kind == "shares")
        currency = next((a.currency for a in c.accounts if a.kind == "shares"), "")
        shares_text = fmt_amount(shares, currency) if currency else "-"
        if request is not None:  # approved: pay the shares back and close
            lines = [f"{c.member.number}  {c.member.display_name}",
                     _("Démission approved. The share capital ({shares}) is refunded from "
                       "your till with a BS voucher; the accounts close.").format(
                         shares=shares_text)]
            self.app.push_screen(ConfirmDialog(_("Démission: refund the shares"), lines,
                                               password=shares > 0),
                                 callback=lambda yes: self._pay(request.id) if yes else None)
            return
        lines = [f"{c.member.number}  {c.member.display_name}",
                 _("Every account must be at zero. The manager approves the démission, then "
                   "the share capital ({shares}) is refunded at the till.").format(
                     shares=shares_text)]
        member_id = c.member.id
        self.app.push_screen(NoteDialog(
            _("Démission"), lines,
            lambda reason: member_card.request_resignation(self.ctx, member_id, reason),
            note_label=_("Reason of the démission")), self._requested)

    def _requested(self, request) -> None:
        if request is not None:
            self.say(_("Démission of {number} asked: it waits for the manager's approval.")
                     .format(number=request.member_number))

    def _pay(self, request_id: int) -> None:
        try:
            result = member_card.pay_resignation(self.ctx, request_id)
        except MifinError as exc:
            self.say(str(exc))
            return
        self._resigned(result)

    def _resigned(self, result: ResignResult | None) -> None:
        if result is None:
            return
        if result.refund is not None:
            print_voucher(self.app, result.refund.doc, on_done=self.show_message)
        if self.member_id is not None:
            self.load(self.member_id)
        self.say(_("Member {number} left on {date}.").format(number=result.member_number,
                                                             date=fmt_date(result.left_on)))

    def say(self, message: str) -> None:
        self.messages = [*self.messages[-2:], message]
        self.query_one("#card-message", Static).update("\n".join(self.messages))

    def show_message(self, outcome: PrintOutcome) -> None:
        self.say(outcome.message)
