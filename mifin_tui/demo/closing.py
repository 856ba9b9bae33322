"""The demo's past days end with the real nightly closing: its checks, backup and report.

The backups land in the closing folder beside the demo database, so the demo shows
the closings of the days it replayed. Before it, the gérant decides the till differences
of the days before (the day's own wait for him, as in a real branch), and the vault is
counted by the head cashier and the gérant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from mifin_tui.i18n import _
from mifin_tui.services.cash import differences
from mifin_tui.services.closing import nightly as closing
from mifin_tui.services.kernel import business_day
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError


def decide_differences(manager: Context) -> None:
    """The gérant's decisions on the differences of the days before: one in two the
    cashier repays (he acknowledges it), the other is charged to expense, a surplus taken
    to income; deterministic, by the difference's number."""
    today = business_day.open_date(manager.branch_id)
    for d in differences.branch_differences(manager, open_only=True):
        if d.status != differences.PENDING or d.business_date >= today:
            continue
        if d.shortage and d.id % 2:
            differences.decide(manager, d.id, differences.REPAY,
                               _("The cashier acknowledges the shortage"))
        else:
            differences.decide(manager, d.id, differences.CHARGE,
                               _("Not found at the recount") if d.shortage
                               else _("Nobody claimed it"))


def repay_owed(staff: dict[str, Context]) -> None:
    """Each cashier with an open till brings back the shortages he owes."""
    by_id = {c.user_id: c for c in staff.values()}
    for d in differences.branch_differences(staff["gerant"], open_only=True):
        ctx = by_id.get(d.cashier_id)
        if d.still_owed and ctx is not None and ctx.can("ledger.post"):
            try:
                differences.repay(ctx, d.id, d.still_owed)
            except MifinError:
                continue  # his till is not open today: tomorrow


def count_vault(counter: Context, witness: Context) -> None:
    """The evening's vault count: the head cashier counts what is there (the demo's vault
    always holds what its books say), the gérant confirms it as the second person."""
    from mifin_tui.services.cash import tills, vault

    book = tills.till_balances(tills.vault_of(counter.branch_id))
    count = vault.record_count(counter, {cur: tills.breakdown(amount, cur)
                                         for cur, amount in book.items()})
    vault.confirm(witness, count.id)


def close_day(manager: Context, counter: Context,
              on_day_closed: Callable[[Context, date], None] | None) -> date:
    """Close the replayed day as the gérant would, after the vault count by `counter`
    and him; returns the next business day."""
    decide_differences(manager)
    count_vault(counter, manager)
    doc = closing.run(manager)
    if on_day_closed is not None:
        on_day_closed(manager, doc.business_date)
    return doc.next_date
