"""The loan officer's application (or the cashier's, where the institution allows it):
member (his name shows as soon as his number is typed), the product chosen from those he
can have, amount, term, purpose, activity and income, project estimate, the due dates of
a seasonal product, guarantors and collateral; the eligibility shown rule by rule.
Amounts are written out in the product's currency as they are typed.

F3 adds the guarantor typed (member and amount) to the list, F4 the collateral typed
(goods: description and value; blocked savings: the borrower's account number and the
amount), as many as needed. F2 records the draft with them (or, for a draft opened from
its loan card, records the changes and checks the eligibility again); F5 submits it, F6
records the home visit, F7 sends it to the credit committee. Each step's outcome shows
at the top of the screen. Opened from the menu, the member card (F7) or the loan card."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Select, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.loans.text import card_lines
from mifin_tui.screens.loans.visit import VisitDialog
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import views as loan_views
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import accounts as savings_accounts
from mifin_tui.widgets import FieldError, FormSelect, MoneyInput, TextField
from mifin_tui.widgets.date_input import parse_date
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

# The amounts of the form, each a MoneyInput in the product's currency.
MONEY_FIELDS = ("amount", "monthly_income", "project_estimate", "guarantor_amount",
                "goods_value")


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

    def __init__(self, ctx: Context, member_id: int | None = None,
                 loan_id: int | None = None) -> None:
        super().__init__(ctx)
        self.member_id = member_id
        self.loan_id: int | None = loan_id  # a draft opened from its card: F2 edits it
        self.member: members.MemberSummary | None = None
        self.products: dict[int, loan_products.LoanProductView] = {}
        # lines typed before the application is recorded: (member id, text, amount) and
        # (kind, value, description, account id, text)
        self.guarantors: list[tuple[int, str, int]] = []
        self.collateral: list[tuple[str, int, str, int | None, str]] = []

    def compose_body(self) -> ComposeResult:
        # the step's outcome and the form's errors above the form: always in sight
        yield FieldError(id="error-form")
        yield Static("", id="lapp-status", classes="summary", markup=False)
        with VerticalScroll(id="lapp-form"):
            yield from self.field_row(_("Member no."), TextField(id="member"), "member")
            yield Static("", id="member-name", classes="hint row-error", markup=False)
            yield from self.field_row(_("Product"), FormSelect(
                [], id="product", prompt=_("Type the member's number first")), "product")
            for label, name in ((_("Amount"), "amount"), (_("Instalments"), "term"),
                                (_("Purpose"), "purpose"), (_("Activity"), "activity"),
                                (_("Monthly income"), "monthly_income"),
                                (_("Project estimate"), "project_estimate"),
                                (_("Due dates (seasonal)"), "due_dates"),
                                (_("Guarantor no."), "guarantor"),
                                (_("Guaranteed amount"), "guarantor_amount"),
                                (_("Collateral"), "goods"),
                                (_("Collateral value"), "goods_value")):
                classes = "submit-on-enter" if name == "goods_value" else ""
                field = (MoneyInput(self._currency(), id=name, classes=classes)
                         if name in MONEY_FIELDS else TextField(id=name, classes=classes))
                yield from self.field_row(label, field, name)
            yield Static(_("F3 adds the guarantor typed, F4 the collateral typed (goods "
                           "described, or a savings account number of the member to "
                           "block); as many as needed. Due dates: dd/mm/yyyy, one per "
                           "instalment."), classes="hint", markup=False)
            yield Static("", id="lapp-guarantees", markup=False)
            yield Static("", id="lapp-result", markup=False)
            yield Static(_("F2 records the application; F5 submits it; F6 home visit; F7 to "
                           "the committee. Every next step is also on the loan card."),
                         classes="hint", markup=False)

    def on_mount(self) -> None:
        if self.loan_id is not None:
            self._load_draft(self.loan_id)
        elif self.member_id is not None:
            try:
                self.query_one("#member", TextField).value = members.get(
                    self.ctx, self.member_id).number
            except MifinError:
                pass

    def _load_draft(self, loan_id: int) -> None:
        """The fields of a recorded draft, to change it (its member and product stay)."""
        card = loan_views.card(self.ctx, loan_id)
        self.query_one("#member", TextField).value = card.member_number
        self._member_typed(card.member_number)
        self.query_one("#member", TextField).disabled = True
        select = self.query_one("#product", FormSelect)
        if card.product_id not in self.products:  # retired, or his account closed since
            self.products[card.product_id] = loan_products.get(
                card.product_id)
            select.set_options([(f"{p.code}  {p.name}", p.id) for p in self.products.values()])
        select.value = card.product_id
        select.disabled = True
        self._set_currency(card.currency)
        values = {"amount": fmt_amount(card.amount_requested, card.currency),
                  "term": str(card.term_requested), "purpose": card.purpose,
                  "activity": card.activity,
                  "monthly_income": fmt_amount(card.monthly_income, card.currency)
                  if card.monthly_income else "",
                  "project_estimate": fmt_amount(card.project_estimate, card.currency)
                  if card.project_estimate else "",
                  "due_dates": " ".join(fmt_date(d) for d in card.due_dates)}
        for name, value in values.items():
            self.query_one(f"#{name}").value = value
        self.show_loan(_("Draft {number}: change it, then F2 records the changes and checks "
                         "the eligibility again.").format(number=card.number))
        self.query_one("#amount", MoneyInput).focus()

    # --- the member and his products ---------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "member":
            self._member_typed(event.value)

    def _member_typed(self, number: str) -> None:
        """Echo the member's name and offer his products as soon as his number reads."""
        name = self.query_one("#member-name", Static)
        member = None
        if number.strip():
            try:
                member = members.by_number(self.ctx, number)
            except MifinError:
                member = None
        if member is not None and self.member is not None and member.id == self.member.id:
            return
        self.member = member
        select = self.query_one("#product", FormSelect)
        if member is None:
            name.update(_("No member with this number.") if number.strip() else "")
            self.products = {}
            select.set_options([])
            select.prompt = _("Type the member's number first")
            return
        self.products = {p.id: p for p in
                         loan_applications.products_for_member(self.ctx, member.id)}
        name.update(member.display_name if self.products else _(
            "{name}: no loan product in the currency of his savings accounts.").format(
            name=member.display_name))
        select.set_options([(f"{p.code}  {p.name} ({p.currency} {p.term_min}-{p.term_max})",
                             p.id) for p in self.products.values()])
        select.prompt = _("Choose the product") if self.products else _(
            "Type the member's number first")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "product" and event.value in self.products:
            self._set_currency(self.products[event.value].currency)

    def _set_currency(self, currency: str) -> None:
        for name in MONEY_FIELDS:
            self.query_one(f"#{name}", MoneyInput).currency = currency

    def _currency(self) -> str:
        product = self._product()
        return product.currency if product else (
            next(iter(self.products.values())).currency if self.products else "USD")

    def _product(self) -> loan_products.LoanProductView | None:
        if not self.is_mounted:
            return None
        value = self.query_one("#product", FormSelect).value
        return self.products.get(value) if isinstance(value, int) else None

    # --- reading the form --------------------------------------------------------------

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}").value.strip()

    def _amount(self, name: str, errors: dict[str, str], required: bool = True) -> int:
        field = self.query_one(f"#{name}", MoneyInput)
        if not field.value.strip():
            if required:
                errors[name] = _("Required.")
            return 0
        if not field.check():
            errors[name] = field.error_message or _("Enter an amount greater than zero.")
            return 0
        return field.amount or 0

    def _application(self) -> tuple[loan_applications.Application, dict[str, str]]:
        errors: dict[str, str] = {}
        member_id = self.member.id if self.member else 0
        if not member_id:
            errors["member"] = _("No member with this number.")
        product = self._product()
        if product is None:
            errors["product"] = _("Choose the product.")
        currency = product.currency if product else self._currency()
        amount = self._amount("amount", errors)
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
        app = loan_applications.Application(
            member_id=member_id, product_id=product.id if product else 0, amount=amount,
            term=term, purpose=self._value("purpose"), linked_account_id=linked,
            activity=self._value("activity"),
            monthly_income=self._amount("monthly_income", errors, False),
            project_estimate=self._amount("project_estimate", errors, False),
            due_dates=tuple(due_dates))
        return app, errors

    # --- recording ---------------------------------------------------------------------

    def action_submit(self) -> None:
        self.clear_errors()
        app, errors = self._application()
        if errors:
            self.show_errors(errors)
            return
        if self.loan_id is not None:
            ok, _results = self.call_service(loan_applications.update_application, self.ctx,
                                             self.loan_id, app)
            if ok:
                self.show_loan(_("Changes recorded; the eligibility is checked again."))
            return
        ok, loan_id = self.call_service(loan_applications.apply, self.ctx, app)
        if not ok:
            return
        self.loan_id = loan_id
        for member_id, _text, amount in self.guarantors:
            self.call_service(loan_applications.add_guarantor, self.ctx, loan_id, member_id,
                              amount)
        for kind, value, description, account_id, _text in self.collateral:
            self.call_service(loan_applications.add_collateral, self.ctx, loan_id, kind, value,
                              description=description, account_id=account_id)
        self.guarantors, self.collateral = [], []
        # what is still typed in the guarantee fields is added as well
        if self._value("guarantor"):
            self.action_add_guarantor()
        if self._value("goods"):
            self.action_add_collateral()
        number = loan_views.card(self.ctx, loan_id).number
        self.show_loan(_("Application {number} recorded.").format(number=number))

    def action_add_guarantor(self) -> None:
        """The guarantor typed joins the list (or the recorded application)."""
        self.clear_errors()
        errors: dict[str, str] = {}
        member = None
        try:
            member = members.by_number(self.ctx, self._value("guarantor"))
        except MifinError:
            errors["guarantor"] = _("No member with this number.")
        amount = self._amount("guarantor_amount", errors)
        if errors or member is None:
            self.show_errors(errors)
            return
        if self.loan_id is not None:
            ok, _row = self.call_service(loan_applications.add_guarantor, self.ctx,
                                         self.loan_id, member.id, amount)
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
            self.query_one(f"#{name}").value = ""
        self._show_guarantees()

    def action_add_collateral(self) -> None:
        """The collateral typed joins the list: a savings account of the borrower (its
        number) is blocked savings, anything else goods described."""
        self.clear_errors()
        errors: dict[str, str] = {}
        text = self._value("goods")
        if not text:
            errors["goods"] = _("Required.")
        value = self._amount("goods_value", errors)
        if errors:
            self.show_errors(errors)
            return
        member_id = self.member.id if self.member else 0
        account = next((a for a in savings_accounts.member_savings(self.ctx, member_id)
                        if a.number == text), None) if member_id else None
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
            self.query_one(f"#{name}").value = ""
        self._show_guarantees()

    def _show_guarantees(self) -> None:
        if self.loan_id is not None:
            self.show_loan()
            return
        cur = self._currency()
        lines = [_("Guarantor {who}: {amount}").format(who=text, amount=fmt_amount(a, cur))
                 for _id, text, a in self.guarantors]
        lines += [_("Collateral: {what} {value}").format(what=text,
                                                         value=fmt_amount(v, cur))
                  for _k, v, _d, _a, text in self.collateral]
        self.query_one("#lapp-guarantees", Static).update("\n".join(lines))

    def say(self, message: str) -> None:
        """A step's outcome, at the top of the screen."""
        self.query_one("#lapp-status", Static).update(message)

    def show_loan(self, message: str = "") -> None:
        if self.loan_id is None:
            return
        card = loan_views.card(self.ctx, self.loan_id)
        if message:
            self.say(message)
        self.query_one("#lapp-result", Static).update(
            "\n".join(card_lines(card, eligibility=True)))

    # --- the next steps (also on the loan card) ----------------------------------------

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
        self._step(loan_applications.send_to_committee,
                   message=_("Sent to the credit committee."))

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
