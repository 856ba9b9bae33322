"""Reversal of a repayment made in error: the loan's repayments, the one chosen, the
reason; on the day of the repayment the cashier reverses it with the manager's approval
(the manager types his user name and password here: maker-checker at the counter), on a
later day the accountant does alone. The latest repayment of the loan first."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.loans.counter import LoanForm, confirm
from mifin_tui.screens.loans.repayment import remaining_lines
from mifin_tui.services.kernel import auth
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import repayments
from mifin_tui.services.loans.repayment_writer import remaining as loan_remaining
from mifin_tui.services.loans.repayments import RepaymentLine
from mifin_tui.widgets import FieldError, TextField
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

CHANNELS = {"cash": N_("Cash"), "savings": N_("Savings"), "mobile_money": N_("Mobile money"),
            "bank": N_("Bank"), "auto_debit": N_("Automatic debit")}


class RepaymentReversalScreen(LoanForm):
    TITLE_MSGID = N_("Reverse a repayment")
    BINDINGS = [Binding("f2", "submit", N_("Reverse"), id="reversal.submit")]
    AFTER_FIND = "#repayments"

    def __init__(self, ctx: Context, loan_id: int | None = None, **kwargs) -> None:
        super().__init__(ctx, loan_id, **kwargs)
        self.lines: list[RepaymentLine] = []

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="reversal-form", classes="form", can_focus=False):
            yield from self.field_row(_("Loan number"), TextField(
                id="loan", max_length=32, placeholder=_("loan number")), "loan")
            yield DataTable(id="repayments", cursor_type="row")
            yield FieldError(id="error-repayment")
            yield from self.field_row(_("Reason"), TextField(
                id="reason", max_length=200), "reason")
            yield Static(_("The same day: the manager approves with his password."),
                         classes="hint", markup=False)
            yield from self.field_row(_("Manager"), TextField(
                id="approver", max_length=64, placeholder=_("user name")), "approver")
            yield from self.field_row(_("Password"), TextField(
                id="approver_password", password=True, classes="submit-on-enter"),
                "approver_password")
            yield FieldError(id="error-form")
            yield Static("", id="reversal-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#repayments", DataTable)
        # The voucher column as wide as its widest number (None): BR-KIN-2026-000018 whole.
        for heading, width in ((_("Date"), 10), (_("Voucher"), None), (_("Channel"), 12),
                               (_("Amount"), 14), (_("Reversed"), 10)):
            table.add_column(heading, width=width)
        table.styles.max_height = 7
        if self.loan_id is not None:
            self.reload()
        self.query_one("#loan").focus()

    def reload(self) -> None:
        ok, lines = self.call_service(repayments.loan_repayments, self.ctx, self.loan_id)
        if not ok:
            return
        self.lines = lines
        table = self.query_one("#repayments", DataTable)
        table.clear()
        for r in lines:
            table.add_row(Text(fmt_date(r.business_date)), Text(r.voucher_number),
                          Text(_(CHANNELS.get(r.channel, r.channel))),
                          Text(fmt_amount(r.amount, r.currency), justify="right"),
                          Text(fmt_date(r.reversed_on) if r.reversed_on else ""))

    def show(self) -> bool:
        self.reload()
        if not self.lines:
            self.show_errors({"repayment": _("No repayment on this loan.")})
            return False
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.query_one("#reason").focus()

    def _chosen(self) -> RepaymentLine | None:
        table = self.query_one("#repayments", DataTable)
        if not self.lines or table.cursor_row is None:
            return None
        return self.lines[min(table.cursor_row, len(self.lines) - 1)]

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        self.clear_errors()
        line = self._chosen()
        if line is None:
            self.show_errors({"loan": _("Find the loan first.")})
            return
        approver = None
        name = self.query_one("#approver", TextField).value.strip()
        if name:
            try:
                approver = auth.login(name, self.query_one("#approver_password",
                                                           TextField).value)
            except MifinError as exc:
                self.show_errors({"approver_password": str(exc)})
                return
            finally:
                self.query_one("#approver_password", TextField).value = ""
        reason = self.query_one("#reason", TextField).value
        lines = [_("Voucher {number} of {day}: {amount}.").format(
            number=line.voucher_number, day=fmt_date(line.business_date),
            amount=fmt_amount(line.amount, line.currency)),
            _("Reason: {reason}").format(reason=reason.strip())]
        confirm(self, _("Reverse this repayment?"), lines,
                lambda: self._reverse(line, reason, approver),
                hint=_("F2 or Enter reverses it; Escape goes back."))

    def _reverse(self, line: RepaymentLine, reason: str, approver: Context | None) -> None:
        ok, out = self.call_service(repayments.reverse, self.ctx, line.id, reason,
                                    approver=approver)
        if not ok:
            return
        self.reload()
        self.query_one("#reason", TextField).value = ""
        self.query_one("#approver", TextField).value = ""
        lines = [_("Reversed with {number}.").format(number=out.voucher_number)]
        ok, left = self.call_service(loan_remaining, self.ctx, self.loan_id)
        if ok:  # labelled as on the repayment screen and the BR
            lines += remaining_lines(left)
        self.query_one("#reversal-result", Static).update("\n".join(lines))
