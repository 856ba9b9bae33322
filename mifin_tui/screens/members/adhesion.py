"""New member (adhésion): the fiche d'adhésion, then the fees and the part sociale paid at
the cashier's till, with a BE voucher each, and the fiche printed on A4 for signature.

F2 checks the fiche (every bad field shows at once, nothing is written), then shows what
the till will take; F2 there gives the member number, posts and prints. A person who
looks like a member already is shown with his number: F6 asks the gérant for a second
record; once he approved it, F2 again goes through.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Select, Static

from mifin_tui.i18n import N_, _
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.cash.confirm import ConfirmCashScreen
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import NoteDialog
from mifin_tui.screens.common.print_jobs import print_member_form, print_voucher
from mifin_tui.screens.members.fields import MemberFieldsMixin
from mifin_tui.services.kernel import institution
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.members import adhesion
from mifin_tui.services.members import forms as member_forms
from mifin_tui.services.members.adhesion import AdhesionResult, DuplicateFound
from mifin_tui.widgets import FieldError, FormSelect, TextField
from mifin_tui.widgets.formatting import fmt_amount


class AdhesionScreen(MemberFieldsMixin, FormMixin, MifinScreen):
    TITLE_MSGID = N_("New member (adhésion)")
    AUTO_FOCUS = "#surname"
    BINDINGS = [
        Binding("f2", "submit", N_("Validate"), id="adhesion.submit"),
        Binding("f6", "ask_manager", N_("Ask the gérant"), id="adhesion.ask"),
        Binding("f9", "new", N_("New fiche"), id="adhesion.new"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.duplicates: list = []
        self.approval_id: int | None = None
        self.result: AdhesionResult | None = None
        self.outcomes: list[str] = []

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="adhesion-form", classes="form", can_focus=False):
            yield from self.compose_member_fields()
            currencies = self._currencies()
            with Horizontal(classes="row"):
                yield Label(_("Currency"), markup=False)
                yield FormSelect([(c, c) for c in currencies], id="currency",
                                 value=currencies[0], allow_blank=False)
            with Horizontal(classes="row"):
                yield Label(_("Paid by"), markup=False)
                yield TextField(id="depositor", max_length=120, classes="submit-on-enter",
                                placeholder=_("who brings the cash (default: the member)"))
            yield Static("", id="fees", classes="hint", markup=False)
            yield FieldError(id="error-form")
            yield Static("", id="duplicates", classes="summary", markup=False)
            yield Static("", id="result", classes="summary", markup=False)

    def _currencies(self) -> list[str]:
        from mifin_tui.services.kernel.regulators import get_profile

        try:
            info = institution.info(self.ctx.branch_id)
            found = list(get_profile(info.regulator).currencies)
            return [info.currency, *[c for c in found if c != info.currency]]
        except Exception:  # noqa: BLE001 - a bare database: the form still opens
            return ["USD"]

    def on_mount(self) -> None:
        self.on_mount_member_fields()
        self.show_fees()

    @property
    def currency(self) -> str:
        return str(self.query_one("#currency", Select).value)

    def show_fees(self) -> None:
        due = adhesion.fees(self.currency)
        money = lambda v: fmt_amount(v, self.currency)  # noqa: E731
        self.query_one("#fees", Static).update(_(
            "At the till: membership fee {fee}, account opening {opening}, share capital "
            "{shares}; total {total}.").format(fee=money(due.membership_fee),
                                               opening=money(due.account_opening_fee),
                                               shares=money(due.share_capital),
                                               total=money(due.total)))

    def on_select_changed(self, event: Select.Changed) -> None:
        super().on_select_changed(event)
        if event.select.id == "currency":
            self.show_fees()

    # --- validating ---------------------------------------------------------------------

    def _show_duplicates(self, found: list) -> None:
        self.duplicates = found
        lines = [_("Already members (same ID number, or same name and birth date):")]
        lines += [f"  {m.number}  {m.display_name}  {m.phone}" for m in found]
        lines.append(_("F6 asks the gérant to approve a second record."))
        self.query_one("#duplicates", Static).update("\n".join(lines) if found else "")

    def _approved_request(self) -> int | None:
        """An approval the gérant gave this user for the person typed, if any."""
        values = self.member_values()
        from mifin_tui.services.members import register as members

        key = (members.name_key(values), members.id_key(values))
        try:
            mine = adhesion.my_duplicate_requests(self.ctx)
        except MifinError:
            return None
        for req in mine:
            if req.status == "approved" and (members.name_key(req.fields),
                                             members.id_key(req.fields)) == key:
                return req.id
        return None

    def action_submit(self) -> None:
        if self.app.screen is not self:
            return  # the confirmation is open already
        self.clear_errors()
        self.query_one("#result", Static).update("")
        values = self.member_values()
        self.approval_id = self._approved_request()
        try:
            adhesion.check(self.ctx, values, approval_id=self.approval_id)
        except DuplicateFound as exc:
            self.show_errors(exc.errors)
            self._show_duplicates(exc.duplicates)
            return
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except MifinError as exc:
            self.show_form_error(str(exc))
            return
        self._show_duplicates([])
        ok, preview = self.call_service(adhesion.preview, self.ctx, values, self.currency)
        if not ok:
            return
        currency, depositor, approval = (self.currency,
                                         self.query_one("#depositor", TextField).value,
                                         self.approval_id)
        def post() -> AdhesionResult:
            return adhesion.enrol(self.ctx, values, currency=currency, depositor=depositor,
                                  approval_id=approval)

        # The dialog hands back what `post` returned: here an AdhesionResult, printed below.
        self.app.push_screen(
            ConfirmCashScreen(preview, post=post, print_after=False),  # type: ignore[arg-type]
            self._enrolled)

    def _enrolled(self, result: AdhesionResult | None) -> None:
        if result is None:
            return  # Escape on the confirmation: nothing posted
        self.result = result
        self.outcomes = []
        for receipt in result.receipts:
            print_voucher(self.app, receipt.doc, on_done=self.show_outcome)
        try:
            print_member_form(self.app, member_forms.form(self.ctx, result.member.id),
                              on_done=self.show_outcome)
        except MifinError as exc:
            self.show_outcome(PrintOutcome(False, str(exc)))
        self._show_result()

    def _show_result(self) -> None:
        r = self.result
        if r is None:
            return
        lines = [_("Member {number} enrolled: {name}.").format(number=r.member.number,
                                                               name=r.member.display_name),
                 _("Savings account {savings}; shares account {shares}.").format(
                     savings=r.savings_account, shares=r.shares_account),
                 _("Vouchers: {numbers}").format(
                     numbers=", ".join(x.voucher_number for x in r.receipts) or "-"),
                 *self.outcomes,
                 _("F9 starts a new fiche.")]
        self.query_one("#result", Static).update("\n".join(lines))

    def show_outcome(self, outcome: PrintOutcome) -> None:
        self.outcomes.append(outcome.message)
        self._show_result()

    # --- a second record ----------------------------------------------------------------

    def action_ask_manager(self) -> None:
        if not self.duplicates:
            self.notify(_("F6 is for a person who is a member already."), markup=False)
            return
        values = self.member_values()
        first = self.duplicates[0]
        self.app.push_screen(NoteDialog(
            _("Ask the gérant for a second record"),
            [_("Looks like member {number} {name}.").format(number=first.number,
                                                             name=first.display_name)],
            lambda reason: adhesion.request_duplicate(self.ctx, values, reason),
            note_label=_("Why a second record?"),
            hint=_("The gérant approves it in \u201cSecond records to approve\u201d; then F2 "
                   "here goes through.")), self._asked)

    def _asked(self, request) -> None:
        if request is not None:
            self.query_one("#duplicates", Static).update(_(
                "Request {id} sent to the gérant: F2 again once he approved it.").format(
                id=request.id))

    def action_new(self) -> None:
        self.app.switch_screen(AdhesionScreen(self.ctx))
