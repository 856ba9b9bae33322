"""Unmatched payments (accountant): the lines of imported statements that found no loan
or account, or that were refused, with the reason. The accountant highlights a line,
types the loan or savings account number and F5 posts it (once: the line then leaves
the list)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Label, Static

from mifin_tui.i18n import N_, _, current_language
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import confirm_then
from mifin_tui.services.imports import payments as payment_import
from mifin_tui.services.imports.payments import OpenLine
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.widgets import FieldError, TextField


class PaymentMatchingScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Unmatched payments")
    AUTO_FOCUS = "#lines"
    BINDINGS = [
        Binding("f5", "post", N_("Post"), id="matching.post"),
        Binding("f3", "number", N_("Number"), id="matching.number"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.shown: list[OpenLine] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="lines", cursor_type="row")
        yield Static("", id="line-detail", classes="summary", markup=False)
        with Horizontal(classes="row"):
            yield Label(_("Loan or account"), markup=False)
            yield TextField(id="number", placeholder="KIN-21-0000123-45",
                            classes="submit-on-enter")
        yield FieldError(id="error-number", classes="row-error")
        yield FieldError(id="error-form", classes="row-error")
        yield Static("", id="matching-message", classes="hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#lines", DataTable)
        table.add_column(_("Date"), width=10)
        table.add_column(_("Reference"), width=16)
        table.add_column(_("Payer"), width=14)
        table.add_column(_("Amount"), width=14)
        table.add_column(_("Status"), width=10)
        self.reload()

    def reload(self) -> None:
        table = self.query_one("#lines", DataTable)
        table.clear()
        try:
            self.shown = payment_import.open_lines(self.ctx)
        except MifinError as exc:
            self.query_one("#matching-message", Static).update(str(exc))
            return
        lang = current_language()
        for r in self.shown:
            table.add_row(Text(format_date(r.value_date, current_language())),
                          Text(r.reference, no_wrap=True), Text(r.payer, no_wrap=True),
                          Text(format_amount(r.amount, r.currency, lang), justify="right"),
                          Text(payment_import.status_label(r.status), no_wrap=True))
        if not self.shown:
            self.query_one("#line-detail", Static).update(_("No payment is waiting."))

    def current(self) -> OpenLine | None:
        row = self.query_one("#lines", DataTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        r = self.current()
        if r is None:
            return
        self.query_one("#line-detail", Static).update("\n".join([
            _("{channel}, file {file}, line {line}").format(
                channel=payment_import.channel_label(r.channel), file=r.file_name,
                line=r.line_no),
            _("Text: {text}").format(text=r.text or "-"),
            _("Why: {reason}").format(reason=r.reason or "-"),
        ]))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_number()

    def action_number(self) -> None:
        self.query_one("#number", TextField).focus()

    def action_submit(self) -> None:
        self.action_post()

    def action_post(self) -> None:
        self.clear_errors()
        r = self.current()
        if r is None:
            return
        number = self.query_one("#number", TextField).value
        if not number.strip():
            self.show_errors({"number": _("Type the loan or account number.")})
            return
        confirm_then(self, _("Post payment {reference}?").format(reference=r.reference), [
            _("{amount} from {payer}, posted on {target}.").format(
                amount=format_amount(r.amount, r.currency, current_language()),
                payer=r.payer, target=number.strip())],
            lambda: self._post(r, number))

    def _post(self, r, number: str) -> None:
        ok, posted = self.call_service(payment_import.post_line, self.ctx, r.id, number)
        if not ok:
            return
        self.query_one("#matching-message", Static).update(
            _("Payment {reference} posted on {target}: voucher {voucher}.").format(
                reference=r.reference, target=posted.target, voucher=posted.voucher_number))
        self.query_one("#number", TextField).value = ""
        self.reload()
        self.query_one("#lines", DataTable).focus()
