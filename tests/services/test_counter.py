"""The counter: till sessions with billetage, vault transfers, cash vouchers, the cash journal."""

from __future__ import annotations

import pytest

from mifin_tui import db
from mifin_tui.db.models import (
    Account,
    AuditLog,
    JournalTransaction,
    Till,
    TillCount,
    TillSession,
    Voucher,
)
from mifin_tui.services.admin import check
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash import journal as cash_journal
from mifin_tui.services.cash import tills, transfers, vouchers
from mifin_tui.services.kernel import accounts, ledger, settings
from mifin_tui.services.kernel.errors import (
    Conflict,
    MifinError,
    PermissionDenied,
    ValidationError,
)
from mifin_tui.services.members import register as members
from tests.conftest import FIRST_DAY

USD = "USD"


@pytest.fixture
def branch(admin, make_user):
    """A funded vault, till C01, a cashier, a gérant and a member's savings account."""
    cashier = make_user("cashier")
    manager = make_user("manager")
    with db.write_transaction():
        vault = tills.vault_of(admin.branch_id)
        capital = accounts.internal_account(admin.branch_id, "share_capital", USD)
        ledger.post(admin, kind="capital", label="Paid-up capital",
                    lines=[ledger.Line(tills.cash_account(vault, USD).id, debit=5_000_000),
                           ledger.Line(capital.id, credit=5_000_000)])
        member = members.create_row(admin, {"surname": "Kabongo", "postname": "Ilunga",
                                            "first_name": "Bénédicte"}, FIRST_DAY)
        savings = accounts.open_member_account(member, "savings_free", USD, "Free savings",
                                               FIRST_DAY)
        # small supplies pass at once here; the default (every transfer waits for a
        # second person, #21) is tested in test_cash_controls
        settings.put("transfer_approval_limit", {USD: 500_000})
    till = Till.get(Till.code == "C01")
    return {"cashier": cashier, "manager": manager, "till": till, "savings": savings.id,
            "admin": admin}


def open_till(b, counts=None, note=""):
    return tills.open_session(b["cashier"], b["till"].id, counts or {}, note)


def test_opening_with_a_count_that_matches_the_books(branch):
    result = open_till(branch, {USD: {}})
    assert result.difference == {USD: 0, "CDF": 0}
    assert tills.my_session(branch["cashier"]).till_code == "C01"


@pytest.mark.parametrize("counts, field", [
    ({USD: {10000: -1}}, "count.USD.10000"),
    ({USD: {10000: 1.5}}, "count.USD.10000"),
    ({USD: {3000: 2}}, "count.USD.3000"),
    ({"XOF": {1000: 1}}, "count.XOF"),
])
def test_a_bad_count_is_refused_at_its_field_and_nothing_is_written(branch, counts, field):
    with pytest.raises(ValidationError) as err:
        open_till(branch, counts)
    assert field in err.value.errors
    assert TillSession.select().count() == 0 and TillCount.select().count() == 0


def test_one_cashier_per_till_and_one_till_per_cashier(branch, make_user):
    open_till(branch)
    other = make_user("cashier")
    with pytest.raises(Conflict, match="already open"):
        tills.open_session(other, branch["till"].id, {})
    with db.write_transaction():
        till2 = Till.create(branch=branch["till"].branch_id, code="C02", name="Till 2",
                            currencies="USD", created_at=FIRST_DAY)
    with pytest.raises(Conflict, match="already hold"):
        tills.open_session(branch["cashier"], till2.id, {})


def test_supply_below_the_limit_moves_cash_at_once_with_a_tc_voucher(branch):
    open_till(branch)
    t = transfers.request(branch["cashier"], "supply", USD, 200_000, "morning float")
    assert t.status == "posted" and t.voucher_number == "TC-KIN-2026-000001"
    assert tills.till_balances(branch["till"])[USD] == 200_000
    assert t.doc.title == "BON DE TRANSFERT DE CAISSE"  # documents print in French


def test_supply_above_the_limit_waits_for_another_person(branch, make_user):
    open_till(branch)
    t = transfers.request(branch["cashier"], "supply", USD, 900_000, "market day")
    assert t.status == "pending"
    assert tills.till_balances(branch["till"])[USD] == 0
    assert [p.id for p in transfers.pending(branch["manager"])] == [t.id]
    with pytest.raises(ValidationError):
        transfers.reject(branch["manager"], t.id, "")
    done = transfers.approve(branch["manager"], t.id, "ok")
    assert done.status == "posted"
    assert tills.till_balances(branch["till"])[USD] == 900_000
    with pytest.raises(Conflict):
        transfers.approve(branch["manager"], t.id)


