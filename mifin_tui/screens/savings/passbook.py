"""Passbook printing: the account's lines not yet in the book, printed from the next free
line of the open page (A5 or A6, a setting). F2 prints them; F6 starts a new book."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.print_jobs import run_print_jobs
from mifin_tui.screens.savings.form import SavingsFormScreen
from mifin_tui.services.savings import passbook as savings_passbook
from mifin_tui.services.savings.documents import PassbookDoc
from mifin_tui.widgets import FieldError
from mifin_tui.widgets.formatting import fmt_amount, fmt_date


class PassbookScreen(SavingsFormScreen):
    TITLE_MSGID = N_("Print the passbook")
    BINDINGS = [
        Binding("f2", "submit", N_("Print"), id="passbook.print"),
        Binding("f6", "new_book", N_("New book"), id="passbook.new"),
    ]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form", can_focus=False):
            yield from self.compose_account()
            yield FieldError(id="error-form")
            yield Static("", id="passbook-head", classes="summary", markup=False)
            yield DataTable(id="passbook-lines", cursor_type="row")
            yield Static("", id="passbook-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#passbook-lines", DataTable)
        for title, width in ((_("Date"), 10), (_("Deposit"), 12), (_("Withdrawal"), 12),
                             (_("Balance"), 13), (_("Cashier"), 12)):
            table.add_column(title, width=width)
        if self.account is not None:
            self.show_pending()

    def account_changed(self) -> None:
        super().account_changed()
        self.show_pending()

    def focus_after_account(self) -> None:
        self.query_one("#passbook-lines").focus()

    def show_pending(self) -> None:
        if self.account is None:
            return
        ok, doc = self.call_service(savings_passbook.pending, self.ctx, self.account.id)
        if not ok:
            return
        self.query_one("#passbook-head", Static).update(
            ngettext("{n} line to print, from line {line} of the open page ({fmt}, {per} "
                     "lines)",
                     "{n} lines to print, from line {line} of the open page ({fmt}, {per} "
                     "lines)", len(doc.lines))
            .format(n=len(doc.lines), line=doc.first_line, fmt=doc.page_format,
                    per=doc.lines_per_page))
        table = self.query_one("#passbook-lines", DataTable)
        table.clear()
        cur = doc.currency
        for ln in doc.lines:
            table.add_row(Text(fmt_date(ln.business_date)),
                          Text(fmt_amount(ln.credit, cur, symbol=False) if ln.credit else "",
                               justify="right"),
                          Text(fmt_amount(ln.debit, cur, symbol=False) if ln.debit else "",
                               justify="right"),
                          Text(fmt_amount(ln.balance, cur, symbol=False), justify="right"),
                          Text(ln.cashier, no_wrap=True))

    def action_submit(self) -> None:
        self.clear_errors()
        if self.account is None and not self.load_number():
            self.show_errors({"account": _("Choose the account first.")})
            return
        ok, doc = self.call_service(savings_passbook.take_for_printing, self.ctx,
                                    self.account.id)
        if not ok:
            return
        self.show_pending()
        from mifin_tui.output.savings import print_passbook

        def job(doc: PassbookDoc = doc) -> PrintOutcome:
            try:
                return print_passbook(doc)
            except Exception as exc:  # the lines stay marked; a new book reprints nothing
                return PrintOutcome(False, _("The passbook could not be printed ({error})."
                                             ).format(error=exc))

        self.query_one("#passbook-result", Static).update(
            ngettext("Printing {n} line...", "Printing {n} lines...", len(doc.lines)).format(
                n=len(doc.lines)))
        run_print_jobs(self.app, [job], "print passbook", on_done=self.printed)

    def printed(self, outcome: PrintOutcome) -> None:
        self.query_one("#passbook-result", Static).update(outcome.message)

    def action_new_book(self) -> None:
        if self.account is None:
            return
        ok, _done = self.call_service(savings_passbook.new_book, self.ctx, self.account.id)
        if ok:
            self.query_one("#passbook-result", Static).update(
                _("New passbook: the next print starts on its first line."))
            self.show_pending()
