"""One key flow on every form, at 80x24, keys only (#19 items 4, 6, 7): Enter goes to
the next field that can be filled, Escape on a confirmation goes back to the amount, the
member picker takes what it shows highlighted, an error lands inside the visible screen,
tables show their rows, references are shown whole, approvers see what they decide, the
focused field is marked without colour."""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import DataTable, OptionList

from mifin_tui.app import MifinApp
from mifin_tui.db.models import Account, AccountHold, Member, User, WithdrawalRequest
from mifin_tui.screens.cash.confirm import ConfirmCashScreen
from mifin_tui.screens.cash.till_count import CloseTillScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.screens.loans.repayment import RepaymentScreen
from mifin_tui.screens.savings.deposit import DepositScreen
from mifin_tui.screens.savings.withdrawal import WithdrawalScreen
from mifin_tui.services.kernel import auth
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import accounts as savings_accounts
from mifin_tui.services.savings import deposits as savings_deposits
from mifin_tui.services.savings import withdrawals as savings_withdrawals
from mifin_tui.widgets import FieldError, MemberPicker, MoneyInput
from tests.tui.conftest import SIZE, choose_entry, login, type_text
from tests.tui.test_counter import counter, sign_in  # noqa: F401 - the fixture
from tests.tui.test_loan_life import users_of
from tests.tui.test_savings_counter import usd_account


def screen_lines(app: MifinApp) -> list[str]:
    """The 24 lines of text the terminal shows."""
    return ["".join(segment.text for segment in strip)
            for strip in app.screen._compositor.render_strips()]


def in_view(app: MifinApp, widget: Widget) -> bool:
    """Whether the whole of `widget` is drawn between the title and the footer, inside
    every container that clips it (what is scrolled away is not on the screen)."""
    region = widget.region
    if not region.area:
        return False
    footer_top = app.screen.query_one("MifinFooter").region.y
    visible = app.screen.region
    for ancestor in widget.ancestors:
        if isinstance(ancestor, Widget) and ancestor is not app.screen:
            visible = visible.intersection(ancestor.content_region)
    return (visible.contains_region(region) and region.bottom <= footer_top
            and region.y >= 2)


async def test_withdrawal_enter_goes_from_the_account_to_the_amount_and_escape_back_to_it(
        counter):  # noqa: F811
    acc = usd_account(None)
    before = acc.balance
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, WithdrawalScreen)
        await type_text(pilot, acc.number.replace("-", ""))
        await pilot.press("enter")
        await pilot.pause()
        amount = app.screen.query_one("#amount", MoneyInput)
        # Only the holder may sign: the select has nothing to choose, Enter skips it.
        assert amount.has_focus_within, app.focused
        await type_text(pilot, "50")
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused.id == "purpose"
        assert amount.amount == 5_000
        assert app.screen.query_one("#purpose").value == "Savings withdrawal"
        await pilot.press("enter")  # the purpose is filled: Enter submits
        await pilot.pause()
        assert isinstance(app.screen, ConfirmCashScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WithdrawalScreen)
        assert amount.has_focus_within, app.focused  # back on the amount, not the account
        await pilot.press(*["backspace"] * 12)
        await type_text(pilot, "40")  # what is typed now corrects the amount
        await pilot.press("tab")
        await pilot.pause()
        assert amount.amount == 4_000
        assert app.screen.query_one("#number").value == acc.number
    assert Account.get_by_id(acc.id).balance == before  # nothing was paid


async def test_escape_on_a_repayment_confirmation_returns_to_the_amount(counter):  # noqa: F811
    from tests.tui.test_repayment import _due_loan

    loan, _first = _due_loan(counter)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await choose_entry(app, pilot, "repayment")
        assert isinstance(app.screen, RepaymentScreen)
        await type_text(pilot, loan.number)
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused.id == "channel"  # the amount due is filled in already
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RepaymentScreen)
        assert app.screen.query_one("#amount").has_focus_within, app.focused
        await type_text(pilot, "9")
        assert app.screen.query_one("#loan").value == loan.number  # not overwritten


