"""AccountNumberInput: an account number whose check digits must agree."""

from __future__ import annotations

from mifin_tui.i18n import _
from mifin_tui.services.kernel.numbering import CheckDigitsMismatch, normalize_account_number
from mifin_tui.widgets.checked_input import CheckedInput


class AccountNumberInput(CheckedInput[str]):
    """`.account_number` is the number in its printed form, or None.

    A mistyped digit fails the check digits and is refused here, before any
    lookup: a wrong number must never reach another member's account.
    """

    def __init__(self, value: str = "", *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(value, placeholder=_("e.g. KIN-21-0000123-45"), id=id,
                         classes=classes)

    @property
    def account_number(self) -> str | None:
        return self.parsed

    def parse(self, text: str) -> str:
        try:
            return normalize_account_number(text)
        except CheckDigitsMismatch:
            raise ValueError(_("Wrong check digits: this account number is mistyped.")) \
                from None
        except ValueError:  # MalformedAccountNumber
            raise ValueError(_("An account number looks like KIN-21-0000123-45.")) from None
