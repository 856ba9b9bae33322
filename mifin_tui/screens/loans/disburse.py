"""The cashier's disbursements: the waiting list of approved loans, oldest approval first,
each saying whether the till holds the cash. F2 pays in cash (BS voucher, then the contract
in two copies), F4 pays to the linked savings account, F9 prints the contract again
(DUPLICATA). When the till is short, a vault transfer lets him pay it."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.output.loans import print_contract
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.common.print_jobs import print_voucher, run_print_jobs
from mifin_tui.screens.loans.work_list import LoanListScreen
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import contract_doc as loan_contract_doc
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans.disbursement import WaitingLoan
from mifin_tui.widgets.formatting import fmt_amount


class LoanDisburseScreen(LoanListScreen):
    TITLE_MSGID = N_("Disbursements and waiting list")
    BINDINGS = [
        Binding("f2", "pay('cash')", N_("Pay cash"), id="ldis.cash"),
        Binding("f4", "pay('savings')", N_("To savings"), id="ldis.savings"),
        Binding("f9", "contract", N_("Contract"), id="ldis.contract"),
        Binding("f5", "refresh", N_("Refresh"), id="ldis.refresh"),
    ]
    EMPTY = N_("No approved loan waits to be paid.")

    def on_mount(self) -> None:
        self.last_paid: int | None = None
        table = self.query_one("#loans", DataTable)
        table.add_column(_("Loan"), width=18)
        table.add_column(_("Member"), width=18)
        table.add_column(_("To pay"), width=16)
        table.add_column(_("Till"), width=10)
        self.action_refresh()

    def action_refresh(self) -> None:
        try:
            self.rows = loan_disbursement.waiting_list(self.ctx)  # type: ignore[assignment]
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one("#loans", DataTable)
        table.clear()
        for w in self.rows:
            table.add_row(Text(w.number, no_wrap=True),
                          Text(w.member_name, no_wrap=True, overflow="ellipsis"),
                          Text(fmt_amount(w.paid_out, w.currency), justify="right"),
                          Text(_("can pay") if w.till_can_pay else _("short"), no_wrap=True))
        self.query_one("#loans-count", Static).update(
            ngettext("Waiting list: {n} loan.", "Waiting list: {n} loans.",
                     len(self.rows)).format(n=len(self.rows)) if self.rows
            else _(self.EMPTY))
        self.show_detail()
        self.refresh_bindings()

    def detail_lines(self, w: WaitingLoan) -> list[str]:  # type: ignore[override]
        return [f"{w.number}  {w.member_number} {w.member_name}", w.product,
                _("Granted {amount}, paid out {paid} (fees kept); approved {at}").format(
                    amount=fmt_amount(w.amount, w.currency),
                    paid=fmt_amount(w.paid_out, w.currency), at=w.approved_at),
                _("The till holds the cash.") if w.till_can_pay else
                _("The till is short: ask the vault for cash (transfer), then pay.")]

    def action_pay(self, mode: str) -> None:
        w = self.current
        if w is None or self.app.screen is not self:
            return
        how = _("in cash at your till (BS voucher)") if mode == "cash" else _(
            "to the member's linked savings account")
        self.app.push_screen(
            ConfirmDialog(_("Disburse {number}?").format(number=w.number),
                          [f"{w.member_name}: {fmt_amount(w.paid_out, w.currency)} {how}"],
                          password=True),
            callback=lambda ok: self._pay(w, mode) if ok else None)

    def _pay(self, w: WaitingLoan, mode: str) -> None:
        try:
            done = loan_disbursement.disburse(self.ctx, w.loan_id, mode)
        except MifinError as exc:
            self.say(str(exc))
            self.action_refresh()
            return
        self.last_paid = w.loan_id
        self.say(_("Loan {number} disbursed: {amount}.").format(
            number=w.number, amount=fmt_amount(done.paid_out, w.currency)))
        if done.voucher is not None:
            print_voucher(self.app, done.voucher.doc)
        self._print_contract(w.loan_id)
        self.action_refresh()

    def _print_contract(self, loan_id: int) -> None:
        try:
            doc = loan_contract_doc.contract(self.ctx, loan_id)
        except MifinError as exc:
            self.say(str(exc))
            return
        run_print_jobs(self.app, [lambda: print_contract(doc)], f"contract {doc.number}",
                       lambda outcome: self.say(outcome.message))

    def action_contract(self) -> None:
        if self.last_paid is not None:
            self._print_contract(self.last_paid)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "contract":
            return self.last_paid is not None
        if action == "pay":  # the gérant reads the waiting list; the cashier pays
            return bool(self.rows) and self.ctx.can("loan.disburse")
        return super().check_action(action, parameters)
