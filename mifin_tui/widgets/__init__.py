"""Reusable inputs and display widgets; screens compose them, they know no context."""

from mifin_tui.widgets.account_number_input import AccountNumberInput
from mifin_tui.widgets.billetage import Billetage, QuantityField, difference_word
from mifin_tui.widgets.checked_input import CheckedInput
from mifin_tui.widgets.date_input import DateInput, parse_date
from mifin_tui.widgets.fields import ChoiceList, FieldError, FormSelect, TextField
from mifin_tui.widgets.footer import MifinFooter
from mifin_tui.widgets.member_picker import MemberPicker
from mifin_tui.widgets.money_input import MoneyInput
from mifin_tui.widgets.paged_table import PagedTable
from mifin_tui.widgets.status_line import StatusInfo, StatusLine

__all__ = [
    "AccountNumberInput",
    "Billetage",
    "CheckedInput",
    "ChoiceList",
    "DateInput",
    "FieldError",
    "FormSelect",
    "MemberPicker",
    "MifinFooter",
    "MoneyInput",
    "PagedTable",
    "QuantityField",
    "StatusInfo",
    "StatusLine",
    "TextField",
    "difference_word",
    "parse_date",
]
