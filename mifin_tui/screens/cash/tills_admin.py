"""Tills (administrator): the branch's vault and tills, and from the list add a till."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Label, SelectionList, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.cash.till_table import TillTableMixin
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.services.cash import tills
from mifin_tui.services.cash.tills import TillView
from mifin_tui.services.kernel import institution, regulators
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.widgets import ChoiceList, FieldError, TextField
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


def kind_word(till: TillView) -> str:
    return _("Vault") if till.kind == "vault" else _("Till")


def holder_word(till: TillView) -> str:
    """Who holds the till now, in words; a vault is never opened by a cashier."""
    if till.kind == "vault":
        return "-"
    if till.session is None:
        return _("CLOSED (free)")
    return _("OPEN by {cashier}").format(cashier=till.session.cashier)


def cell(text: str) -> Text:
    return Text(text, no_wrap=True, overflow="ellipsis")


def wrapped(text: str) -> Text:
    """A cell that may take the two lines of its row ("OPEN by" over the name)."""
    return Text(text, overflow="ellipsis")


def branch_currencies(ctx: Context) -> tuple[str, ...]:
    """The currencies a till may hold: those of the institution's regulator profile."""
    return regulators.get_profile(institution.info(ctx.branch_id).regulator).currencies


class TillsScreen(TillTableMixin, MifinScreen):
    TITLE_MSGID = N_("Tills")
    AUTO_FOCUS = "#tills"
    BINDINGS = [Binding("f2,ctrl+n", "add", N_("Add"), id="tills.add")]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.tills: list[TillView] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="tills", cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#tills", DataTable)
        # One line per currency, its code beside its balance; at least two lines a row so a
        # long name or "OPEN by ..." wraps. 66 columns of cells and 12 of padding leave room
        # for a scroll bar at 80 columns.
        table.add_column(_("Code"), width=6)
        table.add_column(_("Name"), width=14)
        table.add_column(_("Kind"), width=6)
        table.add_column(_("Currency"), width=6)
        table.add_column(Text(_("Cash in the books"), justify="right",
                              overflow="ellipsis", no_wrap=True), width=15)
        table.add_column(_("State"), width=19)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the list again, keeping the cursor on `select` (a till code) if given."""
        try:
            self.tills = tills.branch_tills(self.ctx)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one("#tills", DataTable)
        keep = select or (self.current.code if self.current else None)
        table.clear()
        for till in self.tills:
            table.add_row(
                cell(till.code), wrapped(till.name), cell(kind_word(till)),
                Text("\n".join(till.currencies)),
                Text("\n".join(fmt_amount(till.balances.get(cur, 0), cur, symbol=False)
                               for cur in till.currencies), justify="right"),
                wrapped(holder_word(till)),
                height=max(2, len(till.currencies)), key=till.code)
        row = next((i for i, t in enumerate(self.tills) if t.code == keep), 0)
        if self.tills:
            table.move_cursor(row=row)
        self.show_detail()

    def show_detail(self) -> None:
        till = self.current
        detail = self.query_one("#detail", Static)
        if till is None:
            detail.update(_("This branch has no till yet: press F2 to add one."))
            return
        # Two lines: who holds it, then its cash (an amount must not break across lines).
        if till.kind == "vault":
            holder = _("Vault {code} ({name}): cashiers draw on it by vault transfers.")
        elif till.session is None:
            holder = _("Till {code} ({name}): no cashier holds it.")
        else:
            holder = _("Till {code} ({name}): open by {cashier} for the day of {day}.")
        cash = " · ".join(fmt_amount(till.balances.get(cur, 0), cur) for cur in till.currencies)
        detail.update("\n".join((
            holder.format(code=till.code, name=till.name,
                          cashier=till.session.cashier if till.session else "",
                          day=fmt_date(till.session.business_date) if till.session else ""),
            _("Cash in the books: {cash}.").format(cash=cash))))

    def action_add(self) -> None:
        def added(code: str | None) -> None:
            if code:
                self.reload(select=code)
                self.notify(_("Till {code} added; a cashier can open it now.").format(
                    code=code))

        self.app.push_screen(AddTillScreen(self.ctx), callback=added)


class AddTillScreen(FormMixin, MifinScreen):
    """Dismissed with the new till's code, or None if the administrator goes back."""

    TITLE_MSGID = N_("Add a till")
    AUTO_FOCUS = "#code"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="till_form.save")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield from self.field_row(_("Till code"), TextField(id="code", max_length=16), "code")
            yield from self.field_row(_("Name"), TextField(id="name", max_length=60), "name")
            with Horizontal(classes="row"):
                yield Label(_("Currencies (Space ticks)"), markup=False)
                yield ChoiceList(*((cur, cur, False) for cur in branch_currencies(self.ctx)),
                                 id="currencies", classes="submit-on-enter")
            yield FieldError(id="error-currencies", classes="row-error")
            yield FieldError(id="error-form")

    def action_submit(self) -> None:
        self.clear_errors()
        value = lambda name: self.query_one(f"#{name}", TextField).value  # noqa: E731
        currencies = list(self.query_one("#currencies", SelectionList).selected)
        ok, till = self.call_service(tills.create_till, self.ctx, value("code"),
                                     value("name"), currencies)
        if not ok:
            return
        self.dismiss(till.code)