async def test_the_member_picker_takes_the_member_shown_highlighted(counter):  # noqa: F811
    cashier = auth.login(*users_of(counter, "caissier1"))
    text = "KIN-0"
    found = members.search(cashier, text, limit=6)
    assert len(found) >= 2
    first = found[0]
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(app.screen, DepositScreen)
        await pilot.press("tab")  # to "or member"
        await type_text(pilot, text)
        await pilot.pause(MemberPicker.DEBOUNCE_SECONDS + 0.2)
        options = app.screen.query_one("#member OptionList", OptionList)
        assert options.option_count == len(found) and options.highlighted is None
        await pilot.press("down")  # the first arrow highlights the first match
        assert options.highlighted == 0
        await pilot.press("enter")
        await pilot.pause()
        chosen = app.screen.account
        assert chosen is not None and chosen.member_id == first.id, (chosen, first)

        # Typed ahead, the arrow before the pause: the same, the first match.
        app.screen.query_one("#member", MemberPicker).focus()
        await pilot.press(*["backspace"] * 8)
        await type_text(pilot, text)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen.account.member_id == first.id


async def test_an_error_below_the_fold_is_scrolled_into_view(counter):  # noqa: F811
    """Closing a till short without a note: the refusal under the note field is inside
    the 24 lines, above the footer, with the cursor on the note."""
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, CloseTillScreen)
        await pilot.press("tab", "shift+tab")  # nothing counted: a shortage
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # close it, without a note
        await pilot.pause()
        await pilot.pause()
        error = app.screen.query_one("#error-note", FieldError)
        assert "Explain the difference" in error.message
        assert app.focused.id == "note"
        assert in_view(app, error), (error.region, screen_lines(app))
        assert in_view(app, app.focused)
        assert any("Explain the difference" in line for line in screen_lines(app))


async def test_the_holds_list_shows_its_rows_and_f4_releases_the_one_seen(counter):  # noqa: F811
    hold = AccountHold.select().where(AccountHold.process == "manual",
                                      AccountHold.released_at.is_null()).first()
    assert hold is not None
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await app.open_entry("holds")
        await pilot.pause()
        await type_text(pilot, hold.account.number)
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one("#holds", DataTable)
        assert table.row_count >= 1
        assert table.region.height >= 1 + table.row_count  # the header and every row
        assert in_view(app, table), screen_lines(app)
        lines = screen_lines(app)
        row = next(line for line in lines if line.strip().startswith(str(hold.id) + " "))
        assert "Court order" in row or "Loan collateral" in row or "manual" in row, row


async def test_the_member_card_shows_its_accounts(counter):  # noqa: F811
    manager = counter["users"]["gerant"]
    member = (Member.select().join(Account, on=(Account.member == Member.id))
              .group_by(Member.id).order_by(Member.id).first())
    numbers = [a.number for a in Account.select().where(Account.member == member.id)]
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, manager.username, manager.password)
        await app.open_entry("member_card")
        await pilot.pause()
        app.screen.load(member.id)
        await pilot.pause()
        table = app.screen.query_one("#card-accounts", DataTable)
        assert table.row_count == len(numbers) >= 1
        assert in_view(app, table), screen_lines(app)
        shown = "\n".join(screen_lines(app))
        assert all(n in shown for n in numbers[:5]), shown


async def test_the_withdrawal_approval_shows_balance_and_available_whole(counter):  # noqa: F811
    acc = usd_account(None)
    cashier = auth.login(*users_of(counter, "caissier1"))
    savings_deposits.deposit(cashier, acc.id, 200_000, party_name="Kabeya",
                             purpose="Vente du stock")
    savings_withdrawals.withdraw(cashier, acc.id, 120_000, purpose="Achat de stock")
    request = WithdrawalRequest.select().order_by(WithdrawalRequest.id.desc()).first()
    assert request.status == "pending"
    view = savings_accounts.account_view(cashier, acc.id)
    from mifin_tui.widgets.formatting import fmt_amount

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, *users_of(counter, "gerant"))
        await app.open_entry("withdrawal_approvals")
        await pilot.pause()
        ours = [r.id for r in app.screen.pending].index(request.id)
        await pilot.press(*["down"] * ours)
        await pilot.pause()
        detail = app.screen.query_one("#detail")
        text = str(detail.render())
        assert f"available {fmt_amount(view.available, 'USD')}" in text, text
        assert f"Balance {fmt_amount(view.balance, 'USD')}" in text, text
        assert in_view(app, detail)
        shown = "\n".join(screen_lines(app))
        assert fmt_amount(view.available - 120_000, "USD") in shown, shown  # not cut


