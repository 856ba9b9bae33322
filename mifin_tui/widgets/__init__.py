"""Reusable inputs and display widgets; screens compose them, they know no context.

Names are imported on first use (PEP 562): the login screen needs three of them,
and loading the table, list and select widgets of Textual for it would delay the
first paint on old machines.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {
    "AccountNumberInput": "account_number_input",
    "Billetage": "billetage",
    "QuantityField": "billetage",
    "difference_word": "billetage",
    "CheckedInput": "checked_input",
    "DateInput": "date_input",
    "parse_date": "date_input",
    "ChoiceList": "choices",
    "FieldError": "fields",
    "FormSelect": "choices",
    "TextField": "fields",
    "MifinFooter": "footer",
    "MemberPicker": "member_picker",
    "MoneyInput": "money_input",
    "PagedTable": "paged_table",
    "StatusInfo": "status_line",
    "StatusLine": "status_line",
}

__all__ = [
    "AccountNumberInput", "Billetage", "CheckedInput", "ChoiceList", "DateInput",
    "FieldError", "FormSelect", "MemberPicker", "MifinFooter", "MoneyInput", "PagedTable",
    "QuantityField", "StatusInfo", "StatusLine", "TextField", "difference_word", "parse_date",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from mifin_tui.widgets.account_number_input import AccountNumberInput
    from mifin_tui.widgets.billetage import Billetage, QuantityField, difference_word
    from mifin_tui.widgets.checked_input import CheckedInput
    from mifin_tui.widgets.choices import ChoiceList, FormSelect
    from mifin_tui.widgets.date_input import DateInput, parse_date
    from mifin_tui.widgets.fields import FieldError, TextField
    from mifin_tui.widgets.footer import MifinFooter
    from mifin_tui.widgets.member_picker import MemberPicker
    from mifin_tui.widgets.money_input import MoneyInput
    from mifin_tui.widgets.paged_table import PagedTable
    from mifin_tui.widgets.status_line import StatusInfo, StatusLine