def test_nobody_approves_his_own_request(branch):
    both = branch["manager"].__class__(**{**branch["cashier"].__dict__,
                                          "permissions": branch["cashier"].permissions
                                          | {"transfer.approve"}})
    open_till(branch)
    t = transfers.request(both, "supply", USD, 900_000)
    with pytest.raises(PermissionDenied):
        transfers.approve(both, t.id)


def test_a_transfer_larger_than_the_vault_is_refused(branch):
    open_till(branch)
    with pytest.raises(ValidationError) as err:
        transfers.request(branch["cashier"], "supply", USD, 6_000_000)
    assert "holds only" in err.value.errors["amount"]
    assert JournalTransaction.select().where(
        JournalTransaction.kind == "till_transfer").count() == 0


def test_deposit_prints_a_be_voucher_rebuilt_from_the_ledger(branch):
    open_till(branch)
    receipt = cash.cash_in(branch["cashier"], branch["savings"], 150_050,
                           party_name="Kabongo Bénédicte", party_id="CE 1234",
                           purpose="Épargne du marché")
    doc = receipt.doc
    assert receipt.voucher_number == "BE-KIN-2026-000001"
    assert doc.title == "BON D'ENTRÉE CAISSE" and doc.series == "BE"
    assert doc.amount == 150_050 and doc.currency == USD
    assert doc.amount_words == "mille cinq cents dollars américains et cinquante cents"
    assert doc.balance_after == 150_050
    assert doc.account_holder == "KABONGO ILUNGA Bénédicte"
    assert doc.party_name == "Kabongo Bénédicte" and not doc.duplicate
    assert len(doc.copies) == 2 and len(doc.signatures) == 3
    assert vouchers.build(receipt.txn_id) == doc


def test_preview_shows_what_will_be_posted_and_writes_nothing(branch):
    open_till(branch)
    p = cash.preview(branch["cashier"], "in", branch["savings"], 10_000)
    assert p.series == "BE" and p.account_balance_after == 10_000
    assert p.till_balance_after == 10_000
    assert sum(ln.debit for ln in p.lines) == sum(ln.credit for ln in p.lines) == 10_000
    assert JournalTransaction.select().where(JournalTransaction.kind == "deposit").count() == 0


def test_withdrawal_is_limited_by_the_till_and_the_account(branch):
    open_till(branch)
    cash.cash_in(branch["cashier"], branch["savings"], 50_000, party_name="K", purpose="dépôt")
    with pytest.raises(ValidationError, match="balance is only"):
        cash.cash_out(branch["cashier"], branch["savings"], 60_000, party_name="K",
                      purpose="retrait")
    transfers.request(branch["cashier"], "return", USD, 40_000)
    with pytest.raises(ValidationError, match="till holds only"):
        cash.cash_out(branch["cashier"], branch["savings"], 20_000, party_name="K",
                      purpose="retrait")
    receipt = cash.cash_out(branch["cashier"], branch["savings"], 10_000, party_name="K",
                            purpose="retrait")
    # refused postings took no number
    assert receipt.voucher_number == "BS-KIN-2026-000001"
    assert receipt.doc.balance_after == 40_000


def test_no_posting_without_an_open_till_or_after_closing(branch):
    with pytest.raises(MifinError, match="Open your till"):
        cash.cash_in(branch["cashier"], branch["savings"], 100, party_name="K", purpose="x")
    open_till(branch)
    tills.close_session(branch["cashier"], {USD: {}})
    with pytest.raises(MifinError, match="Open your till"):
        cash.cash_in(branch["cashier"], branch["savings"], 100, party_name="K", purpose="x")


def test_bad_cash_input_is_reported_by_field(branch):
    open_till(branch)
    with pytest.raises(ValidationError) as err:
        cash.cash_in(branch["cashier"], branch["savings"], 0, party_name=" ", purpose="")
    assert set(err.value.errors) == {"amount", "party_name", "purpose"}