async def test_focused_fields_are_reversed_whole_without_colour(monkeypatch,
                                                                counter):  # noqa: F811
    from tests.tui.test_no_color import screen_cells

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "linux")
    for contrast in ("0", "1"):
        monkeypatch.setenv("MIFIN_HIGH_CONTRAST", contrast)
        app = MifinApp()
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, counter, "gerant")
            await app.open_entry("holds")
            await pilot.pause()
            rows = screen_cells(app)
            focused = app.focused
            region = focused.region
            assert region.width > 20
            cells = [rows[region.y][x] for x in range(region.x, region.right)]
            # Every cell of the empty field, not only the cursor's, is reversed...
            assert all("reverse" in marks for _ch, marks in cells), (contrast, cells)
            # ...and no other field is.
            for other in app.screen.query("Input"):
                r = other.region
                if other is focused or not r.area or r.y >= len(rows):
                    continue  # (a field scrolled below the screen is not drawn)
                assert not any("reverse" in rows[r.y][x][1] for x in range(r.x, r.right)), \
                    other
            select = app.screen.query_one("#reason")
            select.focus()
            await pilot.pause()
            rows = screen_cells(app)
            r = select.region
            cells = [rows[r.y][x] for x in range(r.x, r.right)]
            assert all("reverse" in m for _ch, m in cells), (contrast, r, "".join(
                ch for ch, _m in cells), "".join("#" if "reverse" in m else "." for _c, m in cells))


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_committee_footer_fits_with_a_file_loaded(counter, language):  # noqa: F811
    from tests.tui.test_screens_fit import _misfits

    _committee_loan(counter)
    User.update(language=language).execute()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, *users_of(counter, "comite1"))
        await app.open_entry("loan_committee")
        await pilot.pause()
        assert app.screen.rows
        assert not _misfits(app), _misfits(app)


def _committee_loan(counter) -> int:  # noqa: F811
    """A demo application sent to the committee, no opinion yet."""
    import dataclasses

    from mifin_tui.db.models import LoanProduct
    from mifin_tui.services.loans import applications as loan_applications
    from mifin_tui.services.loans import lifecycle as loan_lifecycle
    from mifin_tui.services.loans import products as loan_products
    from tests.tui.test_loan_life import _borrower

    agent = auth.login(*users_of(counter, "agent"))
    admin = auth.login(*users_of(counter, "admin"))
    hebdo = LoanProduct.get(LoanProduct.code == "HEBDO")
    spec = loan_products.get(hebdo.id)
    loan_products.update(admin, hebdo.id, loan_products.ProductSpec(**{
        f.name: getattr(spec, f.name) for f in dataclasses.fields(loan_products.ProductSpec)
        if f.name not in ("min_deposits", "deposits_window_months", "min_membership_months")}))
    borrower, acc = _borrower()
    loan_id = loan_applications.apply(agent, loan_applications.Application(
        member_id=borrower.id, product_id=hebdo.id, amount=40_000, term=12,
        purpose="Commerce", linked_account_id=acc.id, activity="Vente", monthly_income=100_000))
    loan_applications.submit(agent, loan_id)
    loan_applications.record_visit(agent, loan_id, loan_lifecycle.business_today(agent),
                                   "Agent", "Vu", "favourable")
    loan_applications.send_to_committee(agent, loan_id)
    return loan_id


