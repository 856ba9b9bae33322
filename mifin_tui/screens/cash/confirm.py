"""The last step of every cash operation: what will be posted, then post and print.

A deposit or withdrawal screen asks `cash.preview(...)`, pushes

    ConfirmCashScreen(preview, post=lambda: cash.cash_in(ctx, account_id, amount,
                                                         party_name=..., purpose=...))

and gets back the CashReceipt (posted) or None (the cashier went back, nothing
posted). The dialog shows the voucher series, the account and its holder, the
amount in figures and in words, the balances after, and the ledger lines. On F2
(or Enter) it checks the actor's password (typed in the dialog, #21), then calls
`post`; a wrong password or a refusal (the till was closed meanwhile, the balance
moved) shows in the dialog, which stays open. Once posted, the voucher prints in
the background (print_jobs): a printing failure never undoes the posting.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from mifin_tui.i18n import N_, _, current_language
from mifin_tui.screens.common.base import DialogScreen
from mifin_tui.screens.common.dialogs import ActorPassword
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.services.cash.counter import CashPreview, CashReceipt
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.kernel.words import amount_in_words
from mifin_tui.widgets import FieldError, MifinFooter
from mifin_tui.widgets.formatting import fmt_amount

SERIES_TITLES = {
    "BE": N_("Cash receipt voucher (BE): cash into till {till}"),
    "BS": N_("Cash payment voucher (BS): cash out of till {till}"),
}


def preview_lines(p: CashPreview) -> list[str]:
    """The preview as lines of text, 72 characters at most."""
    money = lambda minor: fmt_amount(minor, p.currency)  # noqa: E731
    rows = [
        (_("Account"), f"{p.account_number}  {p.holder}"),
        (_("Amount"), money(p.amount)),
        (_("In words"), amount_in_words(p.amount, p.currency, current_language())),
    ]
    if p.account_balance_after is not None:
        rows.append((_("Balance after"), money(p.account_balance_after)))
    rows.append((_("Till after"), money(p.till_balance_after)))
    lines = [f"{label[:16]:<16} {value}" for label, value in rows]
    lines.append("")
    lines.append(_("Ledger lines:"))
    lines.append(f"  {_('Account')[:18]:<18} {_('Name')[:20]:<20} {_('Debit'):>14} "
                 f"{_('Credit'):>14}")
    for line in p.lines:
        debit = fmt_amount(line.debit, p.currency, symbol=False) if line.debit else ""
        credit = fmt_amount(line.credit, p.currency, symbol=False) if line.credit else ""
        lines.append(f"  {line.account_number[:18]:<18} {line.account_name[:20]:<20} "
                     f"{debit:>14} {credit:>14}")
    return lines


class ConfirmCashScreen(ActorPassword, DialogScreen):
    """Shows a CashPreview; F2 or Enter posts (through `post`) and prints the voucher.

    Dismisses with the CashReceipt, or None when the cashier goes back (Escape).
    Without `post`, it only confirms: dismisses with True.
    """

    CONFIRMATION = True

    BINDINGS = [
        Binding("f2", "confirm", N_("Confirm and post"), id="cash.confirm"),
        Binding("enter", "confirm", N_("Confirm and post"), id="cash.enter", show=False),
    ]

    def __init__(self, preview: CashPreview, post: Callable[[], CashReceipt] | None = None,
                 *, print_after: bool = True) -> None:
        super().__init__()
        self.preview = preview
        self.post = post
        self.print_after = print_after
        self.receipt: CashReceipt | None = None

    def compose(self) -> ComposeResult:
        p = self.preview
        with VerticalScroll(classes="dialog wide"):
            yield Static(_(SERIES_TITLES.get(p.series, "{till}")).format(till=p.till_code),
                         classes="screen-title", markup=False)
            yield Static("\n".join(preview_lines(p)), id="cash-preview", markup=False)
            yield from self.compose_password()
            yield FieldError(id="error-form")
            yield Static(_("Your password, then Enter or F2 posts it and prints the voucher; "
                           "Escape goes back, nothing is posted."), classes="hint",
                         markup=False)
        yield MifinFooter()

    def on_mount(self) -> None:
        self.focus_password()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        if self.receipt is not None:
            return  # posted already: a second Enter must not post twice
        if not self.password_confirmed():
            return
        if self.post is None:
            self.dismiss(True)
            return
        error = self.query_one("#error-form", FieldError)
        error.clear()
        try:
            receipt = self.post()
        except ValidationError as exc:
            error.show(" ".join(exc.errors.values()))
            return
        except MifinError as exc:
            error.show(str(exc))
            return
        self.receipt = receipt
        if self.print_after:
            print_voucher(self.app, receipt.doc)
        self.dismiss(receipt)
