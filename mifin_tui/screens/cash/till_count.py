"""Counting a till (billetage) to open or close it.

The cashier types how many of each note and coin he holds; the total of each
currency shows beside the ledger balance ("books") and the difference, live. A
difference needs a note (the service says so, at the note). F2 shows what will be
recorded and asks for confirmation; the service then records the count and holds
any difference in suspense on the cashier's name for the gérant (Cash differences).

- `TillCountScreen(ctx, till, "open")` is pushed by the Open my till screen and
  dismisses with the CountResult.
- `CloseTillScreen(ctx)` is the Close my till entry: the cashier's own till, then
  the offer to print the till's cash journal of the day.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.services.cash import journal as cash_journal
from mifin_tui.services.cash import tills
from mifin_tui.services.cash.tills import CountResult, TillView
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.widgets import Billetage, FieldError, QuantityField, TextField, difference_word
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


def count_line(currency: str, counted: int, book: int) -> str:
    diff = counted - book
    return _("{currency}: counted {counted}, books {book}, difference {difference} "
             "({word}).").format(
        currency=currency, counted=fmt_amount(counted, currency),
        book=fmt_amount(book, currency), difference=fmt_amount(diff, currency),
        word=difference_word(diff))


def result_lines(result: CountResult) -> list[str]:
    """What a recorded count says: the till's state, each currency, the vouchers."""
    s = result.session
    if result.moment == "open":
        head = _("Till {till} is open for {date}.").format(
            till=s.till_code, date=fmt_date(s.business_date))
    else:
        head = _("Till {till} is closed.").format(till=s.till_code)
    lines = [head]
    lines += [count_line(cur, result.counted[cur], result.book[cur]) for cur in result.counted]
    if result.difference_vouchers:
        n = len(result.difference_vouchers)
        lines.append(ngettext("The difference waits for the manager's decision, posted "
                              "to suspense with voucher {numbers}.",
                              "The differences wait for the manager's decision, posted "
                              "to suspense with vouchers {numbers}.", n)
                     .format(numbers=", ".join(result.difference_vouchers)))
    return lines


