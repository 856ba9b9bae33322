"""MoneyInput: an amount in a currency, read the way a cashier types it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from mifin_tui.i18n import _
from mifin_tui.services.kernel.money import AmountError, get_currency, parse_amount
from mifin_tui.widgets.checked_input import CheckedInput
from mifin_tui.widgets.formatting import fmt_amount


class MoneyInput(CheckedInput[int]):
    """`.amount` is the amount in minor units, or None while the field is empty or wrong.

    The currency comes from the account the amount goes to; setting `currency`
    re-reads the field. While typing, the line under the field shows the amount as
    it will be posted ("= 15 000 FCFA"), so a missing or extra zero is seen before
    Enter; on leaving the field the amount is rewritten in full.
    """

    DEFAULT_CSS = """
    MoneyInput > .money-preview {
        height: 1;
        color: $text-muted;
    }
    """

    def __init__(self, currency: str, value: str = "", *, allow_zero: bool = False,
                 placeholder: str = "", id: str | None = None,
                 classes: str | None = None) -> None:
        get_currency(currency)  # an unknown code is a programming error, raise now
        super().__init__(value, placeholder=placeholder, id=id, classes=classes)
        self._currency = currency
        self.allow_zero = allow_zero

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static("", classes="money-preview", markup=False)

    @property
    def preview(self) -> str:
        return str(self.query_one(".money-preview", Static).render())

    def on_input_changed(self, event: Input.Changed) -> None:
        try:
            text = "= " + fmt_amount(parse_amount(event.value, self._currency), self._currency)
        except AmountError:
            text = ""
        self.query_one(".money-preview", Static).update(text if event.value.strip() else "")

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
