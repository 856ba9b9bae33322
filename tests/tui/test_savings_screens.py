"""The other savings screens, keys pressed as their users would, on the demo institution:
statement, passbook, transfer, opening, closing, holds and mandataires, products."""

from __future__ import annotations

import shutil

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db.models import (
    Account,
    AccountHold,
    AccountMandate,
    SavingsAccount,
    SavingsProduct,
    Voucher,
)
from mifin_tui.screens.common.dialogs import ConfirmDialog, NoteDialog
from mifin_tui.services.kernel import auth, business_day
from mifin_tui.services.kernel.errors import PermissionDenied
from mifin_tui.services.savings import accounts as savings_accounts
from mifin_tui.services.savings import mandates as savings_mandates
from mifin_tui.widgets.formatting import fmt_date
from tests.tui.conftest import SIZE, sign, type_text
from tests.tui.test_counter import counter, pdf_text, pdfs, settle, sign_in  # noqa: F401
from tests.tui.test_savings_counter import usd_account

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def ctx_of(counter, username):  # noqa: F811
    user = counter["users"][username]
    return auth.login(user.username, user.password)


async def open_entry(app, pilot, entry_id: str) -> None:
    await app.open_entry(entry_id)
    await pilot.pause()


async def test_statement_for_a_period_on_screen_pdf_and_csv(counter, tmp_path,  # noqa: F811
                                                            monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    acc = usd_account(None)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await open_entry(app, pilot, "statement")
        await type_text(pilot, acc.number)
        await pilot.press("enter")  # the account; the cursor goes to "From"
        await pilot.pause()
        assert app.screen.focused.parent.id == "start"
        await pilot.press("enter", "enter")  # the month so far: shown
        await pilot.pause()
        doc = app.screen.doc
        assert doc is not None and doc.lines
        assert app.screen.query_one("#statement-lines").row_count == len(doc.lines)
        await pilot.press("f6")
        await pilot.pause()
        [csv_file] = (tmp_path / "xdg" / "mifin" / "exports").glob("*.csv")
        assert acc.number in csv_file.read_text()
        await pilot.press("f4")
        await settle(app, pilot)
    [pdf] = pdfs(counter["documents"])
    text = pdf_text(pdf)
    assert "RELEVÉ DE COMPTE" in text and acc.number in text


async def test_passbook_prints_the_new_lines_and_remembers_them(counter):  # noqa: F811
    acc = usd_account(None)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f11")  # the deposit screen, then F7 for the passbook
        await pilot.pause()
        await type_text(pilot, acc.number)
        await pilot.press("enter")
        await pilot.press("f7")
        await pilot.pause()
        assert "lines to print, from line 1" in str(
            app.screen.query_one("#passbook-head").render())
        await pilot.press("f2")
        await settle(app, pilot)
        assert "0 lines to print" in str(app.screen.query_one("#passbook-head").render())
    assert SavingsAccount.get_by_id(acc.id).passbook_entry_id > 0
    [pdf] = pdfs(counter["documents"])
    assert pdf_text(pdf).strip()


async def test_transfer_between_two_accounts_prints_a_vi(counter):  # noqa: F811
    src = usd_account(None)
    dst = (Account.select().where((Account.kind == "savings") & (Account.currency == "USD")
                                  & (Account.id != src.id)).order_by(Account.id).first())
    before = (src.balance, dst.balance)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await open_entry(app, pilot, "account_transfer")
        await type_text(pilot, src.number)
        await pilot.press("enter")
        await type_text(pilot, dst.number)
        await pilot.press("enter")
        await type_text(pilot, "25")
        await pilot.press("enter")
        await type_text(pilot, "Aide familiale")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog), app.screen
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
        assert "VI-KIN-" in str(app.screen.query_one("#atransfer-result").render())
    assert (Account.get_by_id(src.id).balance, Account.get_by_id(dst.id).balance) == (
        before[0] - 2_500, before[1] + 2_500)
    [pdf] = pdfs(counter["receipts"])
    assert "VI-KIN-" in pdf_text(pdf) and "Aide familiale" in pdf_text(pdf)


async def test_open_then_close_an_account(counter):  # noqa: F811
    member = usd_account(None).member
    accounts_before = Account.select().where(Account.member == member.id).count()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await open_entry(app, pilot, "account_open")
        await type_text(pilot, member.number)
        await pilot.pause(0.4)
        await pilot.press("enter")  # the member
        await pilot.pause()
        product = app.screen.product
        assert product.kind == "free"
        app.screen.query_one("#opening_deposit").focus()
        await type_text(pilot, "30" if product.currency == "USD" else "30000")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # an opening deposit: the password
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
        result = str(app.screen.query_one("#aopen-result").render())
        assert "opened" in result and "BE-KIN-" in result, result
    opened = (Account.select().where(Account.member == member.id).order_by(Account.id.desc())
              .first())
    assert Account.select().where(Account.member == member.id).count() == accounts_before + 1
    assert SavingsAccount.get_by_id(opened.id).product.kind == "free"

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f12")  # the withdrawal screen, then F8 to close the account
        await pilot.pause()
        await type_text(pilot, opened.number)
        await pilot.press("enter")
        await pilot.press("f8")
        await pilot.pause()
        assert app.screen.focused.id == "reason"
        await type_text(pilot, "Le membre quitte Kinshasa")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
    assert Account.get_by_id(opened.id).status == "closed"
    assert Voucher.select().where((Voucher.client_account == opened.id)
                                  & (Voucher.series == "BS")).count() == 1


