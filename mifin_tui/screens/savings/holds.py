"""Holds and mandataires of an account.

F2 blocks an amount with its reason (gérant). F4 releases the hold under the cursor, with
the reason for the release and a confirmation (a loan's collateral is released by the
loan, or by the gérant once the loan is over). F6 records a mandataire or signatory with
the holder's signed procuration (its date and reference): he may sign once the gérant
approves him (the gérant's "Mandataires to approve"). F7 revokes the mandate under the
cursor of the second list, with its reason."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.dialogs import ConfirmDialog, NoteDialog
from mifin_tui.screens.savings.form import SavingsFormScreen
from mifin_tui.services.savings import holds as savings_holds
from mifin_tui.services.savings import mandates as savings_mandates
from mifin_tui.services.savings.holds import HOLD_REASONS, HoldView
from mifin_tui.services.savings.mandates import MANDATE_ROLES, MANDATE_STATUSES, MandateView
from mifin_tui.widgets import DateInput, FieldError, FormSelect, MoneyInput, TextField
from mifin_tui.widgets.formatting import fmt_amount, fmt_date

NO, YES = "no", "yes"


class HoldsScreen(SavingsFormScreen):
    TITLE_MSGID = N_("Holds and mandataires")
    BINDINGS = [
        Binding("f2", "submit", N_("Block"), id="holds.place"),
        Binding("f4", "release", N_("Release"), id="holds.release"),
        Binding("f6", "add_mandate", N_("Add mandataire"), id="holds.mandate"),
        Binding("f7", "revoke", N_("Revoke"), id="holds.revoke"),
    ]

    def __init__(self, ctx, account_id: int | None = None, **kwargs) -> None:
        super().__init__(ctx, account_id, **kwargs)
        self.holds: list[HoldView] = []
        self.mandates: list[MandateView] = []

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form", can_focus=False):
            yield from self.compose_account()
            yield DataTable(id="holds", cursor_type="row")
            yield from self.field_row(_("Amount to block"), MoneyInput(
                self.account.currency if self.account else "USD", id="amount"), "amount")
            yield from self.field_row(_("Reason"), FormSelect(
                [(_(label), key) for key, label in HOLD_REASONS.items()], id="reason",
                value="collateral", allow_blank=False), "reason")
            yield from self.field_row(_("Note"), TextField(id="note", max_length=120),
                                      "note")
            yield Static(_("Mandataires and signatories (F6 adds, F7 revokes):"),
                         classes="hint", markup=False)
            yield DataTable(id="mandates", cursor_type="row")
            yield from self.field_row(_("Full name"), TextField(id="full_name", max_length=80),
                                      "full_name")
            yield from self.field_row(_("ID document"), TextField(id="id_type", max_length=40),
                                      "id_type")
            yield from self.field_row(_("ID number"), TextField(id="id_number", max_length=40),
                                      "id_number")
            yield from self.field_row(_("Role"), FormSelect(
                [(_(label), key) for key, label in MANDATE_ROLES.items()], id="role",
                value="mandataire", allow_blank=False), "role")
            yield from self.field_row(_("Holder signed"), FormSelect(
                [(_("no"), NO), (_("yes"), YES)], id="consent_signed", value=NO,
                allow_blank=False), "consent_signed")
            yield from self.field_row(_("Signed on"), DateInput(id="consent_on"),
                                      "consent_on")
            yield from self.field_row(_("Procuration ref."), TextField(
                id="consent_reference", max_length=60), "consent_reference")
            yield FieldError(id="error-form")
            yield Static("", id="holds-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#holds", DataTable)
        for title, width in ((_("No."), 4), (_("Amount"), 14), (_("Reason"), 16),
                             (_("Placed by"), 16), (_("Process"), 12)):
            table.add_column(title, width=width)
        mandates = self.query_one("#mandates", DataTable)
        for title, width in ((_("No."), 4), (_("Name"), 24), (_("Role"), 12),
                             (_("Status"), 22)):
            mandates.add_column(title, width=width)
        super().on_mount()
        self.show_holds()

    def focus_after_account(self) -> None:
        self.query_one("#amount").focus()

    def summary_lines(self) -> list[str]:
        lines = super().summary_lines()
        if self.account is not None:
            names = [f"{m.full_name} ({_(MANDATE_ROLES.get(m.role, m.role))})"
                     for m in self.account.mandates]
            lines.append(_("May sign: {names}").format(names="; ".join(
                [_("the holder")] + names))[:156])
        return lines

    def account_changed(self) -> None:
        super().account_changed()
        if self.account is not None:
            self.query_one("#amount", MoneyInput).currency = self.account.currency
        self.show_holds()

    def show_holds(self) -> None:
        table = self.query_one("#holds", DataTable)
        table.clear()
        mandates = self.query_one("#mandates", DataTable)
        mandates.clear()
        self.holds, self.mandates = [], []
        if self.account is None:
            return
        ok, self.holds = self.call_service(savings_holds.list_holds, self.ctx, self.account.id)
        for h in self.holds or []:
            table.add_row(Text(str(h.id)), Text(fmt_amount(h.amount, h.currency),
                                                justify="right"),
                          Text(_(HOLD_REASONS.get(h.reason, h.reason)), no_wrap=True),
                          Text(h.created_by, no_wrap=True, overflow="ellipsis"),
                          Text(h.process, no_wrap=True, overflow="ellipsis"))
        self.holds = self.holds or []
        ok, self.mandates = self.call_service(savings_mandates.account_mandates, self.ctx,
                                              self.account.id)
        for m in self.mandates or []:
            mandates.add_row(Text(str(m.id)), Text(m.full_name, no_wrap=True,
                                                   overflow="ellipsis"),
                             Text(_(MANDATE_ROLES.get(m.role, m.role)), no_wrap=True),
                             Text(_(MANDATE_STATUSES.get(m.status, m.status)), no_wrap=True))
        self.mandates = self.mandates or []

    def _done(self, text: str) -> None:
        self.reload_account()
        self.show_holds()
        self.query_one("#holds-result", Static).update(text)

    def _need_account(self) -> bool:
        if self.account is None and not self.load_number():
            self.show_errors({"account": _("Choose the account first.")})
            return False
        return True

    def action_submit(self) -> None:
        self.clear_errors()
        if not self._need_account():
            return
        field = self.query_one("#amount", MoneyInput)
        field.check()
        if field.amount is None:
            self.show_errors({"amount": _("Enter an amount greater than zero.")})
            return
        amount = field.amount
        reason = str(self.query_one("#reason", FormSelect).value)
        note = self.query_one("#note", TextField).value
        acc = self.account

        def place() -> None:
            ok, hold = self.call_service(savings_holds.place_hold, self.ctx, acc.id, amount,
                                         reason, note=note)
            if ok:
                field.value = ""
                self._done(_("Hold no. {id} placed: {amount} blocked.").format(
                    id=hold.id, amount=fmt_amount(hold.amount, hold.currency)))

        self.app.push_screen(ConfirmDialog(
            _("Block {amount} on {number}?").format(amount=fmt_amount(amount, acc.currency),
                                                    number=acc.number),
            [_(HOLD_REASONS.get(reason, reason)) + (f": {note}" if note.strip() else "")]),
            callback=lambda yes: place() if yes else None)

    def action_release(self) -> None:
        self.clear_errors()
        table = self.query_one("#holds", DataTable)
        if not self.holds or not 0 <= table.cursor_row < len(self.holds):
            self.show_form_error(_("No hold to release on this account."))
            return
        hold = self.holds[table.cursor_row]
        lines = [_("Hold no. {id}: {amount}, {reason}, placed by {who} ({process}).").format(
            id=hold.id, amount=fmt_amount(hold.amount, hold.currency),
            reason=_(HOLD_REASONS.get(hold.reason, hold.reason)), who=hold.created_by,
            process=hold.process)]
        if hold.note:
            lines.append(hold.note)
        self.app.push_screen(NoteDialog(
            _("Release the hold?"), lines,
            lambda reason: savings_holds.release_hold(self.ctx, hold.id, reason),
            note_label=_("Reason for the release (required)"),
            hint=_("F2 or Enter releases the amount; Escape goes back, the hold stays.")),
            callback=lambda done: self._done(_("Hold no. {id} released.").format(id=hold.id))
            if done is not None else None)

    def action_add_mandate(self) -> None:
        self.clear_errors()
        if not self._need_account():
            return
        when = self.query_one("#consent_on", DateInput)
        when.check()
        ok, m = self.call_service(
            savings_mandates.add_mandate, self.ctx, self.account.id,
            self.query_one("#full_name", TextField).value,
            id_type=self.query_one("#id_type", TextField).value,
            id_number=self.query_one("#id_number", TextField).value,
            role=str(self.query_one("#role", FormSelect).value),
            consent_signed=self.query_one("#consent_signed", FormSelect).value == YES,
            consent_on=when.value_date,
            consent_reference=self.query_one("#consent_reference", TextField).value)
        if ok:
            for name in ("full_name", "id_type", "id_number", "consent_reference",
                         "consent_on"):
                self.query_one(f"#{name}").value = ""
            self.query_one("#consent_signed", FormSelect).value = NO
            self._done(_("{name} is recorded: he may sign once the manager approves him.")
                       .format(name=m.full_name))

    def action_revoke(self) -> None:
        self.clear_errors()
        table = self.query_one("#mandates", DataTable)
        if not self.mandates or not 0 <= table.cursor_row < len(self.mandates):
            self.show_form_error(_("No mandataire to revoke on this account."))
            return
        m = self.mandates[table.cursor_row]
        consent = fmt_date(m.consent_on) if m.consent_on else "-"
        self.app.push_screen(NoteDialog(
            _("Revoke the mandate of {name}?").format(name=m.full_name),
            [_("{role} on {number}, procuration {reference} of {date}.").format(
                role=_(MANDATE_ROLES.get(m.role, m.role)), number=m.account_number,
                reference=m.consent_reference or "-", date=consent)],
            lambda reason: savings_mandates.revoke_mandate(self.ctx, m.id, reason),
            note_label=_("Reason (the holder's letter, ...)"),
            hint=_("F2 or Enter revokes; Escape goes back.")),
            callback=lambda done: self._done(_("{name} may no longer sign.").format(
                name=m.full_name)) if done is not None else None)
