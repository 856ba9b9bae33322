"""The demo's accounting: the accountant's manual entries in the replayed days (the
branch's rent, the electricity bill, the vault's excess paid into the bank), each
validated by the gérant, and one entry still waiting for him today.

The chart of every profile lacks operating expenses; the demo opens them as a site
would (62 Services extérieurs, 622 Loyers, 624 Électricité et eau).
"""

from __future__ import annotations

from datetime import date

from mifin_tui.db.models import BusinessDay, GLAccount
from mifin_tui.i18n import _
from mifin_tui.services.accounting import chart, manual_entries
from mifin_tui.services.accounting.manual_entries import DraftLine
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import institution
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.money import get_currency

# In major units of each institution's currency.
RENT = {"USD": 350, "XOF": 175_000, "XAF": 175_000}
POWER = {"USD": 95, "XOF": 48_500, "XAF": 52_000}
FUEL = {"USD": 40, "XOF": 22_000, "XAF": 24_500}
# What the vault keeps for the tills' floats, in minor units (three times what a transfer
# passed without the gérant before every transfer needed him, #21).
VAULT_KEEPS = {"USD": 1_500_000, "CDF": 300_000_000, "XOF": 6_000_000, "XAF": 6_000_000}

_ACCOUNTS = (("62", "Services extérieurs", "expense"), ("622", "Loyers et charges locatives",
                                                       None),
             ("624", "Électricité, eau et carburant", None))


def _minor(table: dict[str, int], currency: str) -> int:
    return table[currency] * 10 ** get_currency(currency).decimals


def _open_chart(accountant: Context) -> None:
    for code, name, kind in _ACCOUNTS:
        if GLAccount.get_or_none(GLAccount.code == code) is None:
            chart.add_account(accountant, code, name, kind)


def _post(staff: dict[str, Context], label: str, currency: str, lines: list[DraftLine]) -> None:
    entry = manual_entries.enter(staff["comptable"], label, currency, lines)
    manual_entries.validate(staff["gerant"], entry.id, _("Supporting document seen"))


def replay_day(staff: dict[str, Context], day: date) -> None:
    """The entries of a replayed business day, by its rank (0 = the first)."""
    accountant = staff["comptable"]
    number = BusinessDay.select().where((BusinessDay.branch == accountant.branch_id)
                                        & (BusinessDay.date < day)).count()
    currency = institution.info(accountant.branch_id).currency
    vault = tills.cash_account(tills.vault_of(accountant.branch_id), currency)
    bank = GLAccount.get(GLAccount.key == "bank").code
    if number == 0:
        _open_chart(accountant)
        _post(staff, _("Rent of the branch premises, {month}").format(
            month=day.strftime("%m/%Y")), currency,
            [DraftLine("622", debit=_minor(RENT, currency)),
             DraftLine(vault.number, credit=_minor(RENT, currency))])
    elif number == 2:
        _post(staff, _("Electricity bill paid in cash"), currency,
              [DraftLine("624", debit=_minor(POWER, currency)),
               DraftLine(vault.number, credit=_minor(POWER, currency))])
    elif number == 4:
        # What the vault holds beyond what it keeps for the tills' floats goes to the
        # bank, in round notes.
        step = 100 * 10 ** get_currency(currency).decimals
        held = tills.till_balances(tills.vault_of(accountant.branch_id)).get(currency, 0)
        excess = (held - VAULT_KEEPS.get(currency, 0)) // step * step
        if excess > 0:
            try:
                _post(staff, _("Vault excess paid into the bank"), currency,
                      [DraftLine(bank, debit=excess), DraftLine(vault.number, credit=excess)])
            except MifinError:
                pass


def waiting_entry(staff: dict[str, Context]) -> None:
    """Today: an entry the gérant has not validated yet."""
    accountant = staff["comptable"]
    currency = institution.info(accountant.branch_id).currency
    vault = tills.cash_account(tills.vault_of(accountant.branch_id), currency)
    _open_chart(accountant)
    manual_entries.enter(accountant, _("Fuel for the generator"), currency,
                         [DraftLine("624", debit=_minor(FUEL, currency)),
                          DraftLine(vault.number, credit=_minor(FUEL, currency))])
