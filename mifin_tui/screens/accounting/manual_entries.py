"""Manual journal entries (opérations diverses) under maker-checker.

The accountant types the label and up to four lines (a GL code or an account number,
a debit or a credit) and saves the draft with F2. Below, the entries waiting for
validation: a validator (gérant, another accountant) moves to one, F5 validates it
(posted with an OD voucher), F9 rejects it with the reason typed in "Reason"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import confirm_then
from mifin_tui.services.accounting import manual_entries
from mifin_tui.services.accounting.manual_entries import DraftLine, ManualEntryView
from mifin_tui.services.kernel import institution, regulators
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.money import AmountError, parse_amount
from mifin_tui.widgets import FieldError, FormSelect, TextField
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

LINES = 4


class ManualEntriesScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Manual journal entries")
    AUTO_FOCUS = "#label"
    BINDINGS = [
        Binding("f2", "submit", N_("Save draft"), id="manual.save"),
        Binding("f5", "validate", N_("Validate"), id="manual.validate"),
        Binding("f9", "reject", N_("Reject"), id="manual.reject"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        info = institution.info(ctx.branch_id)
        try:
            currencies = tuple(regulators.get_profile(info.regulator).currencies)
        except (KeyError, ValueError):
            currencies = (info.currency,)
        self.currencies = (info.currency, *(c for c in currencies if c != info.currency))
        self.pending: list[ManualEntryView] = []
        if not ctx.can("journal.enter"):
            self.AUTO_FOCUS = "#pending"

    def compose_body(self) -> ComposeResult:
        with Vertical(id="entry-form", classes="compact-form"):
            if self.ctx.can("journal.enter"):
                with Horizontal(classes="compact-row"):
                    yield Label(_("Label"), markup=False)
                    yield TextField("", id="label", max_length=120)
                yield FieldError(id="error-label", classes="row-error")
                with Horizontal(classes="compact-row"):
                    yield Label(_("Currency"), markup=False)
                    yield FormSelect([(c, c) for c in self.currencies], id="currency",
                                     value=self.currencies[0], allow_blank=False)
                yield Static(_("Line: account (GL code or number), debit, credit"),
                             markup=False)
                for n in range(1, LINES + 1):
                    with Horizontal(classes="compact-row", id=f"line-{n}"):
                        yield TextField("", id=f"line-{n}-account", max_length=24,
                                        placeholder=_("account"))
                        yield TextField("", id=f"line-{n}-debit", max_length=20,
                                        placeholder=_("debit"))
                        yield TextField("", id=f"line-{n}-credit", max_length=20,
                                        placeholder=_("credit"),
                                        classes="submit-on-enter" if n == LINES else "")
                    yield FieldError(id=f"error-line-{n}-account", classes="row-error")
                    yield FieldError(id=f"error-line-{n}-amount", classes="row-error")
                yield FieldError(id="error-lines")
            yield FieldError(id="error-form")
        yield Static("", id="entry-result", classes="summary", markup=False)
        if self.ctx.can("journal.validate"):
            yield Static(_("Waiting for validation"), classes="summary", markup=False)
            yield OptionList(id="pending")
            yield Static("", id="pending-detail", classes="detail", markup=False)
            with Horizontal(classes="compact-row"):
                yield Label(_("Reason (to reject)"), markup=False)
                yield TextField("", id="reason", max_length=120)
            yield FieldError(id="error-reason", classes="row-error")

    def on_mount(self) -> None:
        self.load_pending()

    def load_pending(self) -> None:
        if not self.ctx.can("journal.validate"):
            return
        self.pending = manual_entries.pending(self.ctx)
        options = self.query_one("#pending", OptionList)
        options.clear_options()
        options.add_options([
            Option(f"{fmt_date(e.business_date)}  {e.label[:36]:36}  "
                   f"{fmt_amount(e.total, e.currency)}  {e.entered_by}", id=str(e.id))
            for e in self.pending])
        if self.pending:
            options.highlighted = 0
        self.show_pending()
        self.refresh_bindings()

    @property
    def current(self) -> ManualEntryView | None:
        if not self.ctx.can("journal.validate"):
            return None
        index = self.query_one("#pending", OptionList).highlighted
        return self.pending[index] if index is not None and index < len(self.pending) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_pending()

    def show_pending(self) -> None:
        entry = self.current
        detail = self.query_one("#pending-detail", Static)
        if entry is None:
            detail.update(_("No entry is waiting.") if not self.pending else "")
            return
        lines = [f"{ln.reference} {ln.name[:30]}: "
                 + (_("debit {amount}") if ln.debit else _("credit {amount}")).format(
                     amount=fmt_amount(ln.debit or ln.credit, entry.currency))
                 for ln in entry.lines]
        detail.update("\n".join(lines))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return self.ctx.can("journal.enter")
        if action in ("validate", "reject"):
            return self.current is not None
        return True

    # --- entering -------------------------------------------------------------------

    def action_submit(self) -> None:
        if not self.ctx.can("journal.enter"):
            return
        self.clear_errors()
        currency = str(self.query_one("#currency", Select).value)
        lines, errors = [], {}
        for n in range(1, LINES + 1):
            account = self.query_one(f"#line-{n}-account", TextField).value.strip()
            amounts = []
            for side in ("debit", "credit"):
                text = self.query_one(f"#line-{n}-{side}", TextField).value.strip()
                try:
                    amounts.append(parse_amount(text, currency) if text else 0)
                except AmountError as exc:
                    errors[f"line.{n}.amount"] = str(exc)
                    amounts.append(0)
            if account or any(amounts):
                lines.append(DraftLine(account, debit=amounts[0], credit=amounts[1]))
            else:
                lines.append(DraftLine(""))
        if errors:
            self.show_errors(errors)
            return
        label = self.query_one("#label", TextField).value
        ok, entry = self.call_service(manual_entries.enter, self.ctx, label, currency, lines)
        if not ok:
            return
        self.query_one("#entry-result", Static).update(
            _("Entry {id} saved: {total}, waiting for validation by another person.").format(
                id=entry.id, total=fmt_amount(entry.total, entry.currency)))
        for field in self.query(TextField):
            if field.id != "reason":
                field.value = ""
        self.load_pending()
        self.query_one("#label", TextField).focus()

    # --- deciding -------------------------------------------------------------------

    def action_validate(self) -> None:
        entry = self.current
        if entry is None:
            return
        self.clear_errors()
        confirm_then(self, _("Validate entry {id}?").format(id=entry.id), [
            entry.label, _("Total {total}, entered by {who}: it is posted to the ledger.")
            .format(total=fmt_amount(entry.total, entry.currency), who=entry.entered_by)],
            lambda: self._validate(entry))

    def _validate(self, entry) -> None:
        ok, done = self.call_service(manual_entries.validate, self.ctx, entry.id)
        if ok:
            self.query_one("#entry-result", Static).update(
                _("Entry {id} posted: voucher {voucher}.").format(
                    id=done.id, voucher=done.voucher_number))
            self.load_pending()

    def action_reject(self) -> None:
        entry = self.current
        if entry is None:
            return
        self.clear_errors()
        reason = self.query_one("#reason", TextField).value
        ok, done = self.call_service(manual_entries.reject, self.ctx, entry.id, reason)
        if ok:
            self.query_one("#entry-result", Static).update(
                _("Entry {id} rejected.").format(id=done.id))
            self.query_one("#reason", TextField).value = ""
            self.load_pending()
