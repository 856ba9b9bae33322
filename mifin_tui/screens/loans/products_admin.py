"""Loan products (administrator): the list, and one form to add or change a product.

The form is long (every setting of the issue) and scrolls at 80x24; each field says its
unit. Amounts are typed in the product's currency, rates and percentages as percent
("24", "2,5"); the service checks everything at once, the TEG against the usury rate
included, and the refusals show at their fields.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Select, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.services.kernel import institution, regulators
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.kernel.money import AmountError, parse_amount
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans.products import LoanProductView, ProductSpec
from mifin_tui.widgets import FieldError, FormSelect, TextField
from mifin_tui.widgets.formatting import fmt_amount

CHOICES = {
    "kind": (("individual", N_("Individual")), ("group", N_("Group (solidarity)"))),
    "frequency": (("weekly", N_("Weekly")), ("biweekly", N_("Every two weeks")),
                  ("monthly", N_("Monthly")), ("seasonal", N_("Seasonal (dates by hand)"))),
    "method": (("declining", N_("Declining balance, equal instalments")),
               ("equal_principal", N_("Declining balance, equal principal")),
               ("flat", N_("Flat"))),
    "days_in_year": (("", N_("Periodic rate")), ("360", N_("Actual days / 360")),
                     ("365", N_("Actual days / 365"))),
    "grace_interest_mode": (("waived", N_("Not charged")), ("capitalised", N_("Capitalised"))),
    "fee_kind": (("percent", N_("Percent of the amount")), ("fixed", N_("Fixed amount"))),
    "fee_timing": (("deducted", N_("Deducted from the disbursement")),
                   ("upfront", N_("Paid up front in cash"))),
    "guarantee_hold": (("1", N_("Blocked for what they guarantee")),
                       ("0", N_("Not blocked"))),
    "penalty_kind": (("none", N_("No penalty")), ("daily", N_("% a day of the overdue")),
                     ("flat", N_("Flat per late instalment"))),
    "allocation_sweep": (("instalment", N_("Per instalment, oldest first")),
                         ("component", N_("Across instalments: penalties, interest, then "
                                          "principal"))),
    "excess_policy": (("refuse", N_("Refused (hand back)")),
                      ("future_in_order", N_("Next instalments first")),
                      ("future_last_first", N_("Last instalments first")),
                      ("principal_prepaid", N_("Prepaid principal, schedule recomputed"))),
}

# (field, label msgid, kind): text, choice, money, int, percent, optional_percent, order,
# currency, gl.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("code", N_("Code"), "text"),
    ("name", N_("Name"), "text"),
    ("currency", N_("Currency"), "currency"),
    ("kind", N_("Individual or group"), "choice"),
    ("amount_min", N_("Smallest amount"), "money"),
    ("amount_max", N_("Largest amount"), "money"),
    ("term_min", N_("Fewest instalments"), "int"),
    ("term_max", N_("Most instalments"), "int"),
    ("frequency", N_("Frequency"), "choice"),
    ("method", N_("Interest method"), "choice"),
    ("rate_min_bp", N_("Lowest rate (%/yr)"), "percent"),
    ("rate_max_bp", N_("Highest rate (%/yr)"), "percent"),
    ("rate_default_bp", N_("Default rate (%/yr)"), "percent"),
    ("days_in_year", N_("Interest by"), "choice"),
    ("grace_principal", N_("Grace on principal"), "int"),
    ("grace_interest", N_("Grace on interest"), "int"),
    ("grace_interest_mode", N_("Grace interest"), "choice"),
    ("round_to", N_("Round instalments to"), "money"),
    ("fee_kind", N_("Fees"), "choice"),
    ("fee_value", N_("Fees (amount or %)"), "fee"),
    ("fee_timing", N_("Fees are"), "choice"),
    ("insurance_bp", N_("Insurance (%)"), "percent"),
    ("savings_bp", N_("Compulsory savings (%)"), "percent"),
    ("guarantee_hold", N_("Guarantors' savings"), "choice"),
    ("penalty_kind", N_("Penalty"), "choice"),
    ("penalty_value", N_("Penalty (% a day or amount)"), "penalty"),
    ("penalty_grace_days", N_("Days before penalties"), "int"),
    ("allocation_order", N_("Repayment order"), "order"),
    ("allocation_sweep", N_("Order applied"), "choice"),
    ("excess_policy", N_("Above the amount due"), "choice"),
    ("min_membership_months", N_("Months of membership"), "int"),
    ("min_deposits", N_("Deposits at least"), "int"),
    ("deposits_window_months", N_("... in the last months"), "int"),
    ("max_debt_to_income_bp", N_("Debt / income max (%)"), "optional_percent"),
    ("gl_portfolio", N_("GL: loans"), "gl"),
    ("gl_interest", N_("GL: interest"), "gl"),
    ("gl_penalty", N_("GL: penalties"), "gl"),
    ("gl_fees", N_("GL: fees"), "gl"),
    ("gl_interest_receivable", N_("GL: accrued interest"), "gl"),
)


def percent_text(bp: int | None) -> str:
    if bp is None:
        return ""
    return str(bp // 100) if bp % 100 == 0 else f"{bp // 100},{bp % 100:02d}".rstrip("0")


def parse_percent(text: str) -> int:
    try:
        value = Decimal(text.strip().rstrip("%").strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("Write a percentage, e.g. 24 or 2,5.")) from None
    bp = value * 100
    if not value.is_finite() or bp != bp.to_integral_value() or bp < 0:
        raise ValueError(_("A percentage with at most two decimals."))
    return int(bp)


class LoanProductsScreen(MifinScreen):
    TITLE_MSGID = N_("Loan products")
    AUTO_FOCUS = "#products"
    BINDINGS = [Binding("f2,ctrl+n", "add", N_("Add"), id="products.add"),
                Binding("f4", "edit", N_("Change"), id="products.edit"),
                Binding("f8", "toggle", N_("Retire / restore"), id="products.toggle")]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.products: list[LoanProductView] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="products", cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#products", DataTable)
        for heading, width in ((_("Code"), 8), (_("Name"), 24), (_("Amounts"), 22),
                               (_("Rate"), 7), (_("State"), 8)):
            table.add_column(heading, width=width)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        try:
            self.products = loan_products.all_products(self.ctx)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one("#products", DataTable)
        table.clear()
        for p in self.products:
            amounts = (f"{fmt_amount(p.amount_min, p.currency, symbol=False)}-"
                       f"{fmt_amount(p.amount_max, p.currency)}")
            table.add_row(Text(p.code), Text(p.name, no_wrap=True, overflow="ellipsis"),
                          Text(amounts, no_wrap=True, overflow="ellipsis"),
                          Text(percent_text(p.rate_default_bp) + " %"),
                          Text(_("active") if p.active else _("RETIRED")))
        if select is not None:
            table.move_cursor(row=next((i for i, p in enumerate(self.products)
                                        if p.id == select), 0))
        self.query_one("#detail", Static).update(
            _("F2 adds a product, Enter changes the one under the cursor, F8 retires or "
              "restores it.") if self.products else _("No loan product yet: press F2."))

    @property
    def current(self) -> LoanProductView | None:
        table = self.query_one("#products", DataTable)
        if not self.products or not 0 <= table.cursor_row < len(self.products):
            return None
        return self.products[table.cursor_row]

    def _open(self, product: LoanProductView | None) -> None:
        def saved(product_id: int | None) -> None:
            if product_id:
                self.reload(select=product_id)

        self.app.push_screen(ProductFormScreen(self.ctx, product), callback=saved)

    def action_add(self) -> None:
        self._open(None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        if self.current is not None:
            self._open(self.current)

    def action_toggle(self) -> None:
        p = self.current
        if p is None:
            return
        try:
            loan_products.set_active(self.ctx, p.id, not p.active)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
        self.reload(select=p.id)


class ProductFormScreen(FormMixin, MifinScreen):
    """Add (product None) or change a product; dismissed with its id, or None."""

    TITLE_MSGID = N_("Loan product")
    AUTO_FOCUS = "#code"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="product_form.save")]

    def __init__(self, ctx: Context, product: LoanProductView | None) -> None:
        super().__init__(ctx)
        self.product = product
        self.profile = regulators.get_profile(institution.info(ctx.branch_id).regulator)

    def _initial(self, name: str, kind: str) -> str:
        p = self.product
        if p is None:
            defaults = {"currency": self.profile.default_currency, "allocation_order":
                        ",".join(loan_products.DEFAULT_ALLOCATION), "round_to": "1"}
            spec_defaults = {f.name: f.default for f in dataclasses.fields(ProductSpec)
                             if f.default is not dataclasses.MISSING}
            value = defaults.get(name, spec_defaults.get(name, ""))
            if isinstance(value, bool):
                return "1" if value else "0"
            if kind in ("percent", "optional_percent") and isinstance(value, int):
                return percent_text(value)
            return "" if value is None else str(value)
        value = getattr(p, name)
        if isinstance(value, bool):
            return "1" if value else "0"
        if kind == "money" or (kind == "fee" and p.fee_kind == "fixed") or (
                kind == "penalty" and p.penalty_kind == "flat"):
            return fmt_amount(value, p.currency, symbol=False)
        if kind in ("percent", "optional_percent", "fee", "penalty"):
            return percent_text(value)
        if kind == "order":
            return ",".join(value)
        return "" if value is None else str(value)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            last = FIELDS[-1][0]
            for name, label, kind in FIELDS:
                classes = "submit-on-enter" if name == last else None
                initial = self._initial(name, kind)
                if kind in ("choice", "currency", "gl"):
                    if kind == "currency":
                        options = [(c, c) for c in self.profile.currencies]
                    elif kind == "gl":
                        options = [(f"{k} ({self.profile.gl_keys[k]})", k)
                                   for k in sorted(self.profile.gl_keys)]
                    else:
                        options = [(_(text), value) for value, text in CHOICES[name]]
                    field = FormSelect(options, id=name, value=initial, allow_blank=False,
                                       classes=classes)
                else:
                    field = TextField(initial, id=name, classes=classes)
                yield from self.field_row(_(label), field, name)
            yield FieldError(id="error-form")

    def _value(self, name: str) -> str:
        widget = self.query_one(f"#{name}")
        return str(widget.value) if isinstance(widget, Select) else \
            self.query_one(f"#{name}", Input).value.strip()

    def read_spec(self) -> ProductSpec:
        errors: dict[str, str] = {}
        currency = self._value("currency")
        values: dict = {}
        choice = {n: self._value(n) for n in ("fee_kind", "penalty_kind")}
        for name, _label, kind in FIELDS:
            text = self._value(name)
            try:
                if kind in ("text", "choice", "currency", "gl"):
                    values[name] = text
                elif kind == "money" or (kind == "fee" and choice["fee_kind"] == "fixed") \
                        or (kind == "penalty" and choice["penalty_kind"] == "flat"):
                    values[name] = parse_amount(text or "0", currency)
                elif kind in ("percent", "fee", "penalty"):
                    values[name] = parse_percent(text or "0")
                elif kind == "optional_percent":
                    values[name] = parse_percent(text) if text else None
                elif kind == "int":
                    if not (text or "0").isdigit():
                        raise ValueError(_("A whole number."))
                    values[name] = int(text or "0")
                elif kind == "order":
                    values[name] = tuple(p.strip().lower() for p in text.split(",") if p.strip())
            except (ValueError, AmountError) as exc:
                errors[name] = str(exc)
        if errors:
            raise ValidationError(errors)
        values["guarantee_hold"] = values["guarantee_hold"] == "1"
        values["days_in_year"] = int(values["days_in_year"]) if values["days_in_year"] \
            else None
        return ProductSpec(**values)

    def action_submit(self) -> None:
        self.clear_errors()
        try:
            spec = self.read_spec()
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        if self.product is None:
            ok, saved = self.call_service(loan_products.create, self.ctx, spec)
        else:
            ok, saved = self.call_service(loan_products.update, self.ctx, self.product.id,
                                          spec)
        if ok:
            self.dismiss(saved.id)
