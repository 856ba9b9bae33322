"""Open a savings account (cashier, gérant): the member, the product, the kind's own
fields (target date, blocked until or as collateral, planned amount), the opening
deposit -> the account number with its check digits, and the BE when cash came in."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Select, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import confirm_then
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import opening as savings_opening
from mifin_tui.services.savings import products as savings_products
from mifin_tui.widgets import DateInput, FieldError, FormSelect, MemberPicker, MoneyInput
from mifin_tui.widgets.formatting import fmt_amount

NO, YES = "no", "yes"


class AccountOpenScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Open a savings account")
    AUTO_FOCUS = "#member Input"
    BINDINGS = [Binding("f2", "submit", N_("Open the account"), id="aopen.submit")]

    def __init__(self, ctx: Context, member_id: int | None = None, **kwargs) -> None:
        super().__init__(ctx)
        self.member_id = member_id
        try:
            self.products = savings_products.list_products(ctx, active_only=True)
        except MifinError:
            self.products = []

    def compose_body(self) -> ComposeResult:
        first = self.products[0] if self.products else None
        with VerticalScroll(classes="form", can_focus=False):
            yield from self.field_row(_("Member"), MemberPicker(
                lambda text: members.search(self.ctx, text, limit=6), id="member"), "member")
            yield Static("", id="member-chosen", classes="summary", markup=False)
            yield from self.field_row(_("Product"), FormSelect(
                [(f"{p.code}  {p.name}", p.id) for p in self.products], id="product",
                value=first.id if first else Select.BLANK, allow_blank=first is None),
                "product")
            yield Static("", id="product-rules", classes="hint", markup=False)
            yield from self.field_row(_("Target date"), DateInput(id="target_date"),
                                      "target_date")
            yield from self.field_row(_("Blocked until"), DateInput(id="blocked_until"),
                                      "blocked_until")
            yield from self.field_row(_("As collateral"), FormSelect(
                [(_("no"), NO), (_("yes"), YES)], id="collateral", value=NO,
                allow_blank=False), "collateral")
            yield from self.field_row(_("Planned amount"), MoneyInput(
                first.currency if first else "USD", id="planned_amount", allow_zero=True),
                "planned_amount")
            yield from self.field_row(_("Opening deposit"), MoneyInput(
                first.currency if first else "USD", id="opening_deposit", allow_zero=True,
                classes="submit-on-enter"), "opening_deposit")
            yield FieldError(id="error-form")
            yield Static("", id="aopen-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        if self.member_id is not None:
            try:
                m = members.get(self.ctx, self.member_id)
                self.query_one("#member-chosen", Static).update(f"{m.number}  {m.display_name}")
            except MifinError:
                self.member_id = None
        self.show_rules()

    @on(MemberPicker.Selected)
    def _member(self, event: MemberPicker.Selected) -> None:
        self.member_id = event.member.id
        self.query_one("#member-chosen", Static).update(
            f"{event.member.number}  {event.member.display_name}")
        self.query_one("#product").focus()

    @property
    def product(self):
        value = self.query_one("#product", Select).value
        return next((p for p in self.products if p.id == value), None)

    @on(Select.Changed, "#product")
    def _product(self, event: Select.Changed) -> None:
        p = self.product
        if p is not None:
            for name in ("planned_amount", "opening_deposit"):
                self.query_one(f"#{name}", MoneyInput).currency = p.currency
        self.show_rules()

    def show_rules(self) -> None:
        p = self.product
        if p is None:
            return
        money = lambda v: fmt_amount(v, p.currency)  # noqa: E731
        self.query_one("#product-rules", Static).update(
            _("{kind}: opening at least {opening}, minimum balance {minimum}, deposits "
              "{lo} to {hi}").format(kind=p.kind_label, opening=money(p.min_opening),
                                     minimum=money(p.min_balance), lo=money(p.deposit_min),
                                     hi=money(p.deposit_max)))
        for name, kinds in (("target_date", ("scheduled",)), ("blocked_until", ("blocked",)),
                            ("collateral", ("blocked",)),
                            ("planned_amount", ("scheduled", "tontine"))):
            shown = p.kind in kinds
            field = self.query_one(f"#{name}")
            field.parent.display = shown

    def action_submit(self) -> None:
        self.clear_errors()
        p = self.product
        if self.member_id is None:
            self.show_errors({"member": _("Choose the member first.")})
            return
        if p is None:
            self.show_errors({"product": _("Choose an active savings product.")})
            return
        fields = {}
        for name in ("target_date", "blocked_until"):
            f = self.query_one(f"#{name}", DateInput)
            f.check()
            fields[name] = f.value_date
        for name in ("planned_amount", "opening_deposit"):
            f = self.query_one(f"#{name}", MoneyInput)
            f.check()
            fields[name] = f.amount or 0
        collateral = self.query_one("#collateral", Select).value == YES
        deposit = fields["opening_deposit"]
        lines = [_("Open a {product} account for the member.").format(product=p.name)]
        if deposit:
            lines.append(_("Opening deposit of {amount} in cash with a BE voucher.").format(
                amount=fmt_amount(deposit, p.currency)))
        confirm_then(self, _("Open the account?"), lines,
                     lambda: self._open(p, fields, collateral), password=bool(deposit))

    def _open(self, p, fields: dict, collateral: bool) -> None:
        ok, opened = self.call_service(
            savings_opening.open_account, self.ctx, self.member_id, p.id,
            opening_deposit=fields["opening_deposit"], planned_amount=fields["planned_amount"],
            target_date=fields["target_date"], blocked_until=fields["blocked_until"],
            collateral=collateral)
        if not ok:
            return
        text = _("Account {number} opened ({product}).").format(
            number=opened.account.number, product=opened.account.product_name)
        if opened.receipt is not None:
            text += " " + _("Opening deposit posted with voucher {number}.").format(
                number=opened.receipt.voucher_number)
            print_voucher(self.app, opened.receipt.doc)
        self.query_one("#aopen-result", Static).update(text)
