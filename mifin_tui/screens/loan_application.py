"""The loan officer's application: member, product, amount, term, purpose, activity and
income, project estimate, a guarantor and goods as collateral; the eligibility shown rule
by rule. F2 records the draft, F5 submits it, F6 records the home visit, F7 sends it to the
credit committee. Opened from the member card (F7) with the member chosen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.base import FormMixin, MifinScreen
from mifin_tui.screens.dialogs import NoteDialog
from mifin_tui.screens.loan_text import card_lines
from mifin_tui.services import loan_products, loan_views, loans, members, savings
from mifin_tui.services.context import Context
from mifin_tui.services.errors import MifinError, ValidationError
from mifin_tui.services.money import parse_amount
from mifin_tui.widgets import FieldError, TextField


class LoanApplicationScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Loan application")
    AUTO_FOCUS = "#member"
    BINDINGS = [
        Binding("f2", "submit", N_("Record"), id="lapp.save"),
        Binding("f5", "send", N_("Submit"), id="lapp.submit"),
        Binding("f6", "visit", N_("Home visit"), id="lapp.visit"),
        Binding("f7", "committee", N_("To committee"), id="lapp.committee"),
    ]

    def __init__(self, ctx: Context, member_id: int | None = None) -> None:
        super().__init__(ctx)
        self.member_id = member_id
        self.loan_id: int | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="lapp-form"):
            for label, name in ((_("Member no."), "member"), (_("Product code"), "product"),
                                (_("Amount"), "amount"), (_("Instalments"), "term"),
                                (_("Purpose"), "purpose"), (_("Activity"), "activity"),
                                (_("Monthly income"), "monthly_income"),
                                (_("Project estimate"), "project_estimate"),
                                (_("Guarantor no."), "guarantor"),
                                (_("Guaranteed amount"), "guarantor_amount"),
                                (_("Goods pledged"), "goods"),
                                (_("Value of goods"), "goods_value")):
                yield from self.field_row(label, TextField(
                    id=name, classes="submit-on-enter" if name == "goods_value" else ""),
                    name)
            yield FieldError(id="error-form")
            yield Static("", id="lapp-products", classes="hint", markup=False)
            yield Static("", id="lapp-result", markup=False)
            yield Static(_("F2 records the application; F5 submits it; F6 home visit; F7 to "
                           "the committee."), classes="hint", markup=False)

    def on_mount(self) -> None:
        if self.member_id is not None:
            try:
                self.query_one("#member", TextField).value = members.get(
                    self.ctx, self.member_id).number
            except MifinError:
                pass
        products = loan_products.list_products(self.ctx)
        self.query_one("#lapp-products", Static).update(_("Products: {codes}").format(
            codes=", ".join(f"{p.code} ({p.currency} {p.term_min}-{p.term_max})"
                            for p in products)))

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", TextField).value.strip()

    def _amount(self, name: str, currency: str, errors: dict[str, str],
                required: bool = True) -> int:
        text = self._value(name)
        if not text:
            if required:
                errors[name] = _("Required.")
            return 0
        try:
            return parse_amount(text, currency)
        except ValueError as exc:
            errors[name] = str(exc)
            return 0

    def _application(self) -> tuple[loans.Application, dict[str, str], dict]:
        errors: dict[str, str] = {}
        extra: dict = {}
        member_id = 0
        try:
            member = members.by_number(self.ctx, self._value("member"))
            member_id = member.id
        except MifinError:
            errors["member"] = _("No member with this number.")
        code = self._value("product").upper()
        product = next((p for p in loan_products.list_products(self.ctx) if p.code == code),
                       None)
        if product is None:
            errors["product"] = _("No active product {code}.").format(code=code)
        currency = product.currency if product else "USD"
        amount = self._amount("amount", currency, errors)
        try:
            term = int(self._value("term"))
        except ValueError:
            errors["term"] = _("A whole number of instalments.")
            term = 0
        linked = None
        if member_id and product:
            linked = next((a.id for a in savings.member_savings(self.ctx, member_id)
                           if a.currency == currency and a.status == "active"), None)
        if self._value("guarantor"):
            try:
                extra["guarantor"] = members.by_number(self.ctx, self._value("guarantor")).id
            except MifinError:
                errors["guarantor"] = _("No member with this number.")
            extra["guarantor_amount"] = self._amount("guarantor_amount", currency, errors)
        if self._value("goods"):
            extra["goods"] = self._value("goods")
            extra["goods_value"] = self._amount("goods_value", currency, errors)
        app = loans.Application(
            member_id=member_id, product_id=product.id if product else 0, amount=amount,
            term=term, purpose=self._value("purpose"), linked_account_id=linked,
            activity=self._value("activity"),
            monthly_income=self._amount("monthly_income", currency, errors, False),
            project_estimate=self._amount("project_estimate", currency, errors, False))
        return app, errors, extra

    def action_submit(self) -> None:
        if self.loan_id is not None:
            self.show_form_error(_("This application is recorded; F5 submits it."))
            return
        self.clear_errors()
        app, errors, extra = self._application()
        if errors:
            self.show_errors(errors)
            return
        ok, loan_id = self.call_service(loans.apply, self.ctx, app)
        if not ok:
            return
        self.loan_id = loan_id
        if "guarantor" in extra:
            self.call_service(loans.add_guarantor, self.ctx, loan_id, extra["guarantor"],
                              extra["guarantor_amount"])
        if "goods" in extra:
            self.call_service(loans.add_collateral, self.ctx, loan_id, "goods",
                              extra["goods_value"], description=extra["goods"])
        self.show_loan()

    def show_loan(self, message: str = "") -> None:
        if self.loan_id is None:
            return
        card = loan_views.card(self.ctx, self.loan_id)
        lines = [message] if message else []
        lines += card_lines(card, eligibility=True)
        self.query_one("#lapp-result", Static).update("\n".join(lines))
        self.query_one("#lapp-result", Static).scroll_visible()

    def _step(self, service, *args, message: str) -> None:
        if self.loan_id is None:
            self.show_form_error(_("Record the application first (F2)."))
            return
        self.clear_errors()
        try:
            service(self.ctx, self.loan_id, *args)
        except ValidationError as exc:
            self.show_form_error(" ".join(exc.errors.values()))
            return
        except MifinError as exc:
            self.show_form_error(str(exc))
            return
        self.show_loan(message)

    def action_send(self) -> None:
        self._step(loans.submit, message=_("Application submitted."))

    def action_committee(self) -> None:
        self._step(loans.send_to_committee, message=_("Sent to the credit committee."))

    def action_visit(self) -> None:
        if self.loan_id is None:
            self.show_form_error(_("Record the application first (F2)."))
            return
        loan_id = self.loan_id

        def record(findings: str) -> int:
            day = loans._today(self.ctx)
            loans.record_visit(self.ctx, loan_id, day, self.ctx.full_name, findings,
                               _("Favourable"))
            return loan_id

        self.app.push_screen(
            NoteDialog(_("Home visit"), [_("What did you see at the member's home and "
                                          "business?")], record,
                       note_label=_("Findings (required)")),
            callback=lambda done: self.show_loan(_("Home visit recorded.")) if done else None)
