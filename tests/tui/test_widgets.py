"""The reusable inputs, each in a bare host app (no database unless it needs one)."""

from __future__ import annotations

from datetime import date

import pytest
from textual.app import App, ComposeResult

from mifin_tui.i18n import set_language
from mifin_tui.services.kernel.numbering import check_digits
from mifin_tui.services.members.register import MemberSummary
from mifin_tui.widgets import (
    AccountNumberInput,
    DateInput,
    MemberPicker,
    MoneyInput,
    TextField,
    parse_date,
)
from tests.tui.conftest import type_text


class Host(App[None]):
    def __init__(self, *widgets) -> None:
        super().__init__()
        self._widgets = widgets
        self.picked: list[MemberSummary] = []

    def compose(self) -> ComposeResult:
        yield from self._widgets
        yield TextField(id="after")

    def on_member_picker_selected(self, event: MemberPicker.Selected) -> None:
        self.picked.append(event.member)


async def typed(widget, text: str, *, then: str = "tab"):
    app = Host(widget)
    async with app.run_test(size=(80, 24)) as pilot:
        widget.focus()
        await type_text(pilot, text)
        await pilot.press(then)
        await pilot.pause()
        result = widget.parsed, widget.value, widget.error_message
    return result


@pytest.mark.parametrize("language, text, currency, amount, shown", [
    ("fr", "15000", "XOF", 15000, "15 000 FCFA"),
    ("fr", "1 234,5", "USD", 123450, "1 234,50 USD"),
    ("en", "1234.5", "USD", 123450, "1,234.50 USD"),
    ("fr", "15.000", "XAF", 15000, "15 000 FCFA"),
])
async def test_money_input_reads_and_rewrites_on_blur(language, text, currency, amount, shown):
    set_language(language)
    field = MoneyInput(currency)
    assert await typed(field, text) == (amount, shown, "")


async def test_money_input_says_why_at_the_field():
    field = MoneyInput("XOF")
    assert await typed(field, "12,50") == (None, "12,50", "FCFA amounts have no decimals.")
    field = MoneyInput("USD")
    assert (await typed(field, "0"))[2] == "The amount must be more than zero."


async def test_money_input_re_reads_when_the_currency_changes():
    field = MoneyInput("USD")
    app = Host(field)
    async with app.run_test() as pilot:
        field.focus()
        await type_text(pilot, "12.50")
        await pilot.press("tab")
        assert field.amount == 1250
        field.currency = "XOF"
        assert field.amount is None and "expected XOF" in field.error_message


def test_parse_date_forms():
    assert parse_date("24/11/2026") == date(2026, 11, 24)
    assert parse_date("1/2/2026") == date(2026, 2, 1)
    assert parse_date("01.02.2026") == date(2026, 2, 1)
    assert parse_date("24112026") == date(2026, 11, 24)
    # the one parser of dates (kernel.dates) also reads ISO, as the CLI's --date does
    assert parse_date("2026-11-24") == date(2026, 11, 24)
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parse_date("24-11-26")
    with pytest.raises(ValueError, match="does not exist"):
        parse_date("31/02/2026")


async def test_date_input():
    field = DateInput(max_date=date(2026, 11, 24))
    assert await typed(field, "3/1/2026") == (date(2026, 1, 3), "03/01/2026", "")
    field = DateInput(max_date=date(2026, 11, 24))
    parsed, _v, error = await typed(field, "25/11/2026")
    assert parsed is None and error == "The date cannot be after 24/11/2026."


async def test_account_number_input_checks_the_digits():
    body = "KIN210000123"
    good = f"KIN-21-0000123-{check_digits(body)}"
    field = AccountNumberInput()
    assert await typed(field, good.replace("-", " ")) == (good, good, "")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    field = AccountNumberInput()
    parsed, _v, error = await typed(field, bad, then="enter")
    assert parsed is None and "check digits" in error
    field = AccountNumberInput()
    assert "looks like" in (await typed(field, "12345"))[2]


def summary(n: int, name: str) -> MemberSummary:
    return MemberSummary(n, f"KIN-{n:06d}", name, "person", "F", "Kinshasa", "", "member",
                         date(2025, 1, 1))


async def test_member_picker_searches_after_a_pause_and_picks_with_the_arrows():
    calls: list[str] = []
    people = [summary(1, "KABONGO Marie"), summary(2, "KABILA Jean")]

    def search(text: str):
        calls.append(text)
        return [p for p in people if text.lower() in p.display_name.lower()]

    picker = MemberPicker(search)
    app = Host(picker)
    async with app.run_test() as pilot:
        picker.focus()
        await type_text(pilot, "kab")
        assert calls == []  # not on every key
        await pilot.pause(MemberPicker.DEBOUNCE_SECONDS + 0.1)
        assert calls == ["kab"] and len(picker.results) == 2
        options = picker.query_one("OptionList")
        assert options.highlighted is None  # nothing highlighted until an arrow
        await pilot.press("down")  # the first arrow highlights the first match
        assert options.highlighted == 0
        await pilot.press("enter")  # Enter takes what is highlighted
        await pilot.pause()
        assert [m.id for m in app.picked] == [1]
        await pilot.press("backspace", "backspace", "a", "b")  # "kab" again, typed ahead:
        await pilot.press("down", "down", "enter")  # the arrows come before the pause
        await pilot.pause()
        assert [m.id for m in app.picked] == [1, 2]
        await pilot.press("backspace", "backspace", "a", "b")
        await pilot.press("enter")  # Enter with none highlighted: the first match
        await pilot.pause()
        assert [m.id for m in app.picked] == [1, 2, 1]
        await type_text(pilot, "zzz")
        await pilot.press("enter")  # Enter searches at once; nothing to pick
        await pilot.pause()
        assert len(app.picked) == 3
        assert "No member matches" in picker.query_one("FieldError").message


async def test_money_input_shows_the_amount_as_it_is_typed():
    field = MoneyInput("XOF")
    app = Host(field)
    async with app.run_test() as pilot:
        field.focus()
        await type_text(pilot, "1500000")
        await pilot.pause()
        assert field.preview == "= 1,500,000 FCFA"  # tests run in English
        await type_text(pilot, ",5")  # not an amount of francs: no preview, no guess
        await pilot.pause()
        assert field.preview == ""
