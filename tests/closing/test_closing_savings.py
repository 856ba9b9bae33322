"""The closing posts the savings interest at month end, once; dormancy is looked at daily."""

from __future__ import annotations

from datetime import date

from mifin_tui import db
from mifin_tui.db.models import Account, InterestPosting, SavingsAccount, SavingsProduct
from mifin_tui.services.admin import check
from mifin_tui.services.cash import tills
from mifin_tui.services.closing import nightly as closing
from mifin_tui.services.kernel import business_day, settings
from mifin_tui.services.savings import deposits as savings_deposits
from mifin_tui.services.savings import opening as savings_opening
from mifin_tui.services.savings import withdrawals as savings_withdrawals
from tests.closing import data
from tests.services.test_savings import branch, product  # noqa: F401 - the fixture


def close_the_till(cashier) -> None:
    session = tills.my_session(cashier)
    till = next(t for t in tills.list_tills(cashier) if t.id == session.till_id)
    tills.close_session(cashier, {cur: tills.breakdown(bal, cur)
                                  for cur, bal in till.balances.items()}, "")


def test_the_month_end_closing_posts_the_savings_interest(branch, tmp_path):  # noqa: F811
    cashier, manager = branch["cashier"], branch["manager"]
    with db.write_transaction():
        settings.put("closing_backup_dir", str(tmp_path / "closings"))
        SavingsProduct.update(interest_method="daily").where(
            SavingsProduct.id == product("interest").id).execute()
    rem = savings_opening.open_account(cashier, branch["member"].id, product("interest").id,
                                       opening_deposit=100_000).account
    close_the_till(cashier)
    reports = []
    while business_day.open_date(manager.branch_id) <= date(2026, 11, 30):
        data.count_vault(cashier, manager)
        reports.append(closing.run(manager))
    by_day = {doc.business_date: {s.key: s for s in doc.steps} for doc in reports}
    # 23 -> 30 November, 8 days at 1,000.00 at 4 % / 365: 88 cents, tax 18 (as computed by
    # hand in tests/services/test_savings_interest.py), posted by the 30 November closing.
    assert [d for d, steps in by_day.items() if steps["savings_interest"].status == "done"] \
        == [date(2026, 11, 30)]
    assert by_day[date(2026, 11, 27)]["savings_interest"].status == "skipped"
    assert InterestPosting.select().count() == 1
    assert Account.get_by_id(rem.id).balance == 100_070
    assert business_day.open_date(manager.branch_id) == date(2026, 12, 1)
    # dormancy is looked at every day; a month without a movement has not passed yet
    assert all(steps["dormancy"].status == "done" for steps in by_day.values())
    assert not SavingsAccount.get(SavingsAccount.account == rem.id).dormant
    assert check.run().ok


def test_a_waiting_withdrawal_only_warns_unless_the_setting_blocks(branch, tmp_path):  # noqa: F811
    from mifin_tui.services.closing.nightly import checks
    from mifin_tui.services.kernel import settings as settings_service

    cashier, manager = branch["cashier"], branch["manager"]
    savings_deposits.deposit(cashier, branch["account"], 200_000, party_name="Kabongo",
                             purpose="Vente")
    # above the 1,000 USD limit
    waiting = savings_withdrawals.withdraw(cashier, branch["account"], 150_000,
                                           party_name="Kabongo", purpose="Loyer")
    assert waiting.request is not None
    close_the_till(cashier)
    found = [f for f in checks(manager.branch_id, date(2026, 11, 23)) if f.check == "approvals"]
    assert [(f.blocking, "1,500.00" in f.message) for f in found] == [(False, True)]
    with db.write_transaction():
        settings_service.put("closing_pending_approvals", {"vault_transfer": "block",
                                                           "savings_withdrawal": "block"})
    found = [f for f in checks(manager.branch_id, date(2026, 11, 23)) if f.check == "approvals"]
    assert [f.blocking for f in found] == [True]