class TillCountScreen(FormMixin, MifinScreen):
    """The count of `till` at its opening or closing; dismisses with the CountResult
    (opening) or shows it in place (closing)."""

    TITLE_MSGID = N_("Count the till")
    BINDINGS = [Binding("f2", "submit", N_("Confirm the count"), id="count.submit")]

    def __init__(self, ctx: Context, till: TillView | None, moment: str = "open",
                 **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.till = till
        self.moment = moment
        self.result: CountResult | None = None

    # --- layout -------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("", id="count-intro", classes="summary", markup=False)
        with VerticalScroll(id="count-form", classes="form", can_focus=False):
            if self.till is not None:
                yield Billetage({cur: tills.denominations(cur) for cur in self.till.currencies},
                                self.till.balances, id="billetage")
            with Horizontal(classes="row"):
                yield Label(_("Note (if it differs)"), markup=False)
                yield TextField(id="note", max_length=200, classes="submit-on-enter",
                                placeholder=_("why the count differs from the books"))
            yield FieldError(id="error-note", classes="row-error")
            yield FieldError(id="error-form")
        yield Static("", id="count-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        self.query_one("#count-result").display = False
        if self.till is None:
            return
        self.query_one("#count-intro", Static).update(self.intro())
        fields = list(self.query(QuantityField))
        if fields:
            fields[0].focus()

    def intro(self) -> str:
        assert self.till is not None
        if self.moment == "open":
            return _("Till {till}: count the notes and coins you receive. Enter goes to the "
                     "next line; F2 opens the till.").format(till=self.till.code)
        return _("Till {till}: count the notes and coins in the drawer. Enter goes to the "
                 "next line; F2 closes the till.").format(till=self.till.code)

    def show_message(self, lines: list[str]) -> None:
        """Replace the form by a message (the count is done, or cannot be made)."""
        self.query_one("#count-form").display = False
        self.query_one("#count-intro").display = False
        result = self.query_one("#count-result", Static)
        result.update("\n".join(lines))
        result.display = True
        self.refresh_bindings()

    # --- keys ---------------------------------------------------------------------------

    async def field_entered(self, field: Widget) -> None:
        if isinstance(field, QuantityField) and not self.query_one(Billetage).check_field(field):
            return  # stay on a count that cannot be read; the message is under it
        await super().field_entered(field)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return self.till is not None and self.result is None
        return True

    # --- recording ----------------------------------------------------------------------

    def refresh_books(self) -> None:
        """The ledger balance may have moved (a supply approved meanwhile): read it again."""
        assert self.till is not None
        try:
            fresh = next((t for t in tills.list_tills(self.ctx) if t.id == self.till.id), None)
        except MifinError:
            return
        if fresh is not None:
            self.till = fresh
            self.query_one(Billetage).set_book(fresh.balances)

    def action_submit(self) -> None:
        if self.till is None or self.result is not None:
            return
        if self.app.screen is not self:
            return  # a confirmation is already open (an Enter typed twice)
        self.clear_errors()
        billetage = self.query_one(Billetage)
        counts, errors = billetage.read()
        if errors:
            self.show_errors(errors)
            return
        self.refresh_books()
        note = self.query_one("#note", TextField).value
        lines = [count_line(cur, sum(d * q for d, q in counts[cur].items()),
                            self.till.balances.get(cur, 0)) for cur in self.till.currencies]
        if note.strip():
            lines.append(_("Note: {note}").format(note=note.strip()))
        if self.moment == "open":
            title = _("Open till {till} with this count?").format(till=self.till.code)
        else:
            title = _("Close till {till} with this count?").format(till=self.till.code)
            lines.append(_("Once closed, the till takes no more postings today."))
        if billetage.has_difference():
            lines.append(_("The difference will wait in suspense on your name for the "
                           "manager's decision."))

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.record(counts, note)

        self.app.push_screen(ConfirmDialog(title, lines), callback=confirmed)

    def record(self, counts: dict[str, dict[int, int]], note: str) -> None:
        assert self.till is not None
        if self.moment == "open":
            ok, result = self.call_service(tills.open_session, self.ctx, self.till.id,
                                           counts, note)
        else:
            ok, result = self.call_service(tills.close_session, self.ctx, counts, note)
        if not ok:
            return
        self.result = result
        refresh = getattr(self.app, "refresh_status", None)
        if refresh is not None:
            refresh()  # the status line shows the till (or no more)
        self.recorded(result)

    def recorded(self, result: CountResult) -> None:
        self.dismiss(result)


class CloseTillScreen(TillCountScreen):
    """Close my till: the final count of the cashier's own till, then the cash journal."""

    TITLE_MSGID = N_("Close my till")

    def __init__(self, ctx: Context) -> None:
        session, till = None, None
        try:
            session = tills.my_session(ctx)
            if session is not None:
                till = next((t for t in tills.list_tills(ctx) if t.id == session.till_id),
                            None)
        except MifinError:
            pass
        super().__init__(ctx, till, "close")
        self.session = session
        self.printed: list[str] = []

    def on_mount(self) -> None:
        super().on_mount()
        if self.till is None:
            self.show_message([_("You have no open till: there is nothing to close."),
                               _("Open one with Open my till.")])

    def recorded(self, result: CountResult) -> None:
        self.lines = result_lines(result)
        self.show_message(self.lines)
        if not self.ctx.can("cashjournal.read"):
            return
        day = result.session.business_date

        def answered(ok: bool | None) -> None:
            if ok:
                self.print_journal(result)

        self.app.push_screen(ConfirmDialog(
            _("Print the cash journal?"),
            [_("The cash journal of till {till} for {date}, for the accounting and the "
               "manager.").format(till=result.session.till_code, date=fmt_date(day))],
            hint=_("F2 or Enter prints it; Escape: not now (it can be printed later from "
                   "Cash journal).")), callback=answered)

    def print_journal(self, result: CountResult) -> None:
        from mifin_tui.screens.common.print_jobs import print_cash_journals

        try:
            docs = [cash_journal.cash_journal(self.ctx, result.session.business_date, cur,
                                              result.session.till_code)
                    for cur in result.counted]
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        self.show_message([*self.lines, "", _("Printing the cash journal...")])
        print_cash_journals(self.app, docs, on_done=self.printed_one)

    def printed_one(self, outcome: PrintOutcome) -> None:
        self.printed.append(outcome.message)
        self.show_message([*self.lines, "", *self.printed])
