"""Vault transfer (cashier): supply (approvisionnement, vault -> till) or return
(dégagement, till -> vault) of the cashier's open till.

Up to the approval limit the transfer is posted at once and its TC voucher printed;
above it, the request waits for the manager (Pending approvals). The limit is 0 by
default: every transfer waits for a second person (dual control of the vault).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Select, Static

from mifin_tui.i18n import N_, _
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.services.cash import tills, transfers
from mifin_tui.services.cash.tills import SessionView, TillView
from mifin_tui.services.cash.transfers import TransferView
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.widgets import FieldError, FormSelect, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount

DIRECTIONS = (
    ("supply", N_("Supply: from the vault to my till")),
    ("return", N_("Return: from my till to the vault")),
)


class VaultTransferScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Vault transfer")
    AUTO_FOCUS = "#direction"
    BINDINGS = [Binding("f2", "submit", N_("Send"), id="transfer.submit")]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.session: SessionView | None = None
        self.till: TillView | None = None
        self.vault: TillView | None = None
        self.outcomes: list[str] = []
        try:
            self.session = tills.my_session(ctx)
            self._load_tills()
        except MifinError:
            self.session = None

    def _load_tills(self) -> None:
        if self.session is None:
            return
        views = tills.list_tills(self.ctx)
        self.till = next((t for t in views if t.id == self.session.till_id), None)
        self.vault = next((t for t in views if t.kind == "vault"), None)

    @property
    def currencies(self) -> tuple[str, ...]:
        return self.till.currencies if self.till else ()

    def compose_body(self) -> ComposeResult:
        yield Static("", id="transfer-balances", classes="summary", markup=False)
        with VerticalScroll(id="transfer-form", classes="form", can_focus=False):
            with Horizontal(classes="row"):
                yield Label(_("Direction"), markup=False)
                yield FormSelect([(_(label), value) for value, label in DIRECTIONS],
                                 id="direction", value="supply", allow_blank=False)
            yield FieldError(id="error-direction", classes="row-error")
            currencies = self.currencies or ("USD",)
            with Horizontal(classes="row"):
                yield Label(_("Currency"), markup=False)
                yield FormSelect([(cur, cur) for cur in currencies], id="currency",
                                 value=currencies[0], allow_blank=False)
            yield FieldError(id="error-currency", classes="row-error")
            with Horizontal(classes="row"):
                yield Label(_("Amount"), markup=False)
                yield MoneyInput(currencies[0], id="amount",
                                 placeholder=_("e.g. 150,000"))
            with Horizontal(classes="row"):
                yield Label(_("Reason"), markup=False)
                yield TextField(id="reason", max_length=120, classes="submit-on-enter",
                                placeholder=_("e.g. morning float, end of day"))
            yield FieldError(id="error-reason", classes="row-error")
            yield Static("", id="transfer-limit", classes="hint", markup=False)
            yield FieldError(id="error-form")
            yield Static("", id="transfer-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        if self.session is None or self.till is None:
            self.query_one("#transfer-form").display = False
            self.query_one("#transfer-balances", Static).update(
                _("Open your till first (no till session is open for you)."))
            return
        self.show_balances()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return self.till is not None
        return True

    # --- what the cashier sees ----------------------------------------------------------

    @property
    def currency(self) -> str:
        return str(self.query_one("#currency", Select).value)

    @property
    def direction(self) -> str:
        return str(self.query_one("#direction", Select).value)

    def show_balances(self) -> None:
        if self.till is None:
            return
        cur = self.currency
        vault_cash = self.vault.balances.get(cur, 0) if self.vault else 0
        self.query_one("#transfer-balances", Static).update(
            _("Till {till}: {till_cash}   Vault: {vault_cash}").format(
                till=self.till.code, till_cash=fmt_amount(self.till.balances.get(cur, 0), cur),
                vault_cash=fmt_amount(vault_cash, cur)))
        limit = transfers.approval_limit(cur)
        self.query_one("#transfer-limit", Static).update(
            _("Every transfer waits for a second person: the manager approves it "
              "(Pending approvals).") if limit == 0 else
            _("Up to {limit} the transfer is posted at once; above, the manager approves it "
              "first.").format(limit=fmt_amount(limit, cur)) if limit is not None else
            _("No approval limit for {currency}: the transfer is posted at once.").format(
                currency=cur))

    @on(Select.Changed, "#currency")
    def _currency_changed(self, event: Select.Changed) -> None:
        self.query_one("#amount", MoneyInput).currency = self.currency
        self.show_balances()

    # --- sending ------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.till is None:
            return
        if self.app.screen is not self:
            return  # a confirmation is already open (an Enter typed twice)
        self.clear_errors()
        amount = self.read_amount()
        if amount is None:
            return
        cur, direction = self.currency, self.direction
        reason = self.query_one("#reason", TextField).value.strip()
        till_cash = self.till.balances.get(cur, 0)
        vault_cash = self.vault.balances.get(cur, 0) if self.vault else 0
        if direction == "supply":
            lines = [_("Supply {amount} from the vault to till {till}.").format(
                amount=fmt_amount(amount, cur), till=self.till.code)]
            till_after, vault_after = till_cash + amount, vault_cash - amount
        else:
            lines = [_("Return {amount} from till {till} to the vault.").format(
                amount=fmt_amount(amount, cur), till=self.till.code)]
            till_after, vault_after = till_cash - amount, vault_cash + amount
        if reason:
            lines.append(_("Reason: {reason}").format(reason=reason))
        limit = transfers.approval_limit(cur)
        if limit is not None and amount > limit and not limit:
            lines.append(_("A second person (the manager) confirms every vault transfer: "
                           "the cash moves when he approves it."))
        elif limit is not None and amount > limit:
            lines.append(_("Above the limit of {limit}: the request waits for the manager's "
                           "approval, and the cash moves when he approves it.").format(
                limit=fmt_amount(limit, cur)))
        else:
            lines.append(_("Till after: {till_after}; vault after: {vault_after}.").format(
                till_after=fmt_amount(till_after, cur), vault_after=fmt_amount(vault_after, cur)))
            lines.append(_("It is posted at once and the voucher (TC) is printed."))

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.send(direction, cur, amount, reason)

        self.app.push_screen(ConfirmDialog(_("Confirm the transfer"), lines, password=True),
                             callback=confirmed)

    def send(self, direction: str, currency: str, amount: int, reason: str) -> None:
        ok, done = self.call_service(transfers.request, self.ctx, direction, currency,
                                     amount, reason)
        if not ok:
            return
        self.query_one("#amount", MoneyInput).value = ""
        self.query_one("#reason", TextField).value = ""
        self.outcomes = [self.describe(done)]
        self.show_result()
        try:
            self._load_tills()
        except MifinError:
            pass
        self.show_balances()
        if done.status == "posted" and done.doc is not None:
            print_voucher(self.app, done.doc, on_done=self.printed)
        self.query_one("#direction", Select).focus()

    @staticmethod
    def describe(done: TransferView) -> str:
        amount = fmt_amount(done.amount, done.currency)
        if done.status == "posted":
            return _("Posted: {amount} with voucher {number}. Printing the voucher...").format(
                amount=amount, number=done.voucher_number)
        return _("Request no. {id} for {amount} waits for the manager's approval: the cash "
                 "moves when he approves it.").format(id=done.id, amount=amount)

    def printed(self, outcome: PrintOutcome) -> None:
        self.outcomes.append(outcome.message)
        self.show_result()

    def show_result(self) -> None:
        self.query_one("#transfer-result", Static).update("\n".join(self.outcomes))