def test_closing_with_a_shortage_holds_it_in_suspense_and_needs_an_explanation(branch):
    open_till(branch)
    transfers.request(branch["cashier"], "supply", USD, 100_000)
    count = {USD: {5000: 19}}  # 950 dollars counted, 1,000 in the books
    with pytest.raises(ValidationError) as err:
        tills.close_session(branch["cashier"], count)
    assert "note" in err.value.errors
    assert TillSession.get().status == "open"
    result = tills.close_session(branch["cashier"], count, "billet de 50 USD déchiré")
    assert result.difference[USD] == -5_000 and len(result.difference_vouchers) == 1
    assert tills.till_balances(branch["till"])[USD] == 95_000
    # on the cashier's name until the gérant decides (test_cash_controls), not an expense
    shortage = accounts.internal_account(branch["admin"].branch_id, "cash_shortage_suspense",
                                         USD)
    assert Account.get_by_id(shortage.id).balance == 5_000
    diffs = tills.differences(branch["manager"])
    assert diffs[0].difference == -5_000 and diffs[0].note == "billet de 50 USD déchiré"
    assert check.run().ok


def test_reprint_says_duplicata_and_is_audited(branch):
    open_till(branch)
    receipt = cash.cash_in(branch["cashier"], branch["savings"], 7_500, party_name="K",
                           purpose="dépôt")
    again = vouchers.reprint(branch["manager"], receipt.voucher_number.lower())
    assert again.duplicate and again.number == receipt.voucher_number
    assert again == vouchers.build(receipt.txn_id, duplicate=True)
    assert AuditLog.select().where(AuditLog.action == "voucher.reprint").count() == 1
    assert [v.number for v in vouchers.find(branch["manager"], "BE-KIN")] == \
        [receipt.voucher_number]


def test_vouchers_cannot_be_rewritten(branch):
    import peewee

    open_till(branch)
    cash.cash_in(branch["cashier"], branch["savings"], 7_500, party_name="K", purpose="x")
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        Voucher.update(amount=1).execute()


def test_cash_journal_of_the_till(branch):
    open_till(branch)
    transfers.request(branch["cashier"], "supply", USD, 300_000, "fond de caisse")
    cash.cash_in(branch["cashier"], branch["savings"], 120_000, party_name="K", purpose="dépôt")
    cash.cash_out(branch["cashier"], branch["savings"], 20_000, party_name="K",
                  purpose="retrait")
    tills.close_session(branch["cashier"], {USD: {10000: 40}})
    doc = cash_journal.cash_journal(branch["manager"], FIRST_DAY, USD, "C01")
    assert [ln.number[:2] for ln in doc.lines] == ["TC", "BE", "BS"]
    assert (doc.opening_balance, doc.total_in, doc.total_out, doc.closing_balance) == \
        (0, 420_000, 20_000, 400_000)
    assert doc.lines[-1].balance == 400_000
    assert doc.counted_closing == 400_000 and doc.difference == 0
    whole = cash_journal.cash_journal(branch["manager"], FIRST_DAY, USD)
    # the vault was funded the same day: it opens at zero
    assert whole.opening_balance == 0 and whole.closing_balance == 5_100_000
    assert whole.total_in - whole.total_out == 5_100_000


def test_the_administrator_lists_and_adds_tills(branch):
    admin = branch["admin"]
    open_till(branch)
    listed = {t.code: t for t in tills.branch_tills(admin)}
    assert list(listed) == [tills.VAULT_CODE, "C01"]  # the vault first
    assert listed[tills.VAULT_CODE].kind == "vault"
    assert listed[tills.VAULT_CODE].balances[USD] == 5_000_000
    assert listed["C01"].session.cashier == branch["cashier"].username
    added = tills.create_till(admin, "c02", "Caisse 2", [USD])
    assert (added.code, added.kind, added.currencies, added.session) == \
        ("C02", "till", (USD,), None)
    assert [t.code for t in tills.branch_tills(admin)] == [tills.VAULT_CODE, "C01", "C02"]
    with pytest.raises(PermissionDenied):
        tills.branch_tills(branch["cashier"])


def test_amounts_in_words_are_in_the_documents_language_not_the_cashiers(branch):
    """An English-speaking cashier prints a French voucher when the institution prints in
    French, and the other way round: the words follow `document_language`."""
    from mifin_tui.db import write_transaction
    from mifin_tui.i18n import current_language, set_language
    from mifin_tui.services.kernel import settings

    open_till(branch)
    receipt = cash.cash_in(branch["cashier"], branch["savings"], 150_050,
                           party_name="Kabongo Bénédicte", purpose="Épargne du marché")
    before = current_language()
    try:
        for user_language, document_language, words in (
                ("en", "fr", "mille cinq cents dollars américains et cinquante cents"),
                ("fr", "en", "one thousand, five hundred US dollars and fifty cents")):
            set_language(user_language)
            with write_transaction():
                settings.put("document_language", document_language)
            doc = vouchers.build(receipt.txn_id)
            assert doc.language == document_language
            assert doc.amount_words == words
    finally:
        set_language(before)
