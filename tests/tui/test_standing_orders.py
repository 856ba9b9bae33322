"""The cashier records the standing order a member signed on his programmed savings for
his running loan (#20), then revokes it: both in the database and the audit log."""

from __future__ import annotations

from mifin_tui.app import MifinApp
from mifin_tui.db.models import Account, AuditLog, SavingsAccount, SavingsProduct, StandingOrder
from mifin_tui.screens.savings.standing_orders import StandingOrdersScreen
from tests.tui.conftest import SIZE, type_text
from tests.tui.test_counter import counter, sign_in  # noqa: F401
from tests.tui.test_loan_life import users_of


def _programmed_with_a_loan(counter) -> tuple[Account, str]:  # noqa: F811
    """A demo member's running loan and a programmed savings account opened for him."""
    from datetime import timedelta

    from mifin_tui.services.kernel import auth, business_day
    from mifin_tui.services.savings import opening
    from tests.tui.test_repayment import _due_loan

    loan, _first = _due_loan(counter)
    member_id, currency, number = loan.member_id, loan.currency, loan.number
    product = SavingsProduct.get((SavingsProduct.kind == "scheduled")
                                 & (SavingsProduct.currency == currency))
    cashier = auth.login(*users_of(counter, "caissier1"))
    day = business_day.open_date(cashier.branch_id)
    opened = opening.open_account(cashier, member_id, product.id,
                                  opening_deposit=product.min_opening or product.deposit_min,
                                  target_date=day + timedelta(days=400))
    return Account.get_by_id(opened.account.id), number


async def test_cashier_records_then_revokes_a_standing_order(counter):  # noqa: F811
    acc, loan_number = _programmed_with_a_loan(counter)
    kind = SavingsProduct.get_by_id(SavingsAccount.get_by_id(acc.id).product_id).kind
    assert kind == "scheduled"
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await app.open_entry("standing_orders")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StandingOrdersScreen)
        await type_text(pilot, acc.number)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.focused.id == "loans"
        await pilot.press("f2")  # no loan ticked: refused at the field
        await pilot.pause()
        assert "at least one loan" in str(screen.query_one("#error-loans").render())
        assert not StandingOrder.select().exists()
        loans = screen.query_one("#loans")
        index = [loans.get_option_at_index(i).prompt for i in range(loans.option_count)
                 ].index(loan_number)
        for _step in range(index + 1):  # the first Down highlights the first loan
            await pilot.press("down")
        await pilot.press("space")
        await pilot.press("f2")
        await pilot.pause()
        assert "Standing order recorded" in str(screen.query_one("#orders-result").render())
        order = StandingOrder.get()
        assert order.account_id == acc.id and order.status == "active"
        assert [o.loans for o in screen.orders] == [(loan_number,)]

        screen.query_one("#orders").focus()
        await pilot.press("f4")  # no reason: refused
        await pilot.pause()
        assert StandingOrder.get().status == "active"
        screen.query_one("#reason").focus()
        await type_text(pilot, "Member's letter of 7 Dec")
        await pilot.press("f4")
        await pilot.pause()
        assert "revoked" in str(screen.query_one("#orders-result").render())
    order = StandingOrder.get()
    assert (order.status, order.revoke_reason) == ("revoked", "Member's letter of 7 Dec")
    assert sorted(a.action for a in AuditLog.select().where(AuditLog.action.startswith(
        "standing_order."))) == ["standing_order.record", "standing_order.revoke"]
