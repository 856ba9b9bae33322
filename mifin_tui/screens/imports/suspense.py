"""Payments to allocate (accountant, #20): the money of imported statements held in
"paiements reçus à affecter" — lines nobody matched, refused by their loan, or above
what the loan takes — with the reference and the reason. The accountant highlights one,
types a loan or savings account number and F5 applies it; or types how the payer is
refunded and F6 refunds it. Either way it leaves the list, once."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Label, Static

from mifin_tui.i18n import N_, _, current_language
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import confirm_then
from mifin_tui.services.imports import suspense
from mifin_tui.services.imports.suspense import SuspenseItem
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.widgets import FieldError, TextField


class SuspenseScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Payments to allocate")
    AUTO_FOCUS = "#items"
    BINDINGS = [
        Binding("f5", "apply", N_("Apply"), id="suspense.apply"),
        Binding("f6", "refund", N_("Refund"), id="suspense.refund"),
        Binding("f3", "number", N_("Number"), id="suspense.number"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.shown: list[SuspenseItem] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="items", cursor_type="row")
        yield Static("", id="item-detail", classes="summary", markup=False)
        with Horizontal(classes="row"):
            yield Label(_("Loan or account"), markup=False)
            yield TextField(id="number", placeholder="KIN-21-0000123-45",
                            classes="submit-on-enter")
        yield FieldError(id="error-number", classes="row-error")
        with Horizontal(classes="row"):
            yield Label(_("Refund note"), markup=False)
            yield TextField(id="note")
        yield FieldError(id="error-note", classes="row-error")
        yield FieldError(id="error-form", classes="row-error")
        yield Static("", id="suspense-message", classes="hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#items", DataTable)
        table.add_column(_("Date"), width=10)
        table.add_column(_("Reference"), width=16)
        table.add_column(_("Payer"), width=14)
        table.add_column(_("Amount"), width=14)
        self.reload()

    def reload(self) -> None:
        table = self.query_one("#items", DataTable)
        table.clear()
        try:
            self.shown = suspense.items(self.ctx)
        except MifinError as exc:
            self.query_one("#suspense-message", Static).update(str(exc))
            return
        lang = current_language()
        for r in self.shown:
            table.add_row(Text(format_date(r.business_date, lang)),
                          Text(r.reference, no_wrap=True), Text(r.payer, no_wrap=True),
                          Text(format_amount(r.amount, r.currency, lang), justify="right"))
        if not self.shown:
            self.query_one("#item-detail", Static).update(_("No payment waits in suspense."))

    def current(self) -> SuspenseItem | None:
        row = self.query_one("#items", DataTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        r = self.current()
        if r is not None:
            self.query_one("#item-detail", Static).update(
                _("Why: {reason}").format(reason=r.reason or "-"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_number()

    def action_number(self) -> None:
        self.query_one("#number", TextField).focus()

    def action_submit(self) -> None:
        self.action_apply()

    def _done(self, message: str) -> None:
        self.query_one("#suspense-message", Static).update(message)
        self.query_one("#number", TextField).value = ""
        self.query_one("#note", TextField).value = ""
        self.reload()
        self.query_one("#items", DataTable).focus()

    def action_apply(self) -> None:
        self.clear_errors()
        r = self.current()
        if r is None:
            return
        number = self.query_one("#number", TextField).value
        if not number.strip():
            self.show_errors({"number": _("Type the loan or account number.")})
            return
        confirm_then(self, _("Apply payment {reference}?").format(reference=r.reference), [
            _("{amount} from {payer}, posted on {target}.").format(
                amount=format_amount(r.amount, r.currency, current_language()),
                payer=r.payer, target=number.strip())],
            lambda: self._apply(r, number))

    def _apply(self, r, number: str) -> None:
        ok, done = self.call_service(suspense.apply, self.ctx, r.id, number)
        if ok:
            voucher, target = done
            self._done(_("Payment {reference} applied to {target}: voucher {voucher}.").format(
                reference=r.reference, target=target, voucher=voucher))

    def action_refund(self) -> None:
        self.clear_errors()
        r = self.current()
        if r is None:
            return
        note = self.query_one("#note", TextField).value
        confirm_then(self, _("Refund payment {reference}?").format(reference=r.reference), [
            _("{amount} back to {payer}.").format(
                amount=format_amount(r.amount, r.currency, current_language()),
                payer=r.payer)],
            lambda: self._refund(r, note))

    def _refund(self, r, note: str) -> None:
        ok, voucher = self.call_service(suspense.refund, self.ctx, r.id, note)
        if ok:
            self._done(_("Payment {reference} refunded: voucher {voucher}.").format(
                reference=r.reference, voucher=voucher))
