"""Billetage: the count of a till, note by note, with its total beside the books.

One column per currency (two side by side on 80 columns): a row per note or coin
with the number counted and what they make, then the total counted, the ledger
balance ("books") and the difference, written as a word (SURPLUS, SHORTAGE,
balanced), not only in colour. The widget knows no context: the screen gives it
the denominations and the book balances, and reads the counts back.

Field ids follow the service's field names with dashes: the quantity of 100 USD
notes is `#count-USD-10000`, its message `#error-count-USD-10000`
(ValidationError field "count.USD.10000").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Input, Static

from mifin_tui.i18n import N_, _
from mifin_tui.widgets.fields import FieldError, TextField
from mifin_tui.widgets.formatting import fmt_amount

Counts = dict[str, dict[int, int]]


def difference_word(difference: int) -> str:
    """In words, never by colour alone."""
    if difference > 0:
        return _("SURPLUS")
    if difference < 0:
        return _("SHORTAGE")
    return _("balanced")


def parse_quantity(text: str) -> int:
    """A number of notes or coins: a whole number, zero or more (empty is zero)."""
    compact = "".join(text.split())
    if not compact:
        return 0
    if not compact.isdigit() or not compact.isascii():
        raise ValueError(_("A count is a whole number, zero or more."))
    return int(compact)


class QuantityField(TextField):
    """The number of one note or coin. Up/Down move between the rows (bound on the field,
    so they run in the order typed, see FormKeys)."""

    BINDINGS = [
        Binding("down", "app.focus_next", N_("Next"), show=False, id="count.down"),
        Binding("up", "app.focus_previous", N_("Previous"), show=False, id="count.up"),
    ]

    def __init__(self, currency: str, denomination: int) -> None:
        super().__init__(id=f"count-{currency}-{denomination}", max_length=7,
                         placeholder="0")
        self.currency = currency
        self.denomination = denomination

    @property
    def error_id(self) -> str:
        return f"error-{self.id}"


class CurrencyCount(Vertical):
    """The billetage of one currency."""

    def __init__(self, currency: str, denominations: Sequence[int], book: int, *,
                 totals_beside: bool = False) -> None:
        super().__init__(id=f"billetage-{currency}", classes="currency-count")
        self.currency = currency
        self.denominations = list(denominations)
        self.book = book
        self.totals_beside = totals_beside

    def compose(self) -> ComposeResult:
        if not self.totals_beside:
            yield from self._rows()
            yield Static("", classes="count-totals", markup=False)
            return
        # One currency: the totals beside the rows, so they stay in sight on 24 lines.
        with Horizontal(classes="count-side"):
            with Vertical(classes="count-rows"):
                yield from self._rows()
            yield Static("", classes="count-totals beside", markup=False)

    def _rows(self) -> ComposeResult:
        with Horizontal(classes="count-head"):
            yield Static(self.currency, classes="denomination", markup=False)
            yield Static(_("Number"), classes="quantity-head", markup=False)
            yield Static(_("Amount"), classes="line-amount", markup=False)
        for denom in self.denominations:
            field = QuantityField(self.currency, denom)
            with Horizontal(classes="count-row"):
                yield Static(fmt_amount(denom, self.currency), classes="denomination",
                             markup=False)
                yield field
                yield Static("", id=f"amount-{field.id}", classes="line-amount",
                             markup=False)
            yield FieldError(id=field.error_id)
        yield FieldError(id=f"error-count-{self.currency}")

    def on_mount(self) -> None:
        self.refresh_totals()

    def fields(self) -> list[QuantityField]:
        return list(self.query(QuantityField))

    def read(self) -> tuple[dict[int, int], dict[str, str]]:
        """The quantities typed (zeros left out), and the message of each unreadable one
        by service field name."""
        counts: dict[int, int] = {}
        errors: dict[str, str] = {}
        for field in self.fields():
            try:
                qty = parse_quantity(field.value)
            except ValueError as exc:
                errors[f"count.{self.currency}.{field.denomination}"] = str(exc)
                continue
            if qty:
                counts[field.denomination] = qty
        return counts, errors

    def counted(self) -> int | None:
        """The total counted so far, or None while a quantity is unreadable."""
        counts, errors = self.read()
        if errors:
            return None
        return sum(denom * qty for denom, qty in counts.items())

    def set_book(self, book: int) -> None:
        self.book = book
        self.refresh_totals()

    def refresh_totals(self) -> None:
        money = lambda minor: fmt_amount(minor, self.currency)  # noqa: E731
        counted = self.counted()
        lines = [_("Counted: {amount}").format(
            amount=money(counted) if counted is not None else _("? (a count is wrong)"))]
        lines.append(_("Books: {amount}").format(amount=money(self.book)))
        if counted is not None:
            diff = counted - self.book
            lines.append(_("Difference: {amount} {word}").format(
                amount=money(diff), word=difference_word(diff)))
        else:
            lines.append(_("Difference: ?"))
        self.query_one(".count-totals", Static).update("\n".join(lines))

    def check_field(self, field: QuantityField) -> bool:
        """Read one quantity now, showing its message (or clearing it)."""
        error = self.query_one(f"#{field.error_id}", FieldError)
        amount = self.query_one(f"#amount-{field.id}", Static)
        try:
            qty = parse_quantity(field.value)
        except ValueError as exc:
            error.show(str(exc))
            field.add_class("-invalid")
            amount.update("?")
            return False
        error.clear()
        field.remove_class("-invalid")
        amount.update(fmt_amount(qty * field.denomination, self.currency, symbol=False)
                      if qty else "")
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, QuantityField):
            event.stop()
            field = event.input
            # While typing, show the line's amount; the message waits for Enter or leaving.
            try:
                qty = parse_quantity(field.value)
                text = (fmt_amount(qty * field.denomination, self.currency, symbol=False)
                        if qty else "")
            except ValueError:
                text = "?"
            self.query_one(f"#amount-{field.id}", Static).update(text)
            self.refresh_totals()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if isinstance(event.input, QuantityField):
            self.check_field(event.input)


class Billetage(Grid):
    """The count of every currency of a till, side by side."""

    DEFAULT_CSS = """
    Billetage {
        grid-size: 2;
        grid-gutter: 0 2;
        grid-rows: auto;
        height: auto;
        padding: 0 1;
    }
    Billetage.-single {
        grid-size: 1;
    }
    Billetage .count-side, Billetage .count-rows {
        height: auto;
    }
    Billetage .count-rows {
        width: 40;
    }
    Billetage .count-totals.beside {
        width: 1fr;
        padding-left: 3;
        margin-top: 1;
    }
    Billetage .currency-count {
        height: auto;
    }
    Billetage .count-head, Billetage .count-row {
        height: 1;
    }
    Billetage .count-head {
        text-style: bold;
    }
    Billetage .denomination {
        width: 14;
        padding-right: 1;
        text-align: right;
    }
    Billetage .quantity-head {
        width: 7;
    }
    Billetage QuantityField {
        width: 7;
    }
    Billetage .line-amount {
        width: 1fr;
        text-align: right;
    }
    Billetage .count-totals {
        height: 3;
        text-style: bold;
    }
    """

    def __init__(self, denominations: Mapping[str, Sequence[int]], book: Mapping[str, int],
                 *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-single" if len(denominations) == 1 else "")
        self.denominations = {cur: list(d) for cur, d in denominations.items()}
        self.book = dict(book)

    def compose(self) -> ComposeResult:
        beside = len(self.denominations) == 1
        for cur, denoms in self.denominations.items():
            yield CurrencyCount(cur, denoms, self.book.get(cur, 0), totals_beside=beside)

    def columns(self) -> list[CurrencyCount]:
        return list(self.query(CurrencyCount))

    def read(self) -> tuple[Counts, dict[str, str]]:
        """{currency: {denomination: quantity}} for the service, and the messages of the
        quantities that cannot be read (by service field name)."""
        counts: Counts = {}
        errors: dict[str, str] = {}
        for column in self.columns():
            column_counts, column_errors = column.read()
            counts[column.currency] = column_counts
            errors.update(column_errors)
        return counts, errors

    def totals(self) -> dict[str, int | None]:
        return {c.currency: c.counted() for c in self.columns()}

    def set_book(self, book: Mapping[str, int]) -> None:
        self.book = dict(book)
        for column in self.columns():
            column.set_book(self.book.get(column.currency, 0))

    def has_difference(self) -> bool:
        return any(total is not None and total != self.book.get(cur, 0)
                   for cur, total in self.totals().items())

    def check_field(self, field: QuantityField) -> bool:
        for column in self.columns():
            if column.currency == field.currency:
                return column.check_field(field)
        return True
