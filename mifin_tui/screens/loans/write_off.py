"""Write-off (passage en perte) with two keys, and recoveries after it at the till.

Proposal (the gérant or the loan officer): the loan number (Enter shows what would be
posted: principal, provision used, loss), the reason, F2 then the confirmation files the
proposal. Decision (`WriteOffDecisionsScreen`): a gérant other than the proposer and the
loan's approver approves (with his password: the OD is posted) or refuses with a reason;
an administrator records the board's decision (its minutes' reference and date).
Recovery: the loan number shows what was written off and recovered, then who pays and
the amount, F2 and the confirmation (with the cashier's password) post it with a BR
voucher that is printed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from mifin_tui.i18n import N_, _, current_language, ngettext
from mifin_tui.screens.common.base import DialogScreen, FormMixin
from mifin_tui.screens.common.dialogs import ConfirmDialog, NoteDialog
from mifin_tui.screens.common.pending_list import PendingListScreen
from mifin_tui.screens.loans.counter import LoanForm, confirm, post_voucher
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.words import amount_in_words
from mifin_tui.services.loans import write_off
from mifin_tui.services.loans.lifecycle import business_today
from mifin_tui.services.loans.write_off import WriteOffPreview, WriteOffProposal
from mifin_tui.widgets import DateInput, FieldError, MifinFooter, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount


def preview_lines(p: WriteOffPreview) -> list[str]:
    m = lambda minor: fmt_amount(minor, p.currency)  # noqa: E731
    return [
        _("Loan {number}, {days} days past due.").format(number=p.number,
                                                         days=p.days_past_due),
        _("Outstanding principal written off: {amount}").format(amount=m(p.principal)),
        _("  from the loan-loss provisions: {amount}").format(amount=m(p.provision_used)),
        _("  as a loss of the year: {amount}").format(amount=m(p.loss)),
        _("Interest, fees and penalties due, kept off the books: {amount}").format(
            amount=m(p.unpaid_other)),
    ]


class _WriteOffForm(LoanForm):
    def say(self, text: str) -> None:
        self.query_one("#wo-info", Static).update(text)


class WriteOffScreen(_WriteOffForm):
    TITLE_MSGID = N_("Propose a write-off")
    BINDINGS = [Binding("f2", "submit", N_("Propose"), id="wo.submit")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="wo-form", classes="form", can_focus=False):
            yield from self.field_row(_("Loan number"), TextField(
                id="loan", max_length=32, placeholder=_("loan number")), "loan")
            yield Static("", id="wo-info", classes="summary", markup=False)
            yield from self.field_row(_("Reason"), TextField(
                id="reason", max_length=200, classes="submit-on-enter"), "reason")
            yield FieldError(id="error-form")

    def show(self) -> bool:
        ok, p = self.call_service(write_off.preview, self.ctx, self.loan_id)
        if ok:
            self.say("\n".join(preview_lines(p)))
        return ok

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        if not self.find():
            return
        ok, p = self.call_service(write_off.preview, self.ctx, self.loan_id)
        if not ok:
            return
        reason = self.query_one("#reason", TextField).value
        if not reason.strip():
            self.show_errors({"reason": _("Give the reason for the write-off.")})
            return
        confirm(self, _("Propose the write-off of loan {number}").format(number=p.number),
                [*preview_lines(p), _("Another gérant, or the board above the limit, "
                                      "decides; nothing is posted now.")],
                lambda: self._propose(reason),
                hint=_("F2 or Enter files the proposal; Escape goes back."))

    def _propose(self, reason: str) -> None:
        ok, res = self.call_service(write_off.propose, self.ctx, self.loan_id, reason)
        if ok:
            self.say(_("Write-off of loan {number} proposed (no. {id}): it waits for the "
                       "decision.").format(number=res.number, id=res.id))


class RecoveryScreen(_WriteOffForm):
    TITLE_MSGID = N_("Recovery on a written-off loan")
    BINDINGS = [Binding("f2", "submit", N_("Confirm"), id="rec.submit")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="rec-form", classes="form", can_focus=False):
            yield from self.field_row(_("Loan number"), TextField(
                id="loan", max_length=32, placeholder=_("loan number")), "loan")
            yield Static("", id="wo-info", classes="summary", markup=False)
            yield from self.field_row(_("Paid by"), TextField(
                id="party_name", max_length=80), "party_name")
            yield from self.field_row(_("Amount"), MoneyInput(
                "USD", id="amount", classes="submit-on-enter"), "amount")
            yield FieldError(id="error-form")

    def show(self) -> bool:
        ok, figures = self.call_service(write_off.recovered, self.ctx, self.loan_id)
        if not ok:
            return False
        done, left = figures
        currency = self.loan_currency()
        self.query_one("#amount", MoneyInput).currency = currency
        self.say(_("Recovered so far {done}; still to recover {left}.").format(
            done=fmt_amount(done, currency), left=fmt_amount(left, currency)))
        return True

    def loan_currency(self) -> str:
        return write_off.currency_of(self.loan_id)

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return
        if not self.find() or not self.show():
            return
        field = self.query_one("#amount", MoneyInput)
        field.check()
        amount = field.amount
        party = self.query_one("#party_name", TextField).value.strip()
        errors = {}
        if amount is None:
            errors["amount"] = field.error_message or _("Enter an amount greater than zero.")
        if not party:
            errors["party_name"] = _("Who brings the cash? Required.")
        if errors:
            self.show_errors(errors)
            return
        currency = self.loan_currency()
        confirm(self, _("Recovery of {amount}").format(amount=fmt_amount(amount, currency)),
                [amount_in_words(amount, currency, current_language()),
                 _("Paid by {who}.").format(who=party)],
                lambda: self._post(amount, party), password=True)

    def _post(self, amount: int, party: str) -> None:
        receipt = post_voucher(self, write_off.recover, self.ctx, self.loan_id, amount,
                               party_name=party)
        if receipt is None:
            return
        self.say(_("Posted with voucher {number}. Still to recover: {left}.").format(
            number=receipt.voucher_number,
            left=fmt_amount(receipt.left, receipt.doc.currency)))


# --- the decision ---------------------------------------------------------------------


def proposal_sentence(p: WriteOffProposal) -> str:
    text = _("Write off loan {number}: {amount} of principal. Proposed by {user} on {at}: "
             "{reason}").format(number=p.number, amount=fmt_amount(p.principal, p.currency),
                                user=p.proposed_by, at=p.proposed_at, reason=p.reason)
    if p.above_limit:
        text += "\n" + _("Above the manager's delegation limit: the board decides.")
    return text


class BoardDecisionDialog(FormMixin, DialogScreen):
    """The board's decision on a proposal, recorded by an administrator: the reference
    and date of its minutes, a note; F2 records an approval, F4 a refusal."""

    AUTO_FOCUS = "#reference"
    BINDINGS = [Binding("f2", "decide(True)", N_("Approved"), id="board.approve"),
                Binding("f4", "decide(False)", N_("Refused"), id="board.reject")]

    def __init__(self, ctx, proposal: WriteOffProposal) -> None:
        super().__init__()
        self.ctx = ctx
        self.proposal = proposal
        self.done = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("The board's decision"), classes="screen-title", markup=False)
            yield Static(proposal_sentence(self.proposal), markup=False)
            yield from self.field_row(_("Minutes ref."), TextField(
                id="reference", max_length=120), "reference")
            yield from self.field_row(_("Meeting date"), DateInput(
                business_today(self.ctx), id="board_date"), "board_date")
            yield from self.field_row(_("Note"), TextField(id="note", max_length=200), "note")
            yield FieldError(id="error-form")
            yield Static(_("F2 records an approval (the OD is posted), F4 a refusal; Escape "
                           "goes back."), classes="hint", markup=False)
        yield MifinFooter()

    def action_submit(self) -> None:
        self.action_decide(True)

    def action_decide(self, approve: bool) -> None:
        if self.done:
            return
        self.clear_errors()
        when = self.query_one("#board_date", DateInput)
        when.check()
        if when.value_date is None:
            self.show_errors({"board_date": when.error_message or _("A date is required.")})
            return
        ok, _res = self.call_service(
            write_off.record_board_decision, self.ctx, self.proposal.id, approve,
            self.query_one("#reference", TextField).value, when.value_date,
            self.query_one("#note", TextField).value)
        if ok:
            self.done = True
            self.dismiss(approve)


class WriteOffDecisionsScreen(PendingListScreen):
    """The write-offs proposed and waiting: a gérant approves (F2, his password) or
    refuses (F4, a reason); an administrator records the board's decision (F2)."""

    TITLE_MSGID = N_("Write-offs to decide")
    AUTO_FOCUS = "#writeoffs"
    BINDINGS = [
        Binding("f2", "approve", N_("Decide"), id="wodecide.approve"),
        Binding("f4", "reject", N_("Refuse"), id="wodecide.reject"),
        Binding("f5", "refresh", N_("Refresh"), id="wodecide.refresh"),
    ]
    TABLE_ID = "writeoffs"
    COUNT_ID = "writeoffs-count"
    RESULT_ID = "wodecide-result"
    COLUMNS = ((N_("No."), 4), (N_("Loan"), 19), (N_("Principal"), 14),
               (N_("Proposed by"), 18), (N_("Board"), 6))
    pending: list[WriteOffProposal]

    @property
    def board(self) -> bool:
        return not self.ctx.can("loan.write_off") and self.ctx.can("loan.board")

    def load(self) -> list[WriteOffProposal]:
        return (write_off.pending_for_board if self.board else write_off.pending)(self.ctx)

    def cells(self, p: WriteOffProposal) -> list[Text]:
        return [Text(str(p.id)), Text(p.number, no_wrap=True),
                Text(fmt_amount(p.principal, p.currency), justify="right"),
                Text(p.proposed_by, no_wrap=True, overflow="ellipsis"),
                Text(_("yes") if p.above_limit else "")]

    def count_text(self, n: int) -> str:
        return ngettext("{n} write-off waits for a decision.",
                        "{n} write-offs wait for a decision.", n).format(n=n) if n else \
            _("No write-off waits for a decision.")

    def detail_text(self, p: WriteOffProposal) -> str:
        return proposal_sentence(p)

    def _decided(self, p: WriteOffProposal, approve: bool | None) -> None:
        if approve is None:
            return
        self.say((_("Loan {number} written off.") if approve else
                  _("Write-off of loan {number} refused.")).format(number=p.number))
        self.action_refresh()

    def action_approve(self) -> None:
        p = self.current
        if p is None or self.app.screen is not self:
            return
        if self.board:
            self.app.push_screen(BoardDecisionDialog(self.ctx, p),
                                 callback=lambda ok: self._decided(p, ok))
            return

        def post() -> None:
            try:
                write_off.decide(self.ctx, p.id, True)
            except MifinError as exc:
                self.say(str(exc))
                return
            self._decided(p, True)

        self.app.push_screen(ConfirmDialog(
            _("Write off loan {number}?").format(number=p.number),
            [proposal_sentence(p), _("The OD is posted now.")], password=True),
            callback=lambda yes: post() if yes else None)

    def action_reject(self) -> None:
        p = self.current
        if p is None or self.app.screen is not self:
            return
        if self.board:
            self.action_approve()
            return
        self.app.push_screen(NoteDialog(
            _("Refuse the write-off of loan {number}?").format(number=p.number),
            [proposal_sentence(p)],
            lambda note: write_off.decide(self.ctx, p.id, False, note) or False,
            note_label=_("Reason for the refusal (required)"),
            hint=_("F2 or Enter refuses; Escape goes back.")),
            # the refusal returns False; Escape returns None
            callback=lambda done: self._decided(p, False) if done is False else None)
