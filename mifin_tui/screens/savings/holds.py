"""Holds and mandataires of an account. F2 blocks an amount with its reason (gérant); F4
releases the hold under the cursor (only holds placed here, "manual": a loan's collateral
is released by the loan); F6 records a mandataire or signatory who may withdraw."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.savings.form import SavingsFormScreen
from mifin_tui.services.savings import holds as savings_holds
from mifin_tui.services.savings import mandates as savings_mandates
from mifin_tui.services.savings.holds import HOLD_REASONS, HoldView
from mifin_tui.services.savings.mandates import MANDATE_ROLES
from mifin_tui.widgets import FieldError, FormSelect, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount


class HoldsScreen(SavingsFormScreen):
    TITLE_MSGID = N_("Holds and mandataires")
    BINDINGS = [
        Binding("f2", "submit", N_("Block"), id="holds.place"),
        Binding("f4", "release", N_("Release"), id="holds.release"),
        Binding("f6", "add_mandate", N_("Add mandataire"), id="holds.mandate"),
    ]

    def __init__(self, ctx, account_id: int | None = None, **kwargs) -> None:
        super().__init__(ctx, account_id, **kwargs)
        self.holds: list[HoldView] = []

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form", can_focus=False):
            yield from self.compose_account()
            yield DataTable(id="holds", cursor_type="row")
            yield from self.field_row(_("Amount to block"), MoneyInput(
                self.account.currency if self.account else "USD", id="amount"), "amount")
            yield from self.field_row(_("Reason"), FormSelect(
                [(_(label), key) for key, label in HOLD_REASONS.items()], id="reason",
                value="collateral", allow_blank=False), "reason")
            yield from self.field_row(_("Note"), TextField(id="note", max_length=120),
                                      "note")
            yield Static(_("Mandataire or signatory (F6):"), classes="hint", markup=False)
            yield from self.field_row(_("Full name"), TextField(id="full_name", max_length=80),
                                      "full_name")
            yield from self.field_row(_("ID document"), TextField(id="id_type", max_length=40),
                                      "id_type")
            yield from self.field_row(_("ID number"), TextField(id="id_number", max_length=40),
                                      "id_number")
            yield from self.field_row(_("Role"), FormSelect(
                [(_(label), key) for key, label in MANDATE_ROLES.items()], id="role",
                value="mandataire", allow_blank=False), "role")
            yield FieldError(id="error-form")
            yield Static("", id="holds-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#holds", DataTable)
        for title, width in ((_("No."), 4), (_("Amount"), 14), (_("Reason"), 16),
                             (_("Placed by"), 16), (_("Process"), 12)):
            table.add_column(title, width=width)
        super().on_mount()
        self.show_holds()

    def focus_after_account(self) -> None:
        self.query_one("#amount").focus()

    def summary_lines(self) -> list[str]:
        lines = super().summary_lines()
        if self.account is not None:
            names = [f"{m.full_name} ({_(MANDATE_ROLES.get(m.role, m.role))})"
                     for m in self.account.mandates]
            lines.append(_("May sign: {names}").format(names="; ".join(
                [_("the holder")] + names))[:156])
        return lines

    def account_changed(self) -> None:
        super().account_changed()
        if self.account is not None:
            self.query_one("#amount", MoneyInput).currency = self.account.currency
        self.show_holds()

    def show_holds(self) -> None:
        table = self.query_one("#holds", DataTable)
        table.clear()
        self.holds = []
        if self.account is None:
            return
        ok, self.holds = self.call_service(savings_holds.list_holds, self.ctx, self.account.id)
        for h in self.holds or []:
            table.add_row(Text(str(h.id)), Text(fmt_amount(h.amount, h.currency),
                                                justify="right"),
                          Text(_(HOLD_REASONS.get(h.reason, h.reason)), no_wrap=True),
                          Text(h.created_by, no_wrap=True, overflow="ellipsis"),
                          Text(h.process, no_wrap=True, overflow="ellipsis"))
        self.holds = self.holds or []

    def _done(self, text: str) -> None:
        self.reload_account()
        self.show_holds()
        self.query_one("#holds-result", Static).update(text)

    def action_submit(self) -> None:
        self.clear_errors()
        if self.account is None and not self.load_number():
            self.show_errors({"account": _("Choose the account first.")})
            return
        field = self.query_one("#amount", MoneyInput)
        field.check()
        if field.amount is None:
            self.show_errors({"amount": _("Enter an amount greater than zero.")})
            return
        ok, hold = self.call_service(
            savings_holds.place_hold, self.ctx, self.account.id, field.amount,
            str(self.query_one("#reason", FormSelect).value),
            note=self.query_one("#note", TextField).value)
        if ok:
            field.value = ""
            self._done(_("Hold no. {id} placed: {amount} blocked.").format(
                id=hold.id, amount=fmt_amount(hold.amount, hold.currency)))

    def action_release(self) -> None:
        self.clear_errors()
        table = self.query_one("#holds", DataTable)
        if not self.holds or not 0 <= table.cursor_row < len(self.holds):
            self.show_form_error(_("No hold to release on this account."))
            return
        hold = self.holds[table.cursor_row]
        ok, _done = self.call_service(savings_holds.release_hold, self.ctx, hold.id)
        if ok:
            self._done(_("Hold no. {id} released.").format(id=hold.id))

    def action_add_mandate(self) -> None:
        self.clear_errors()
        if self.account is None and not self.load_number():
            self.show_errors({"account": _("Choose the account first.")})
            return
        ok, m = self.call_service(
            savings_mandates.add_mandate, self.ctx, self.account.id,
            self.query_one("#full_name", TextField).value,
            id_type=self.query_one("#id_type", TextField).value,
            id_number=self.query_one("#id_number", TextField).value,
            role=str(self.query_one("#role", FormSelect).value))
        if ok:
            for name in ("full_name", "id_type", "id_number"):
                self.query_one(f"#{name}", TextField).value = ""
            self._done(_("{name} may now sign on the account.").format(name=m.full_name))
