"""The loan officer's application (or the cashier's, where the institution allows it):
member, product, amount, term, purpose, activity and income, project estimate, the due
dates of a seasonal product, guarantors and collateral; the eligibility shown rule by rule.
F3 adds the guarantor typed (member and amount) to the list, F4 the collateral typed
(goods: description and value; blocked savings: the borrower's account number and the
amount), as many as needed. F2 records the draft with them, F5 submits it, F6 records the
home visit, F7 sends it to the credit committee. Opened from the member card (F7)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.loans.text import card_lines
from mifin_tui.screens.loans.visit import VisitDialog
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.kernel.money import parse_amount
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import accounts as savings_accounts
from mifin_tui.widgets import FieldError, TextField
from mifin_tui.widgets.date_input import parse_date
from mifin_tui.widgets.formatting import fmt_amount


class LoanApplicationScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Loan application")
    AUTO_FOCUS = "#member"
    BINDINGS = [
        Binding("f2", "submit", N_("Record"), id="lapp.save"),
        # no room left in an 80-column footer: the form's hint tells these two keys
        Binding("f3", "add_guarantor", N_("+ Guarantor"), id="lapp.guarantor", show=False),
        Binding("f4", "add_collateral", N_("+ Collateral"), id="lapp.collateral",
                show=False),
        Binding("f5", "send", N_("Submit"), id="lapp.submit"),
        Binding("f6", "visit", N_("Visit"), id="lapp.visit"),
        Binding("f7", "committee", N_("Committee"), id="lapp.committee"),
    ]

    def __init__(self, ctx: Context, member_id: int | None = None) -> None:
        super().__init__(ctx)
        self.member_id = member_id
        self.loan_id: int | None = None
        # lines typed before the application is recorded: (member id, text, amount) and
        # (kind, value, description, account id, text)
        self.guarantors: list[tuple[int, str, int]] = []
        self.collateral: list[tuple[str, int, str, int | None, str]] = []

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="lapp-form"):
            for label, name in ((_("Member no."), "member"), (_("Product code"), "product"),
                                (_("Amount"), "amount"), (_("Instalments"), "term"),
                                (_("Purpose"), "purpose"), (_("Activity"), "activity"),
                                (_("Monthly income"), "monthly_income"),
                                (_("Project estimate"), "project_estimate"),
                                (_("Due dates (seasonal)"), "due_dates"),
                                (_("Guarantor no."), "guarantor"),
                                (_("Guaranteed amount"), "guarantor_amount"),
                                (_("Collateral"), "goods"),
                                (_("Collateral value"), "goods_value")):
                yield from self.field_row(label, TextField(
                    id=name, classes="submit-on-enter" if name == "goods_value" else ""),
                    name)
            yield FieldError(id="error-form")
            yield Static(_("F3 adds the guarantor typed, F4 the collateral typed (goods "
                           "described, or a savings account number of the member to "
                           "block); as many as needed. Due dates: dd/mm/yyyy, one per "
                           "instalment."), classes="hint", markup=False)
            yield Static("", id="lapp-guarantees", markup=False)
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

    def _application(self) -> tuple[loan_applications.Application, dict[str, str], dict]:
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
            linked = next((a.id for a in savings_accounts.member_savings(self.ctx, member_id)
                           if a.currency == currency and a.status == "active"), None)
        due_dates: list = []
        for word in self._value("due_dates").replace(",", " ").split():
            try:
                due_dates.append(parse_date(word))
            except ValueError as exc:
                errors["due_dates"] = str(exc)
        if product is not None and product.frequency == "seasonal" and not due_dates \
                and "due_dates" not in errors:
            errors["due_dates"] = _("A seasonal product: enter the due dates.")
        extra["currency"] = currency
        extra["member_id"] = member_id
        app = loan_applications.Application(
            member_id=member_id, product_id=product.id if product else 0, amount=amount,
            term=term, purpose=self._value("purpose"), linked_account_id=linked,
            activity=self._value("activity"),
            monthly_income=self._amount("monthly_income", currency, errors, False),
            project_estimate=self._amount("project_estimate", currency, errors, False),
            due_dates=tuple(due_dates))
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
        ok, loan_id = self.call_service(loan_applications.apply, self.ctx, app)
        if not ok:
            return
        self.loan_id = loan_id
        for member_id, _text, amount in self.guarantors:
            self.call_service(loan_applications.add_guarantor, self.ctx, loan_id, member_id, amount)
        for kind, value, description, account_id, _text in self.collateral:
            self.call_service(loan_applications.add_collateral, self.ctx, loan_id, kind, value,
                              description=description, account_id=account_id)
        self.guarantors, self.collateral = [], []
        # what is still typed in the guarantee fields is added as well
        if self._value("guarantor"):
            self.action_add_guarantor()
        if self._value("goods"):
            self.action_add_collateral()
        self.show_loan()

    def _guarantee_amount(self, name: str, errors: dict[str, str]) -> int:
        _app, _errors, extra = self._application()
        return self._amount(name, extra["currency"], errors)

    def action_add_guarantor(self) -> None:
        """The guarantor typed joins the list (or the recorded application)."""
        self.clear_errors()
        errors: dict[str, str] = {}
        member = None
        try:
            member = members.by_number(self.ctx, self._value("guarantor"))
        except MifinError:
            errors["guarantor"] = _("No member with this number.")
        amount = self._guarantee_amount("guarantor_amount", errors)
        if errors or member is None:
            self.show_errors(errors)
            return
        if self.loan_id is not None:
            ok, _row = self.call_service(loan_applications.add_guarantor, self.ctx, self.loan_id,
                                         member.id, amount)
            if not ok:
                return
        else:
            if any(g[0] == member.id for g in self.guarantors):
                self.show_errors({"guarantor": _("This member guarantees the loan "
                                                 "already.")})
                return
            self.guarantors.append((member.id, f"{member.number} {member.display_name}",
                                    amount))
        for name in ("guarantor", "guarantor_amount"):
            self.query_one(f"#{name}", TextField).value = ""
        self._show_guarantees()

    def action_add_collateral(self) -> None:
        """The collateral typed joins the list: a savings account of the borrower (its
        number) is blocked savings, anything else goods described."""
        self.clear_errors()
        errors: dict[str, str] = {}
        text = self._value("goods")
        if not text:
            errors["goods"] = _("Required.")
        value = self._guarantee_amount("goods_value", errors)
        if errors:
            self.show_errors(errors)
            return
        _app, _errors, extra = self._application()
        account = next((a for a in savings_accounts.member_savings(self.ctx, extra["member_id"])
                        if a.number == text), None) if extra["member_id"] else None
        kind, description = ("savings", "") if account else ("goods", text)
        account_id = account.id if account else None
        if self.loan_id is not None:
            ok, _row = self.call_service(loan_applications.add_collateral, self.ctx,
                                         self.loan_id, kind, value, description=description,
                                         account_id=account_id)
            if not ok:
                return
        else:
            self.collateral.append((kind, value, description, account_id, text))
        for name in ("goods", "goods_value"):
            self.query_one(f"#{name}", TextField).value = ""
        self._show_guarantees()

    def _show_guarantees(self) -> None:
        if self.loan_id is not None:
            self.show_loan()
            return
        _app, _errors, extra = self._application()
        cur = extra["currency"]
        lines = [_("Guarantor {who}: {amount}").format(who=text, amount=fmt_amount(a, cur))
                 for _id, text, a in self.guarantors]
        lines += [_("Collateral: {what} {value}").format(what=text,
                                                         value=fmt_amount(v, cur))
                  for _k, v, _d, _a, text in self.collateral]
        self.query_one("#lapp-guarantees", Static).update("\n".join(lines))

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
        self._step(loan_applications.submit, message=_("Application submitted."))

    def action_committee(self) -> None:
        self._step(loan_applications.send_to_committee, message=_("Sent to the credit committee."))

    def action_visit(self) -> None:
        if self.loan_id is None:
            self.show_form_error(_("Record the application first (F2)."))
            return
        loan_id = self.loan_id

        def record(recommendation: str, findings: str, conditions: str) -> int:
            day = loan_lifecycle.business_today(self.ctx)
            loan_applications.record_visit(self.ctx, loan_id, day, self.ctx.full_name, findings,
                                           recommendation, conditions)
            return loan_id

        self.app.push_screen(
            VisitDialog(_("Home visit"), record),
            callback=lambda done: self.show_loan(_("Home visit recorded.")) if done else None)
