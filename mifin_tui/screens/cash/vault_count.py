"""Count the vault (coffre) with two people before the closing.

The one who counts types the billetage (the books and the difference show live); F2
records the count, then the second person (the gérant, or another user allowed to
confirm) types his user name and password on the same screen. Escape leaves the count
waiting: the second person confirms it later from this screen in his own session (F4),
or refuses it (F6) and the vault is counted again. A difference goes to suspense on the
counter's name and the gérant decides it (Cash differences).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.cash.till_count import count_line
from mifin_tui.screens.common.base import DialogScreen, FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog, NoteDialog
from mifin_tui.services.cash import tills, vault
from mifin_tui.services.cash.tills import TillView
from mifin_tui.services.cash.vault import VaultCountView
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.widgets import Billetage, FieldError, MifinFooter, QuantityField, TextField

STATUS_WORDS = {"pending": N_("WAITING for the second person"), "confirmed": N_("CONFIRMED"),
                "rejected": N_("REFUSED: count again")}


def count_lines(c: VaultCountView) -> list[str]:
    lines = [_("Vault count of {name}: {state}.").format(
        name=c.counted_by, state=_(STATUS_WORDS.get(c.status, c.status)))]
    lines += [count_line(cur, c.counted[cur], c.book[cur]) for cur in c.counted]
    if c.confirmed_by:
        lines.append(_("Second person: {name}.").format(name=c.confirmed_by))
    if c.difference_vouchers:
        lines.append(_("The difference waits in suspense for the manager: {numbers}.").format(
            numbers=", ".join(c.difference_vouchers)))
    return lines


class WitnessDialog(FormMixin, DialogScreen):
    """The second person confirms the count with his own user name and password."""

    AUTO_FOCUS = "#username"
    BINDINGS = [Binding("f2", "submit", N_("Confirm"), id="witness.ok")]

    def __init__(self, ctx: Context, count: VaultCountView) -> None:
        super().__init__()
        self.ctx = ctx
        self.count = count
        self.done = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Second person: confirm the count"), classes="screen-title",
                         markup=False)
            yield Static("\n".join(count_lines(self.count)[1:]), markup=False)
            yield Label(_("User name"), markup=False)
            yield TextField(id="username", max_length=64)
            yield FieldError(id="error-username")
            yield Label(_("Password"), markup=False)
            yield TextField(id="password", password=True, max_length=128)
            yield FieldError(id="error-password")
            yield Label(_("Note (optional)"), markup=False)
            yield TextField(id="note", max_length=200, classes="submit-on-enter")
            yield FieldError(id="error-form")
            yield Static(_("F2 confirms; Escape: the count waits for the second person."),
                         classes="hint", markup=False)
        yield MifinFooter()

    def action_submit(self) -> None:
        if self.done:
            return
        self.clear_errors()
        value = {name: self.query_one(f"#{name}", TextField).value
                 for name in ("username", "password", "note")}
        ok, result = self.call_service(vault.confirm_with_password, self.ctx, self.count.id,
                                       value["username"], value["password"], value["note"])
        self.query_one("#password", TextField).value = ""
        if ok:
            self.done = True
            self.dismiss(result)


class VaultCountScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Count the vault")
    BINDINGS = [
        Binding("f2", "submit", N_("Record the count"), id="vault_count.submit"),
        Binding("f4", "confirm_waiting", N_("Confirm it"), id="vault_count.confirm"),
        Binding("f6", "reject_waiting", N_("Refuse it"), id="vault_count.reject"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.vault: TillView | None = None
        self.current: VaultCountView | None = None
        try:
            self.vault = vault.vault_view(ctx)
            self.current = vault.today(ctx)
        except MifinError as exc:
            self.problem = str(exc)
        else:
            self.problem = ""

    def compose_body(self) -> ComposeResult:
        yield Static("", id="vault-state", classes="summary", markup=False)
        with VerticalScroll(id="count-form", classes="form", can_focus=False):
            if self.vault is not None:
                yield Billetage({cur: tills.denominations(cur) for cur in self.vault.currencies},
                                self.vault.balances, id="billetage")
            with Horizontal(classes="row"):
                yield Label(_("Note (if it differs)"), markup=False)
                yield TextField(id="note", max_length=200, classes="submit-on-enter",
                                placeholder=_("why the count differs from the books"))
            yield FieldError(id="error-note", classes="row-error")
            yield FieldError(id="error-form")

    def on_mount(self) -> None:
        self.show_state()
        fields = list(self.query(QuantityField))
        if fields and not self.waiting_for_me:
            fields[0].focus()

    @property
    def waiting_for_me(self) -> bool:
        """A count by someone else waits for this user's confirmation."""
        c = self.current
        return bool(c and c.status == "pending" and c.counted_by_id != self.ctx.user_id
                    and self.ctx.can("vault.confirm"))

    def show_state(self) -> None:
        if self.problem:
            lines = [self.problem]
        elif self.current is None:
            lines = [_("The vault is not counted today. Count it with a second person: "
                       "Enter goes to the next line; F2 records the count.")]
        else:
            lines = count_lines(self.current)
            if self.waiting_for_me:
                lines.append(_("F4 confirms this count as the second person; F6 refuses it."))
            elif self.current.status == "confirmed":
                lines.append(_("Counting again (F2) replaces it if the vault moved."))
        self.query_one("#vault-state", Static).update("\n".join(lines))
        self.refresh_bindings()

    async def field_entered(self, field: Widget) -> None:
        if isinstance(field, QuantityField) and not self.query_one(Billetage).check_field(field):
            return
        await super().field_entered(field)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return self.vault is not None
        if action in ("confirm_waiting", "reject_waiting"):
            return self.waiting_for_me
        return True

    def reload(self) -> None:
        try:
            self.vault = vault.vault_view(self.ctx)
            self.current = vault.today(self.ctx)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        self.query_one(Billetage).set_book(self.vault.balances)
        self.show_state()

    # --- the count ----------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.vault is None or self.app.screen is not self:
            return
        self.clear_errors()
        billetage = self.query_one(Billetage)
        counts, errors = billetage.read()
        if errors:
            self.show_errors(errors)
            return
        note = self.query_one("#note", TextField).value
        lines = [count_line(cur, sum(d * q for d, q in counts[cur].items()),
                            self.vault.balances.get(cur, 0)) for cur in self.vault.currencies]
        lines.append(_("A second person then confirms it with his password."))
        if billetage.has_difference():
            lines.append(_("The difference will wait in suspense on your name for the "
                           "manager's decision."))

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.record(counts, note)

        self.app.push_screen(ConfirmDialog(_("Record this vault count?"), lines),
                             callback=confirmed)

    def record(self, counts: dict[str, dict[int, int]], note: str) -> None:
        ok, result = self.call_service(vault.record_count, self.ctx, counts, note)
        if not ok:
            return
        self.current = result
        self.show_state()
        self.app.push_screen(WitnessDialog(self.ctx, result), callback=self.witnessed)

    def witnessed(self, done: VaultCountView | None) -> None:
        self.reload()
        if done is None:
            self.notify(_("The count waits for the second person."))

    # --- the second person, in his own session -------------------------------------------

    def action_confirm_waiting(self) -> None:
        c = self.current
        if c is None or not self.waiting_for_me or self.app.screen is not self:
            return
        self.app.push_screen(NoteDialog(
            _("Confirm the vault count of {name}?").format(name=c.counted_by),
            count_lines(c)[1:], lambda note: vault.confirm(self.ctx, c.id, note),
            note_label=_("Note (optional)"),
            hint=_("F2 or Enter confirms; Escape goes back.")),
            callback=lambda done: self.reload())

    def action_reject_waiting(self) -> None:
        c = self.current
        if c is None or not self.waiting_for_me or self.app.screen is not self:
            return
        self.app.push_screen(NoteDialog(
            _("Refuse the vault count of {name}?").format(name=c.counted_by),
            count_lines(c)[1:], lambda note: vault.reject(self.ctx, c.id, note),
            note_label=_("Reason for the refusal (required)"),
            hint=_("F2 or Enter refuses; Escape goes back.")),
            callback=lambda done: self.reload())
