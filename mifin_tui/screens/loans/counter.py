"""What the loan screens at the counter share: the loan found by its number, the
confirmation before posting, and the posting that prints its voucher.

The repayment, the repayment reversal, the write-off and the recovery all find a loan
from the `#loan` field, show what will be posted in a ConfirmDialog, and post through a
service whose refusal is shown at the fields it names; the cash ones then print the BR
and clear the `#amount` field for the next payment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mifin_tui.i18n import _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.loans import repayments
from mifin_tui.widgets import MoneyInput, TextField


class LoanForm(FormMixin, MifinScreen):
    """A form about one loan, typed in `#loan`: Enter finds it and shows it (`show`),
    then focuses `AFTER_FIND` (a selector) or the next field."""

    AUTO_FOCUS = "#loan"
    AFTER_FIND: str | None = None

    def __init__(self, ctx: Context, loan_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.loan_id = loan_id

    def find(self) -> bool:
        """The loan of the number typed becomes `loan_id`; False (shown) when none is."""
        self.clear_errors()
        ok, loan_id = self.call_service(repayments.find_loan, self.ctx,
                                        self.query_one("#loan", TextField).value)
        if ok:
            self.loan_id = loan_id
        return ok

    def show(self) -> bool:
        """Show what the form says of `loan_id`; False (and why, shown) when it cannot
        go on with that loan."""
        raise NotImplementedError

    async def field_entered(self, field) -> None:
        if getattr(field, "id", None) == "loan":
            if self.find() and self.show():
                if self.AFTER_FIND is None:
                    self.focus_next()
                else:
                    self.query_one(self.AFTER_FIND).focus()
            return
        await super().field_entered(field)


def posting_hint(password: bool = False) -> str:
    """The hint of a confirmation that posts a BR and prints it."""
    if password:
        return _("Your password, then Enter or F2 posts it and prints the BR; Escape goes "
                 "back, nothing is posted.")
    return _("F2 or Enter posts it and prints the BR; Escape goes back, nothing is posted.")


def confirm(screen: MifinScreen, title: str, lines: Sequence[str], then: Callable[[], None],
            hint: str | None = None, *, password: bool = False) -> None:
    """Ask with a ConfirmDialog (`hint`: the BR one by default); `then` runs on yes.
    `password`: the money moves, the actor types his password to confirm."""
    screen.app.push_screen(
        ConfirmDialog(title, list(lines), hint=hint or posting_hint(password),
                      password=password),
        callback=lambda yes: then() if yes else None)


def post_voucher(screen: FormMixin, service: Callable[..., Any], *args: Any,
                 **kwargs: Any) -> Any | None:
    """Post through `service` (its refusal shown at the fields); once posted, print the
    receipt's voucher and clear `#amount` for the next payment. The receipt, or None."""
    ok, receipt = screen.call_service(service, *args, **kwargs)
    if not ok:
        return None
    print_voucher(screen.app, receipt.doc)  # type: ignore[attr-defined]
    screen.query_one("#amount", MoneyInput).value = ""  # type: ignore[attr-defined]
    return receipt
