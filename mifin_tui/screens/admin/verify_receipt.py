"""Verify a receipt: type (or scan) the code printed under a voucher's QR; the screen
says whether the books hold exactly that transaction, and shows it as they hold it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.admin import receipts
from mifin_tui.services.admin.receipts import ReceiptCheck
from mifin_tui.widgets import TextField
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

# The verdict's style: a slip the books confirm, or one to take to the gérant.
_CLASSES = {"ok": "ok", "reversed": "warning"}


class VerifyReceiptScreen(MifinScreen):
    TITLE_MSGID = N_("Verify a receipt")
    AUTO_FOCUS = "#receipt-code"

    def compose_body(self) -> ComposeResult:
        yield Static(_("Code printed under the QR (e.g. KIN-BE-000006-20261207-150000-"
                       "7ZK3M9QXA), then Enter:"), id="receipt-help", markup=False)
        yield TextField(id="receipt-code", moves_on=False, max_length=80)
        yield Static("", id="receipt-verdict", markup=False)
        yield Static("", id="receipt-detail", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.show(receipts.verify(self.ctx, event.value))

    def show(self, result: ReceiptCheck) -> None:
        verdict = self.query_one("#receipt-verdict", Static)
        verdict.update(result.message)
        verdict.set_classes(_CLASSES.get(result.status, "error"))
        lines = []
        if result.voucher_number:
            lines.append(_("Voucher {voucher} of {date}").format(
                voucher=result.voucher_number, date=fmt_date(result.business_date)))
            lines.append(f"{result.kind} — {result.label}")
            if result.amount is not None and result.currency:
                lines.append(_("Amount in the books: {amount}").format(
                    amount=fmt_amount(result.amount, result.currency)))
            lines.append(_("Posted by {user} at {at}").format(user=result.username,
                                                              at=result.posted_at))
            if result.reversed_by:
                lines.append(_("Reversed by {voucher}").format(voucher=result.reversed_by))
        self.query_one("#receipt-detail", Static).update("\n".join(lines))
