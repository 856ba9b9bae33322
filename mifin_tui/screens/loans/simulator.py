"""The loan simulator (loan officer, gérant, cashier): choose a product or type the terms,
the schedule follows as you type, F2 prints it on A4 for the member.

The terms sit in a grid of short fields (12 at 80 columns, 5 lines); the schedule
below scrolls (Page Up / Page Down, or Tab into it). Every change waits a moment
(DEBOUNCE) before the schedule is recomputed, so typing "150000" computes once.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal, InvalidOperation

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Select, Static

from mifin_tui import config
from mifin_tui.i18n import N_, _, current_language
from mifin_tui.output import printing
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.print_jobs import run_print_jobs
from mifin_tui.services.kernel import clock, institution, regulators, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import local_time
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.kernel.money import AmountError, parse_amount
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans.engine import schedule as engine
from mifin_tui.services.loans.engine.documents import ScheduleDoc
from mifin_tui.services.loans.products import LoanProductView
from mifin_tui.widgets import FieldError, FormSelect, TextField, parse_date
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

DEBOUNCE = 0.35  # seconds after the last key before the schedule is recomputed
BY_HAND = "-"

FREQUENCY_LABELS = {"weekly": N_("Weekly"), "biweekly": N_("Every two weeks"),
                    "monthly": N_("Monthly"), "seasonal": N_("Seasonal")}
METHOD_LABELS = {"declining": N_("Annuity"), "equal_principal": N_("Equal principal"),
                 "flat": N_("Flat")}


def percent_bp(text: str) -> int:
    """"24", "18,5", "18.25 %" -> basis points; ValueError with the message."""
    try:
        value = Decimal(text.strip().rstrip("%").strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("Write a rate, e.g. 24 or 18,5.")) from None
    bp = value * 100
    if not value.is_finite() or bp != bp.to_integral_value():
        raise ValueError(_("At most two decimals."))
    return int(bp)


def bp_text(bp: int) -> str:
    text = f"{bp // 100}" if bp % 100 == 0 else f"{bp // 100},{bp % 100:02d}".rstrip("0")
    return text if current_language() == "fr" else text.replace(",", ".")


class SimulatorScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Loan simulator")
    AUTO_FOCUS = "#product"
    BINDINGS = [
        Binding("f2,ctrl+p", "print", N_("Print"), id="simulator.print"),
        Binding("pagedown", "page_down", N_("Next page"), show=False),
        Binding("pageup", "page_up", N_("Previous page"), show=False),
    ]
    DEFAULT_CSS = """
    SimulatorScreen #terms {
        grid-size: 3;
        grid-columns: 1fr 1fr 1fr;
        grid-rows: 1;
        grid-gutter: 0 1;
        height: 5;
        padding: 0 1;
    }
    SimulatorScreen .cell { height: 1; }
    SimulatorScreen .cell.wide { column-span: 2; }
    SimulatorScreen .cell > Label { width: 12; }
    SimulatorScreen .cell > Input, SimulatorScreen .cell > Select { width: 1fr; }
    SimulatorScreen #sim-summary { height: 2; padding: 0 1; }
    SimulatorScreen #schedule { height: 1fr; }
    SimulatorScreen #error-form { margin: 0 1; }
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        info = institution.info(ctx.branch_id)
        self.info = info
        self.currencies = regulators.get_profile(info.regulator).currencies
        self.start = info.business_date or clock.today()
        try:
            self.products = loan_products.list_products(ctx)
        except MifinError:
            self.products = []
        self.product: LoanProductView | None = None
        self.schedule: engine.Schedule | None = None
        self.error = ""
        self.print_outcome: PrintOutcome | None = None
        self._timer: Timer | None = None
        self._filling = False

    # --- layout ---------------------------------------------------------------------

    def _cell(self, label: str, field, wide: bool = False) -> ComposeResult:  # noqa: ANN001
        with Horizontal(classes="cell wide" if wide else "cell"):
            yield Label(label, markup=False)
            yield field

    def compose_body(self) -> ComposeResult:
        products = [(_("By hand"), BY_HAND)] + [(f"{p.code} {p.name}", str(p.id))
                                                for p in self.products]
        with Grid(id="terms"):
            yield from self._cell(_("Product"), FormSelect(products, id="product",
                                                           value=BY_HAND, allow_blank=False),
                                  wide=True)
            yield from self._cell(_("Amount"), TextField(id="amount"))
            yield from self._cell(_("Currency"), FormSelect(
                [(c, c) for c in self.currencies], id="currency",
                value=self.info.currency if self.info.currency in self.currencies
                else self.currencies[0], allow_blank=False))
            yield from self._cell(_("Rate %/yr"), TextField("24", id="rate"))
            yield from self._cell(_("Instalments"), TextField("12", id="term"))
            yield from self._cell(_("Frequency"), FormSelect(
                [(_(v), k) for k, v in FREQUENCY_LABELS.items()], id="frequency",
                value="weekly", allow_blank=False))
            yield from self._cell(_("Method"), FormSelect(
                [(_(v), k) for k, v in METHOD_LABELS.items()], id="method",
                value="declining", allow_blank=False))
            yield from self._cell(_("Disbursed"), TextField(fmt_date(self.start), id="start"))
            yield from self._cell(_("Fees"), TextField("0", id="fee",
                                                       placeholder=_("amount or %")))
            yield from self._cell(_("Grace cap."), TextField("0", id="grace_principal"))
            yield from self._cell(_("Grace int."), TextField("0", id="grace_interest"))
            yield from self._cell(_("Round to"), TextField("1", id="round_to"))
            yield from self._cell(_("Dates"), TextField(id="due_dates",
                                                        placeholder=_("seasonal: d/m/y ...")))
        yield FieldError(id="error-form")
        yield Static("", id="sim-summary", markup=False)
        yield DataTable(id="schedule", cursor_type="row", zebra_stripes=False)

    def on_mount(self) -> None:
        table = self.query_one("#schedule", DataTable)
        table.add_column(_("No."), width=3)
        table.add_column(_("Due date"), width=10)
        for heading in (_("Principal"), _("Interest"), _("Fees"), _("Total"), _("Balance")):
            table.add_column(Text(heading, justify="right"), width=10)
        self.recompute()

    # --- reading the fields -------------------------------------------------------------

    def _text(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _select(self, name: str) -> str:
        return str(self.query_one(f"#{name}", Select).value)

    def _int(self, name: str, label: str, errors: dict[str, str]) -> int:
        text = self._text(name) or "0"
        if not text.isdigit():
            errors[name] = _("{field}: a whole number.").format(field=label)
            return 0
        return int(text)

    def read_terms(self) -> engine.ScheduleTerms:
        """The terms on the screen (ValidationError naming each bad one)."""
        errors: dict[str, str] = {}
        product = self.product
        currency = product.currency if product else self._select("currency")
        amount = 0
        try:
            amount = parse_amount(self._text("amount"), currency)
        except AmountError as exc:
            errors["amount"] = _("Amount: {error}").format(error=exc)
        try:
            rate = percent_bp(self._text("rate"))
        except ValueError as exc:
            errors["rate"] = _("Rate: {error}").format(error=exc)
            rate = 0
        term = self._int("term", _("Instalments"), errors)
        try:
            start = parse_date(self._text("start"))
        except ValueError as exc:
            errors["start"] = _("Disbursed: {error}").format(error=exc)
            start = self.start
        dates: list[date] = []
        for piece in self._text("due_dates").replace(",", " ").split():
            try:
                dates.append(parse_date(piece))
            except ValueError as exc:
                errors["due_dates"] = _("Dates: {error}").format(error=exc)
        if errors:
            raise ValidationError(errors)
        if product is not None:
            return loan_products.terms_for(product, amount, term, rate, start,
                                           due_dates=dates)
        fee_text = self._text("fee") or "0"
        try:
            if fee_text.endswith("%"):
                fee = engine.round_half_up(amount * percent_bp(fee_text), 10_000)
            else:
                fee = parse_amount(fee_text, currency)
        except (ValueError, AmountError) as exc:
            errors["fee"] = _("Fees: {error}").format(error=exc)
            fee = 0
        round_to = 1
        if self._text("round_to") not in ("", "1"):
            try:
                round_to = parse_amount(self._text("round_to"), currency)
            except AmountError as exc:
                errors["round_to"] = _("Round to: {error}").format(error=exc)
        grace_p = self._int("grace_principal", _("Grace cap."), errors)
        grace_i = self._int("grace_interest", _("Grace int."), errors)
        if errors:
            raise ValidationError(errors)
        frequency = self._select("frequency")
        return engine.ScheduleTerms(
            principal=amount, currency=currency, annual_rate_bp=rate, installments=term,
            frequency=frequency, method=self._select("method"), start=start,
            due_dates=tuple(dates), grace_principal=grace_p, grace_interest=grace_i,
            round_to=max(round_to, 1), fee_deducted=fee)

    # --- reacting -------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self._later()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "product":
            self._choose_product(str(event.value))
        self._later()

    def _later(self) -> None:
        if self._filling:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.recompute)

    def _choose_product(self, value: str) -> None:
        self.product = next((p for p in self.products if str(p.id) == value), None)
        p = self.product
        by_hand = p is None
        for name in ("currency", "frequency", "method", "fee", "grace_principal",
                     "grace_interest", "round_to"):
            self.query_one(f"#{name}").disabled = not by_hand
        if p is None:
            return
        self._filling = True
        try:
            self.query_one("#currency", Select).value = p.currency
            self.query_one("#frequency", Select).value = p.frequency
            self.query_one("#method", Select).value = p.method
            values = {
                "amount": fmt_amount(p.amount_min, p.currency, symbol=False),
                "rate": bp_text(p.rate_default_bp), "term": str(p.term_min),
                "fee": (bp_text(p.fee_value) + "%") if p.fee_kind == "percent"
                else fmt_amount(p.fee_value, p.currency, symbol=False),
                "grace_principal": str(p.grace_principal),
                "grace_interest": str(p.grace_interest),
                "round_to": fmt_amount(p.round_to, p.currency, symbol=False),
            }
            for name, text in values.items():
                self.query_one(f"#{name}", Input).value = text
        finally:
            self._filling = False

    def recompute(self) -> None:
        self._timer = None
        error_line = self.query_one("#error-form", FieldError)
        try:
            terms = self.read_terms()
            schedule = loan_products.simulate(self.ctx, terms)
        except ValidationError as exc:
            self.error = " ".join(exc.errors.values())
            error_line.show(self.error)
            return
        except MifinError as exc:
            self.error = str(exc)
            error_line.show(self.error)
            return
        self.error = ""
        error_line.clear()
        self.schedule = schedule
        self._show(schedule)

    def _show(self, s: engine.Schedule) -> None:
        from printers.schedule import teg_text

        cur = s.terms.currency
        table = self.query_one("#schedule", DataTable)
        table.clear()

        def money(minor: int) -> Text:
            return Text(fmt_amount(minor, cur, symbol=False), justify="right", no_wrap=True)

        for r in s.installments:
            table.add_row(Text(str(r.no)), Text(fmt_date(r.due_date)), money(r.principal),
                          money(r.interest), money(r.fees), money(r.total),
                          money(r.balance_after))
        table.add_row(Text(""), Text(_("Totals")), money(s.totals.principal),
                      money(s.totals.interest), money(s.totals.fees), money(s.totals.total),
                      Text(""))
        self.query_one("#sim-summary", Static).update("\n".join((
            _("TEG {teg} · interest {interest} · to repay {total}").format(
                teg=teg_text(s.teg, s.terms.teg_method, current_language()),
                interest=fmt_amount(s.totals.interest, cur),
                total=fmt_amount(s.totals.total, cur)),
            _("Fees at disbursement {fees} · paid out {net}").format(
                fees=fmt_amount(s.fees_at_disbursement, cur),
                net=fmt_amount(s.net_disbursed, cur)))))

    # --- actions -------------------------------------------------------------------------

    def action_page_down(self) -> None:
        self.query_one("#schedule", DataTable).action_page_down()

    def action_page_up(self) -> None:
        self.query_one("#schedule", DataTable).action_page_up()

    def action_submit(self) -> None:
        self.recompute()

    def action_print(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.recompute()
        if self.schedule is None or self.error:
            self.notify(_("Nothing to print: correct the terms first."), severity="error")
            return
        doc = ScheduleDoc(
            institution=self.info.name, branch_code=self.info.branch_code,
            branch_name=self.info.branch_name,
            schedule=dataclasses.replace(self.schedule),
            product=self.product.name if self.product else "",
            printed_by=self.ctx.full_name,
            printed_at=local_time(clock.now(), settings.get("timezone")),
            language=current_language(),
            signatures=(_("The member"), _("The loan officer")))

        def job() -> PrintOutcome:
            try:
                return printing.print_schedule(doc)
            except config.ConfigError as exc:
                return PrintOutcome(False, _("The schedule was not printed: the printer "
                                             "settings are wrong ({error}).").format(
                                                 error=exc))
            except Exception as exc:  # noqa: BLE001 - a PDF problem is reported, not raised
                return PrintOutcome(False, _("The schedule could not be printed ({error})."
                                             ).format(error=exc))

        run_print_jobs(self.app, [job], "print schedule", on_done=self.printed)

    def printed(self, outcome: PrintOutcome) -> None:
        self.print_outcome = outcome
        self.notify(outcome.message, severity="information" if outcome.ok else "error",
                    markup=False)
