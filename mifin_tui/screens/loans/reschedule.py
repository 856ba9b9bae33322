"""Rescheduling (rééchelonnement), maker-checker: the officer types the loan, the new
number of instalments and rate, the reason, sees the new schedule (F2) and sends the
request (F10); the gérant's list approves (F9) or rejects (F7, with the reason typed)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import confirm_then
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import repayments, reschedule
from mifin_tui.services.loans.reschedule import ReschedulePlan, RescheduleView
from mifin_tui.widgets import FieldError, TextField
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


def plan_lines(p: ReschedulePlan, limit: int | None = 6) -> list[str]:
    """The plan in words, then its instalments (the first `limit`; None: all)."""
    m = lambda minor: fmt_amount(minor, p.currency)  # noqa: E731
    rows = p.schedule.installments
    lines = [_("Principal rescheduled {principal}; carried onto the first instalment "
               "{carried}.").format(principal=m(p.principal), carried=m(p.carried.total)),
             ngettext("{n} instalment from no. {first}, due {date}; total {total}.",
                      "{n} instalments from no. {first}, the first due {date}; total {total}.",
                      len(rows))
             .format(n=len(rows), first=p.first_no, date=fmt_date(rows[0].due_date),
                     total=m(p.new_total))]
    for k, i in enumerate(rows if limit is None else rows[:limit]):
        extra = p.carried.total if k == 0 else 0
        lines.append(f"  {p.first_no + k:>3} {fmt_date(i.due_date)} "
                     f"{m(i.total + extra):>16}")
    if limit is not None and len(rows) > limit:
        lines.append("  ...")
    return lines


def _rate_bp(text: str) -> int | None:
    """A rate typed in percent ("20" or "20,5") in basis points; None when empty."""
    text = text.strip().replace(",", ".").rstrip("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text) * 100
    except InvalidOperation:
        raise ValueError(text) from None
    if value != value.to_integral_value() or value < 0:
        raise ValueError(text)
    return int(value)


class RescheduleRequestScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Reschedule a loan")
    AUTO_FOCUS = "#loan"
    BINDINGS = [Binding("f2", "preview", N_("New schedule"), id="resched.preview"),
                Binding("f10", "send", N_("Send the request"), id="resched.send")]

    def __init__(self, ctx: Context, loan_id: int | None = None) -> None:
        super().__init__(ctx)
        self.loan_id = loan_id

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="resched-form", classes="form", can_focus=False):
            yield from self.field_row(_("Loan number"), TextField(
                id="loan", max_length=32, placeholder=_("loan number")), "loan")
            yield from self.field_row(_("Instalments"), TextField(
                id="term", max_length=4, placeholder=_("new number")), "term")
            yield from self.field_row(_("Rate (% a year)"), TextField(
                id="rate", max_length=8, placeholder=_("empty: unchanged")), "rate")
            yield from self.field_row(_("Reason"), TextField(
                id="reason", max_length=200, classes="submit-on-enter"), "reason")
            yield FieldError(id="error-form")
            yield Static("", id="resched-plan", classes="summary", markup=False)

    def _values(self) -> tuple[int, int, int | None] | None:
        self.clear_errors()
        ok, loan_id = self.call_service(repayments.find_loan, self.ctx,
                                        self.query_one("#loan", TextField).value)
        if not ok:
            return None
        errors = {}
        term_text = self.query_one("#term", TextField).value.strip()
        term = int(term_text) if term_text.isdigit() else None
        if term is None:
            errors["term"] = _("Type the new number of instalments.")
        try:
            rate = _rate_bp(self.query_one("#rate", TextField).value)
        except ValueError:
            errors["rate"] = _("Type the rate in percent, e.g. 24 or 22,5.")
            rate = None
        if errors:
            self.show_errors(errors)
            return None
        self.loan_id = loan_id
        return loan_id, term, rate  # type: ignore[return-value]

    def action_preview(self) -> None:
        values = self._values()
        if values is None:
            return
        ok, p = self.call_service(reschedule.plan, self.ctx, *values)
        if ok:
            self.query_one("#resched-plan", Static).update("\n".join(plan_lines(p)))

    def action_submit(self) -> None:
        self.action_send()

    def action_send(self) -> None:
        values = self._values()
        if values is None:
            return
        ok, request_id = self.call_service(
            reschedule.request, self.ctx, *values,
            self.query_one("#reason", TextField).value)
        if ok:
            self.query_one("#resched-plan", Static).update(
                _("Request {id} sent: it waits for the manager's decision.").format(
                    id=request_id))


class RescheduleDecisionsScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Reschedulings to decide")
    AUTO_FOCUS = "#requests"
    BINDINGS = [Binding("f9", "approve", N_("Approve"), id="resched.approve"),
                Binding("f7", "reject", N_("Reject"), id="resched.reject")]

    DEFAULT_CSS = """
    RescheduleDecisionsScreen #requests {
        height: auto;
        max-height: 6;
    }
    RescheduleDecisionsScreen #request-scroll {
        height: 1fr;
        padding: 0 1;
    }
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.rows: tuple[RescheduleView, ...] = ()
        self.plans: dict[int, list[str]] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="requests-count", classes="summary", markup=False)
        yield DataTable(id="requests", cursor_type="row")
        # The request and the whole new schedule: Tab comes here, the arrows scroll it.
        with VerticalScroll(id="request-scroll"):
            yield Static("", id="request-detail", markup=False)
        yield from self.field_row(_("Note / reason"), TextField(
            id="note", max_length=200, placeholder=_("required to reject")), "reason")
        yield FieldError(id="error-form")

    def on_mount(self) -> None:
        table = self.query_one("#requests", DataTable)
        # The loan number as wide as the widest (None): its check digits are never cut.
        for title, width in ((_("Loan"), None), (_("Member"), 19), (_("Instalments"), 11),
                             (_("Rate"), 7), (_("Asked by"), 14)):
            table.add_column(title, width=width)
        self.refresh_rows()

    def refresh_rows(self) -> None:
        ok, rows = self.call_service(reschedule.pending, self.ctx)
        if not ok:
            return
        self.rows = rows
        self.plans.clear()
        table = self.query_one("#requests", DataTable)
        table.clear()
        for r in rows:
            table.add_row(Text(r.loan_number, no_wrap=True),
                          Text(r.member_name, no_wrap=True, overflow="ellipsis"),
                          Text(str(r.term), justify="right"),
                          Text(f"{r.rate_bp // 100},{r.rate_bp % 100:02d}", justify="right"),
                          Text(r.requested_by, no_wrap=True, overflow="ellipsis"))
        self.query_one("#requests-count", Static).update(
            ngettext("{n} request waits for a decision.", "{n} requests wait for a decision.",
                     len(rows)).format(n=len(rows)) if rows
            else _("No rescheduling waits for a decision."))
        self.show_detail()
        self.refresh_bindings()

    @property
    def current(self) -> RescheduleView | None:
        table = self.query_one("#requests", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        r = self.current
        text = ""
        if r is not None:
            text = "\n".join([
                _("Reason: {reason}").format(reason=r.reason),
                _("Principal {principal}, carried {carried}; asked on {date}.").format(
                    principal=fmt_amount(r.principal, r.currency),
                    carried=fmt_amount(r.carried, r.currency), date=fmt_date(r.requested_on)),
                *self.plan_of(r)])
        self.query_one("#request-detail", Static).update(text)

    def plan_of(self, r: RescheduleView) -> list[str]:
        """The new schedule the approval would set, as of today (computed once a request)."""
        if r.id not in self.plans:
            try:
                p = reschedule.request_plan(self.ctx, r.id)
            except MifinError as exc:
                self.plans[r.id] = [str(exc)]
            else:
                self.plans[r.id] = [_("New schedule:"), *plan_lines(p, limit=None)]
        return self.plans[r.id]

    def action_approve(self) -> None:
        r = self.current
        if r is None:
            return
        self.clear_errors()
        confirm_then(self, _("Reschedule loan {number}?").format(number=r.loan_number),
                     self.plan_of(r),
                     lambda: self._approve(r))

    def _approve(self, r) -> None:
        ok, _plan = self.call_service(reschedule.approve, self.ctx, r.id,
                                      self.query_one("#note", TextField).value)
        if ok:
            self.notify(_("Loan {number} rescheduled.").format(number=r.loan_number))
            self.refresh_rows()

    def action_reject(self) -> None:
        r = self.current
        if r is None:
            return
        self.clear_errors()
        ok, _none = self.call_service(reschedule.reject, self.ctx, r.id,
                                      self.query_one("#note", TextField).value)
        if ok:
            self.notify(_("Rescheduling of loan {number} rejected.").format(
                number=r.loan_number))
            self.refresh_rows()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "reject"):
            return self.current is not None
        return super().check_action(action, parameters)