async def test_the_rescheduling_decision_shows_the_whole_new_schedule(counter):  # noqa: F811
    from mifin_tui.services.loans import reschedule
    from tests.tui.test_arrears import _late_loan

    loan = _late_loan(counter)
    agent = auth.login(*users_of(counter, "agent"))
    reschedule.request(agent, loan.id, 20, None, "Stock perdu dans une inondation")
    plan = reschedule.plan(agent, loan.id, 20, None)
    last = plan.schedule.installments[-1]
    from mifin_tui.widgets.formatting import fmt_amount, fmt_date

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await choose_entry(app, pilot, "reschedule_decisions")
        assert app.screen.rows[0].loan_number == loan.number
        await pilot.press("tab")  # to the request and its schedule
        await pilot.pause()
        pane = app.screen.query_one("#request-scroll")
        assert app.focused is pane
        await pilot.press("end")
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        assert "New schedule:" in str(app.screen.query_one("#request-detail").render())
        # The last instalment, no. 20, its date and amount, on the screen once scrolled.
        line = next((x for x in screen_lines(app) if fmt_date(last.due_date) in x), shown)
        assert f" {plan.first_no + 19:>3} " in line and fmt_amount(last.total, "USD") in line, \
            shown
        assert loan.number in shown  # the table's loan number whole, check digits too
        assert in_view(app, app.screen.query_one("#requests", DataTable))


async def test_references_are_shown_whole(counter):  # noqa: F811
    """The arrears list keeps a loan number's check digits; the reversal screen each
    voucher number whole (not "BR-KIN-2026-0000" for all)."""
    from mifin_tui.db.models import Voucher
    from mifin_tui.services.loans import repayments
    from tests.tui.test_arrears import _late_loan

    loan = _late_loan(counter)
    cashier = auth.login(*users_of(counter, "caissier1"))
    for _n in range(2):
        repayments.repay(cashier, loan.id, 1_000, party_name="Ruth")
    vouchers = [v.number for v in Voucher.select().where(Voucher.series == "BR")]
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "agent")
        await choose_entry(app, pilot, "arrears_list")
        shown = "\n".join(screen_lines(app))
        assert loan.number in shown, shown
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await choose_entry(app, pilot, "repayment_reversal")
        await type_text(pilot, loan.number)
        await pilot.press("enter")
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        assert len(vouchers) >= 2 and all(v in shown for v in vouchers[-2:]), shown


def test_the_closing_report_says_classes_and_states_in_words(counter):  # noqa: F811
    from mifin_tui.i18n import translator
    from mifin_tui.services.closing import ageing

    detail = {"classes": {"sain": 12, "impaye": 1},
              "moves": ["KIN-30-0000045-12: active", "KIN-30-0000046-90: in_arrears"],
              "moved": 2}
    lines = ageing.describe_ageing(translator("fr"), "fr", detail, 13, {})
    text = "\n".join(lines)
    assert "sain:" not in text and "impaye:" not in text and ": active" not in text, text
    assert "Crédits sains (à jour): 12" in text, text
    assert "Crédits impayés de 1 à 90 jours: 1" in text, text
    assert "KIN-30-0000045-12: En cours, KIN-30-0000046-90: En retard" in text, text


async def test_the_trial_balance_on_screen_shows_its_rows(counter):  # noqa: F811
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, *users_of(counter, "gerant"))
        await app.open_entry("reports")
        await pilot.pause()
        app.screen.query_one("#report").value = "trial-balance"
        await pilot.pause()
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        table = app.screen.query_one("#report-table DataTable", DataTable)
        assert table.row_count >= 3
        assert in_view(app, table), screen_lines(app)
        assert table.region.height >= 1 + 3, (table.region, screen_lines(app))


async def test_a_refusal_under_a_long_form_is_scrolled_into_view(counter):  # noqa: F811
    """F4 "Release" on an account without a hold: the refusal, under the last field of
    the holds form (far below row 24), is scrolled up onto the screen."""
    acc = usd_account(None)  # no hold on it
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await app.open_entry("holds")
        await pilot.pause()
        await type_text(pilot, acc.number)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        await pilot.pause()
        error = app.screen.query_one("#error-form", FieldError)
        assert error.message == "No hold to release on this account."
        assert in_view(app, error), (error.region, screen_lines(app))
        assert any("No hold to release" in line for line in screen_lines(app))
