"""MoneyInput: an amount in a currency, read the way a cashier types it."""

from __future__ import annotations

from mifin_tui.i18n import _
from mifin_tui.services.money import AmountError, get_currency, parse_amount
from mifin_tui.widgets.checked_input import CheckedInput
from mifin_tui.widgets.formatting import fmt_amount


class MoneyInput(CheckedInput[int]):
    """`.amount` is the amount in minor units, or None while the field is empty or wrong.

    The currency comes from the account the amount goes to; setting `currency`
    re-reads the field. On leaving the field the amount is rewritten in full
    ("15000" becomes "15 000 FCFA").
    """

    def __init__(self, currency: str, value: str = "", *, allow_zero: bool = False,
                 placeholder: str = "", id: str | None = None,
                 classes: str | None = None) -> None:
        get_currency(currency)  # an unknown code is a programming error, raise now
        super().__init__(value, placeholder=placeholder, id=id, classes=classes)
        self._currency = currency
        self.allow_zero = allow_zero

    @property
    def currency(self) -> str:
        return self._currency

    @currency.setter
    def currency(self, code: str) -> None:
        get_currency(code)
        self._currency = code
        if self.is_mounted and self.value.strip():
            self.check()

    @property
    def amount(self) -> int | None:
        return self.parsed

    def parse(self, text: str) -> int:
        try:
            minor = parse_amount(text, self._currency)
        except AmountError as exc:
            raise ValueError(str(exc)) from exc
        if minor == 0 and not self.allow_zero:
            raise ValueError(_("The amount must be more than zero."))
        return minor

    def show(self, value: int) -> str:
        return fmt_amount(value, self._currency)