async def test_the_manager_blocks_releases_and_adds_a_mandataire(counter):  # noqa: F811
    acc = usd_account(None)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "gerant")
        await open_entry(app, pilot, "holds")
        await type_text(pilot, acc.number)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.focused.parent.id == "amount"
        await type_text(pilot, "30")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f2")
        await pilot.pause()
        assert "blocked" in str(app.screen.query_one("#holds-result").render())
        hold = AccountHold.get((AccountHold.account == acc.id)
                               & (AccountHold.status == "active"))
        assert hold.amount == 3_000 and hold.reason == "collateral"
        app.screen.query_one("#holds").focus()
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)  # the release asks its reason
        await pilot.press("enter")
        await pilot.pause()
        assert AccountHold.get_by_id(hold.id).status == "active"
        await type_text(pilot, "Prêt remboursé")
        await pilot.press("enter")
        await pilot.pause()
        assert AccountHold.get_by_id(hold.id).status == "released"
        assert AccountHold.get_by_id(hold.id).release_reason == "Prêt remboursé"
        app.screen.query_one("#full_name").focus()
        await type_text(pilot, "Ngoy Mwenze Clarisse")
        await pilot.press("enter")
        await type_text(pilot, "Carte d'électeur")
        await pilot.press("enter")
        await type_text(pilot, "EL-20-4471")
        await pilot.press("f6")  # no procuration signed by the holder: refused
        await pilot.pause()
        assert not AccountMandate.select().where(AccountMandate.account == acc.id).exists()
        app.screen.query_one("#consent_signed").value = "yes"
        app.screen.query_one("#consent_reference").focus()
        await type_text(pilot, "PROC-2026-17")
        app.screen.query_one("#consent_on").value = fmt_date(
            business_day.open_date(acc.branch_id))
        await pilot.press("f6")
        await pilot.pause()
        assert "once the manager approves" in str(
            app.screen.query_one("#holds-result").render())
        mandate = AccountMandate.get((AccountMandate.account == acc.id)
                                     & (AccountMandate.full_name == "Ngoy Mwenze Clarisse"))
        assert (mandate.status, mandate.active, mandate.consent_reference) == (
            "pending", False, "PROC-2026-17")
        with pytest.raises(PermissionDenied):  # he recorded it: another gérant approves
            savings_mandates.decide_mandate(ctx_of(counter, "gerant"), mandate.id, True)
        app.screen.query_one("#mandates").focus()  # revoked from the same screen
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, "Lettre du titulaire")
        await pilot.press("enter")
        await pilot.pause()
    assert AccountMandate.get_by_id(mandate.id).status == "revoked"
    assert AccountMandate.get_by_id(mandate.id).revoke_reason == "Lettre du titulaire"
    assert savings_accounts.account_view(ctx_of(counter, "caissier1"), acc.id).mandates == ()


async def test_the_administrator_changes_a_product_limit(counter):  # noqa: F811
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "admin")
        await pilot.press("f4")
        await pilot.pause()
        first = app.screen.products[0]
        await pilot.press("enter")  # the first product's rules
        await pilot.pause()
        assert app.screen.editing.id == first.id
        field = app.screen.query_one("#deposit_max")
        field.focus()
        await pilot.press(*["backspace"] * 20)
        await type_text(pilot, "12")  # below the smallest deposit: refused
        await pilot.press("f2")
        await pilot.pause()
        assert "below the minimum" in field.error_message
        await pilot.press(*["backspace"] * 20)
        await type_text(pilot, "9000000" if first.currency == "CDF" else "4000")
        await pilot.press("f2")
        await pilot.pause()
        assert "saved" in str(app.screen.query_one("#products-result").render())
    expected = 900_000_000 if first.currency == "CDF" else 400_000
    assert SavingsProduct.get_by_id(first.id).deposit_max == expected


async def test_tontine_payout_at_the_end_of_the_cycle(counter):  # noqa: F811
    from datetime import timedelta

    from mifin_tui import db
    from mifin_tui.services.kernel import business_day

    info = (SavingsAccount.select().join(SavingsProduct)
            .where(SavingsProduct.kind == "tontine").first())
    acc = Account.get_by_id(info.account_id)
    today = business_day.open_date(acc.branch_id)
    with db.write_transaction():
        SavingsAccount.update(cycle_start=today - timedelta(days=31)).where(
            SavingsAccount.account == acc.id).execute()
    balance = acc.balance
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, counter, "caissier1")
        await pilot.press("f12")
        await pilot.pause()
        await type_text(pilot, acc.number)
        await pilot.press("enter")
        await pilot.pause()
        assert "Tontine:" in str(app.screen.query_one("#account-summary").render())
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
        assert "Paid with voucher BS-" in str(
            app.screen.query_one("#withdrawal-result").render())
    assert Account.get_by_id(acc.id).balance == 0
    paid = Voucher.select().where((Voucher.client_account == acc.id)
                                  & (Voucher.series == "BS")).get()
    assert paid.amount == balance - info.planned_amount  # one day's collection kept
