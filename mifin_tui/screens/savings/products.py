"""Savings products (administrator): the products with their rules; Enter on one opens
its fields below (limits, fees, dormancy, the kind's own fields, rates in basis points);
F2 saves them, every bad field shown at once."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.savings import products as savings_products
from mifin_tui.services.savings.products import ProductView
from mifin_tui.widgets import FieldError, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount

MONEY = ("min_opening", "min_balance", "deposit_min", "deposit_max", "withdrawal_max_per_day",
         "withdrawal_fee", "planned_amount")
NUMBERS = ("notice_days", "dormancy_months", "cycle_days", "commission_days", "rate_bp",
           "withholding_bp", "posting_months")
TEXTS = ("name", "period", "interest_method")
LABELS = {
    "name": N_("Name"), "min_opening": N_("Opening deposit"), "min_balance": N_("Minimum balance"),
    "deposit_min": N_("Smallest deposit"), "deposit_max": N_("Largest deposit"),
    "withdrawal_max_per_day": N_("Withdrawals a day"), "withdrawal_fee": N_("Withdrawal fee"),
    "planned_amount": N_("Planned amount"), "notice_days": N_("Notice (days)"),
    "dormancy_months": N_("Dormant after (months)"), "cycle_days": N_("Tontine cycle (days)"),
    "commission_days": N_("Commission (days)"), "rate_bp": N_("Rate (basis points)"),
    "withholding_bp": N_("Tax (basis points)"), "posting_months": N_("Posting (months)"),
    "period": N_("Period (month, week)"), "interest_method": N_("Method (min_monthly, daily)"),
}


class ProductsScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Savings products")
    AUTO_FOCUS = "#products"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="products.save")]

    def __init__(self, ctx: Context, **kwargs) -> None:
        super().__init__(ctx)
        self.products: list[ProductView] = []
        self.editing: ProductView | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form", can_focus=False):
            yield DataTable(id="products", cursor_type="row")
            yield Static(_("Enter on a product shows its rules below."), id="editing",
                         classes="summary", markup=False)
            for name in TEXTS[:1] + MONEY + NUMBERS + TEXTS[1:]:
                field = (MoneyInput("USD", id=name, allow_zero=True) if name in MONEY
                         else TextField(id=name, max_length=60))
                yield from self.field_row(_(LABELS[name]), field, name)
            yield FieldError(id="error-form")
            yield Static("", id="products-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#products", DataTable)
        for title, width in ((_("Code"), 8), (_("Name"), 28), (_("Deposits"), 24),
                             (_("State"), 8)):
            table.add_column(title, width=width)
        self.load()

    def load(self) -> None:
        try:
            self.products = savings_products.products_to_configure(self.ctx)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one("#products", DataTable)
        table.clear()
        for p in self.products:
            table.add_row(Text(p.code), Text(p.name, no_wrap=True, overflow="ellipsis"),
                          Text(f"{fmt_amount(p.deposit_min, p.currency, symbol=False)} - "
                               f"{fmt_amount(p.deposit_max, p.currency)}", no_wrap=True),
                          Text(_("active") if p.active else _("RETIRED")))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.products):
            self.edit(self.products[event.cursor_row])

    def edit(self, p: ProductView) -> None:
        self.editing = p
        self.clear_errors()
        self.query_one("#editing", Static).update(_("{code}: {kind} in {currency}").format(
            code=p.code, kind=p.kind_label, currency=p.currency))
        for name in MONEY:
            field = self.query_one(f"#{name}", MoneyInput)
            field.currency = p.currency
            field.value = fmt_amount(getattr(p, name), p.currency, symbol=False)
        for name in NUMBERS + TEXTS:
            self.query_one(f"#{name}", TextField).value = str(getattr(p, name))
        self.query_one("#name").focus()

    def action_submit(self) -> None:
        p = self.editing
        if p is None:
            self.show_form_error(_("Choose a product first (Enter on its line)."))
            return
        self.clear_errors()
        changes: dict = {}
        errors: dict[str, str] = {}
        for name in MONEY:
            field = self.query_one(f"#{name}", MoneyInput)
            field.check()
            changes[name] = field.amount if field.amount is not None else 0
        for name in NUMBERS:
            text = self.query_one(f"#{name}", TextField).value.strip()
            if not text.isdigit():
                errors[name] = _("A whole number, zero or more.")
            else:
                changes[name] = int(text)
        for name in TEXTS:
            changes[name] = self.query_one(f"#{name}", TextField).value.strip()
        if errors:
            self.show_errors(errors)
            return
        changed = {k: v for k, v in changes.items() if getattr(p, k) != v}
        if not changed:
            self.query_one("#products-result", Static).update(_("Nothing changed."))
            return
        ok, done = self.call_service(savings_products.update_product, self.ctx, p.id, changed)
        if ok:
            self.editing = done
            self.load()
            self.query_one("#products-result", Static).update(
                _("{code} saved.").format(code=done.code))
