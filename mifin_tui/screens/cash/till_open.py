"""Open my till: choose a till of the branch, count it, open it for the business day.

If the cashier already holds a till, the screen says so and goes no further: a
session survives a dropped connection, and the same cashier simply carries on.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.cash.till_count import TillCountScreen, result_lines
from mifin_tui.screens.cash.till_table import TillTableMixin
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.cash import tills
from mifin_tui.services.cash.tills import CountResult, SessionView, TillView
from mifin_tui.services.kernel import institution
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


def till_state(till: TillView, ctx: Context) -> str:
    """OPEN by whom, or CLOSED: in words."""
    if till.session is None:
        return _("CLOSED (no cashier)")
    if till.session.cashier == ctx.username:
        return _("OPEN (you)")
    return _("OPEN by {user}").format(user=till.session.cashier)


def balances_text(till: TillView) -> str:
    return " · ".join(fmt_amount(till.balances.get(cur, 0), cur) for cur in till.currencies)


class OpenTillScreen(TillTableMixin, MifinScreen):
    TITLE_MSGID = N_("Open my till")
    AUTO_FOCUS = "#tills"
    BINDINGS = [Binding("f5", "refresh", N_("Refresh"), id="open_till.refresh")]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.tills: list[TillView] = []
        self.session: SessionView | None = None
        self.result: CountResult | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="till-message", classes="summary", markup=False)
        yield DataTable(id="tills", cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#tills", DataTable)
        table.add_column(_("Till"), width=6)
        table.add_column(_("Name"), width=12)
        table.add_column(_("State"), width=22)
        table.add_column(_("Cash in the books"), width=28)
        self.action_refresh()

    def action_refresh(self) -> None:
        try:
            self.session = tills.my_session(self.ctx)
            views = tills.list_tills(self.ctx)
        except MifinError as exc:
            self.query_one("#till-message", Static).update(str(exc))
            return
        self.tills = [t for t in views if t.kind == "till"]
        vault = next((t for t in views if t.kind == "vault"), None)
        table = self.query_one("#tills", DataTable)
        table.clear()
        for till in self.tills:
            table.add_row(*(Text(cell, no_wrap=True, overflow="ellipsis") for cell in (
                till.code, till.name, till_state(till, self.ctx), balances_text(till))))
        message = self.query_one("#till-message", Static)
        if self.session is not None:
            message.update("\n".join(self.resume_lines(self.session)))
        elif not self.tills:
            message.update(_("This branch has no till yet: ask the administrator to create "
                             "one."))
        else:
            lines = [_("Choose your till and press Enter to count it.")]
            if vault is not None:
                lines.append(_("Vault: {cash}").format(cash=balances_text(vault)))
            message.update("\n".join(lines))
        self.show_detail()

    def resume_lines(self, session: SessionView) -> list[str]:
        if self.result is not None:
            return result_lines(self.result)
        day = institution.info(self.ctx.branch_id).business_date
        if day is not None and session.business_date != day:
            return [_("Your till {till} is still open from {date}: close it first with "
                      "Close my till.").format(till=session.till_code,
                                               date=fmt_date(session.business_date))]
        return [_("Till {till} is open in your name for {date}.").format(
                    till=session.till_code, date=fmt_date(session.business_date)),
                _("Nothing was lost if your connection dropped: carry on with your work. "
                  "At the end of the day, close it with Close my till.")]

    def show_detail(self) -> None:
        till = self.current
        detail = self.query_one("#detail", Static)
        if till is None:
            detail.update("")
            return
        text = _("{code} {name}: {state}. Cash in the books: {cash}.").format(
            code=till.code, name=till.name, state=till_state(till, self.ctx),
            cash=balances_text(till))
        if till.session is not None:
            text += " " + _("Opened for {date}.").format(
                date=fmt_date(till.session.business_date))
        detail.update(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        till = self.current
        if till is None:
            return
        if self.session is not None:
            self.notify(_("You already hold till {till}.").format(till=self.session.till_code),
                        severity="warning")
            return
        if till.session is not None:
            self.notify(_("Till {till} is already open by {user}.").format(
                till=till.code, user=till.session.cashier), severity="error")
            return
        self.app.push_screen(TillCountScreen(self.ctx, till, "open"), callback=self.opened)

    def opened(self, result: CountResult | None) -> None:
        if result is not None:
            self.result = result
            self.action_refresh()
