"""Members: the adhésion with its fees at the till, duplicates and the gérant's approval,
corrections, the member card, the démission, and the search."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mifin_tui import db
from mifin_tui.db.models import (
    Account,
    AuditLog,
    Counter,
    DuplicateRequest,
    JournalTransaction,
    Member,
    Till,
    Voucher,
)
from mifin_tui.services.admin import check
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import accounts, ledger, settings
from mifin_tui.services.kernel.errors import (
    Conflict,
    MifinError,
    PermissionDenied,
    ValidationError,
)
from mifin_tui.services.members import adhesion
from mifin_tui.services.members import card as member_card
from mifin_tui.services.members import register as members

USD = "USD"

FICHE = {
    "kind": "person", "surname": "Kabongo", "postname": "Ngalula", "first_name": "Bénédicte",
    "sex": "F", "birth_date": date(1985, 4, 12), "birth_place": "Mbuji-Mayi",
    "civil_status": "Mariée", "profession": "Commerçante", "address": "n° 12, avenue Kasa-Vubu",
    "commune": "Kalamu", "city": "Kinshasa", "province": "Kinshasa",
    "phone": "+243 81 234 5678", "id_type": "Carte d'électeur", "id_number": "1234567890",
    "id_issued_at": "Kinshasa", "id_issued_on": date(2018, 6, 1), "status": "member",
    "category": "Commerçants", "zone": "Kalamu-Nord",
}


@pytest.fixture
def branch(admin, make_user):
    """Till C01 open for a cashier (with cash in the vault), a gérant and a second one."""
    cashier = make_user("cashier")
    manager = make_user("manager")
    manager2 = make_user("manager")
    with db.write_transaction():
        vault = tills.vault_of(admin.branch_id)
        capital = accounts.internal_account(admin.branch_id, "share_capital", USD)
        ledger.post(admin, kind="capital", label="Paid-up capital",
                    lines=[ledger.Line(tills.cash_account(vault, USD).id, debit=5_000_000),
                           ledger.Line(capital.id, credit=5_000_000)])
    till = Till.get(Till.code == "C01")
    tills.open_session(cashier, till.id, {})
    return {"cashier": cashier, "manager": manager, "manager2": manager2, "till": till,
            "admin": admin}


def till_cash(b) -> int:
    return tills.cash_account(b["till"], USD).balance


def test_adhesion_takes_fees_and_shares_at_the_till_with_a_voucher_each(branch):
    ctx = branch["cashier"]
    before = till_cash(branch)
    result = adhesion.enrol(ctx, FICHE, currency=USD)
    due = adhesion.fees(USD)
    assert due.total == 500 + 200 + 1000
    assert result.member.number == "KIN-000001"
    assert [r.voucher_number for r in result.receipts] == [
        "BE-KIN-2026-000001", "BE-KIN-2026-000002", "BE-KIN-2026-000003"]
    assert till_cash(branch) == before + due.total
    kinds = [JournalTransaction.get_by_id(r.txn_id).kind for r in result.receipts]
    assert kinds == ["membership_fee", "account_opening_fee", "share_subscription"]
    # each to its GL account: income, income, the member's shares account
    gl = [e.gl_account.key for r in result.receipts
          for e in JournalTransaction.get_by_id(r.txn_id).entries if e.credit]
    assert gl == ["membership_fee_income", "account_opening_fee_income", "share_capital"]
    shares = Account.get(Account.number == result.shares_account)
    assert (shares.kind, shares.balance, shares.member.number) == ("shares", 1000, "KIN-000001")
    savings = Account.get(Account.number == result.savings_account)
    assert (savings.kind, savings.balance) == ("savings", 0)
    m = Member.get(Member.number == "KIN-000001")
    assert (m.civil_status, m.id_issued_on, m.category) == ("Mariée", date(2018, 6, 1),
                                                             "Commerçants")
    assert AuditLog.select().where(AuditLog.action == "member.create").count() == 1
    assert Voucher.select().where(Voucher.party_name == "KABONGO NGALULA Bénédicte").count() == 3
    assert check.run().ok


def test_bad_fields_are_all_reported_and_nothing_is_written(branch):
    counters = list(Counter.select().dicts())
    bad = {**FICHE, "surname": "", "sex": "X", "birth_date": date(2030, 1, 1),
           "phone": "81-23", "id_issued_on": "31/02/2020"}
    with pytest.raises(ValidationError) as err:
        adhesion.enrol(branch["cashier"], bad, currency=USD)
    assert set(err.value.errors) == {"surname", "sex", "birth_date", "phone", "id_issued_on"}
    assert err.value.errors["birth_date"] == "The birth date is in the future."
    young = {**FICHE, "birth_date": date(2015, 1, 1)}
    with pytest.raises(ValidationError) as err:
        adhesion.enrol(branch["cashier"], young, currency=USD)
    assert "too young" in err.value.errors["birth_date"]
    assert Member.select().count() == 0
    assert Voucher.select().count() == 0
    assert list(Counter.select().dicts()) == counters  # no member or voucher number used


def test_configured_communes_refuse_an_unknown_one(branch):
    settings.put("member_communes", ["Kalamu", "Lemba", "Matete"])
    with pytest.raises(ValidationError) as err:
        adhesion.enrol(branch["cashier"], {**FICHE, "commune": "Gombé"}, currency=USD)
    assert "not in the configured list" in err.value.errors["commune"]
    result = adhesion.enrol(branch["cashier"], {**FICHE, "commune": "kalamu"}, currency=USD)
    assert Member.get_by_id(result.member.id).commune == "Kalamu"


def test_without_an_open_till_nothing_is_written(branch, make_user):
    other = make_user("cashier")
    with pytest.raises(MifinError):
        adhesion.enrol(other, FICHE, currency=USD)
    assert Member.select().count() == 0 and Voucher.select().count() == 0


def test_a_loan_officer_cannot_take_fees(branch, make_user):
    with pytest.raises(PermissionDenied):
        adhesion.enrol(make_user("loan_officer"), FICHE, currency=USD)


def test_a_legal_person_with_its_representative(branch):
    rep = adhesion.enrol(branch["cashier"], FICHE, currency=USD).member
    group = {"kind": "legal", "legal_name": "Association des vendeuses du marché Gambela",
             "legal_form": "ASBL", "registration": "RCCM/KIN/2019-B-1234",
             "representative_id": rep.id, "phone": "+243 99 111 2222", "status": "member"}
    with pytest.raises(ValidationError) as err:
        adhesion.enrol(branch["cashier"], {**group, "representative_id": None}, currency=USD)
    assert "representative_name" in err.value.errors
    legal = adhesion.enrol(branch["cashier"], group, currency=USD).member
    assert legal.display_name == group["legal_name"]
    detail = members.detail(branch["cashier"], legal.id)
    assert detail.representative_name.startswith(rep.number)
    assert [m.id for m in members.search(branch["cashier"], "rccm kin 2019")] == [legal.id]


def test_a_second_record_needs_the_gerants_approval(branch):
    cashier = branch["cashier"]
    first = adhesion.enrol(cashier, FICHE, currency=USD).member
    counters = list(Counter.select().dicts())
    same_id = {**FICHE, "surname": "Kabongo-Mbuyi", "birth_date": date(1986, 1, 1)}
    with pytest.raises(adhesion.DuplicateFound) as err:
        adhesion.enrol(cashier, same_id, currency=USD)
    assert err.value.errors["id_number"].startswith(f"Already used by member {first.number}")
    assert [d.id for d in err.value.duplicates] == [first.id]
    same_name = {**FICHE, "id_number": "", "first_name": "BENEDICTE", "surname": "kabongó"}
    with pytest.raises(adhesion.DuplicateFound) as err:
        adhesion.enrol(cashier, same_name, currency=USD)
    assert "Same name and birth date" in err.value.errors["surname"]
    assert list(Counter.select().dicts()) == counters

    req = adhesion.request_duplicate(cashier, same_id, "Second account for her shop")
    assert req.status == "pending" and req.duplicate_of.id == first.id
    with pytest.raises(ValidationError):
        adhesion.enrol(cashier, same_id, currency=USD, approval_id=req.id)
    with pytest.raises(PermissionDenied):
        adhesion.decide_duplicate(cashier, req.id, True)
    assert [r.id for r in adhesion.pending_duplicates(branch["manager"])] == [req.id]
    with pytest.raises(ValidationError):  # a refusal needs its reason
        adhesion.decide_duplicate(branch["manager"], req.id, False)
    decided = adhesion.decide_duplicate(branch["manager"], req.id, True, "Seen her ID")
    assert decided.status == "approved"
    with pytest.raises(Conflict):
        adhesion.decide_duplicate(branch["manager2"], req.id, False, "late")
    with pytest.raises(ValidationError):  # approval is for this person only
        adhesion.enrol(cashier, {**FICHE, "id_number": "999", "surname": "Other"},
                       currency=USD, approval_id=req.id)
    second = adhesion.enrol(cashier, same_id, currency=USD, approval_id=req.id).member
    assert DuplicateRequest.get_by_id(req.id).status == "used"
    assert DuplicateRequest.get_by_id(req.id).member_id == second.id
    with pytest.raises(ValidationError):  # used once
        adhesion.enrol(cashier, same_id, currency=USD, approval_id=req.id)
    actions = [a.action for a in AuditLog.select().order_by(AuditLog.seq)]
    assert "member.duplicate_request" in actions and "member.duplicate_approve" in actions


def test_the_maker_cannot_approve_his_own_request(branch, make_user):
    manager = branch["manager"]
    adhesion.enrol(branch["cashier"], FICHE, currency=USD)
    req = adhesion.request_duplicate(manager, FICHE, "Same person, new branch book")
    with pytest.raises(PermissionDenied):
        adhesion.decide_duplicate(manager, req.id, True)
    refused = adhesion.decide_duplicate(branch["manager2"], req.id, False, "Same person")
    assert refused.status == "refused"
    assert AuditLog.select().where(AuditLog.action == "member.duplicate_refuse").count() == 1


def test_a_correction_is_audited_with_before_and_after(branch):
    m = adhesion.enrol(branch["cashier"], FICHE, currency=USD).member
    with pytest.raises(ValidationError) as err:
        members.update(branch["manager"], m.id, {"phone": "12"})
    assert "phone" in err.value.errors
    detail = members.update(branch["manager"], m.id, {"phone": "+243 97 000 1111",
                                                      "address": "n° 4, avenue Bongolo"})
    assert detail.phone == "+243 97 000 1111"
    row = AuditLog.select().where(AuditLog.action == "member.update").get()
    assert '"phone": "+243 81 234 5678"' in row.before
    assert '"phone": "+243 97 000 1111"' in row.after
    assert "surname" not in row.after  # only what changed
    assert [x.id for x in members.search(branch["cashier"], "0970001111")] == [m.id]
    assert members.search(branch["cashier"], "0812345678") == []
    with pytest.raises(PermissionDenied):
        members.update(branch["cashier"], m.id, {"phone": "+243 97 000 2222"})


def test_the_card_and_the_resignation_refund_shares_with_a_bs(branch):
    cashier = branch["cashier"]
    result = adhesion.enrol(cashier, FICHE, currency=USD)
    m = result.member
    savings = Account.get(Account.number == result.savings_account)
    from mifin_tui.services.cash import counter as cash

    cash.cash_in(cashier, savings.id, 5000, party_name="Bénédicte", purpose="Épargne")
    card = member_card.card(cashier, m.id)
    assert {a.kind: a.balance for a in card.accounts} == {"savings": 5000, "shares": 1000}
    assert card.operations[0].credit == 5000
    assert card.member.civil_status == "Mariée"
    with pytest.raises(ValidationError) as err:
        member_card.request_resignation(cashier, m.id, "Leaves Kinshasa")
    assert savings.number in err.value.errors["form"]
    cash.cash_out(cashier, savings.id, 5000, party_name="Bénédicte", purpose="Retrait")
    request = member_card.request_resignation(cashier, m.id, "Leaves Kinshasa")
    assert (request.state, request.shares) == ("pending", 1000)
    with pytest.raises(Conflict):  # asked once
        member_card.request_resignation(cashier, m.id, "Leaves Kinshasa")
    with pytest.raises(Conflict, match="not approved"):  # nothing paid before the gérant
        member_card.pay_resignation(cashier, request.id)
    with pytest.raises(PermissionDenied):  # the cashier does not approve
        member_card.decide_resignation(cashier, request.id, True)
    manager = branch["manager"]
    assert [r.id for r in member_card.pending_resignations(manager)] == [request.id]
    assert member_card.decide_resignation(manager, request.id, True).state == "approved"
    before = till_cash(branch)
    done = member_card.pay_resignation(cashier, request.id)
    assert done.refund.voucher_number.startswith("BS-KIN-")
    assert till_cash(branch) == before - 1000
    assert Member.get_by_id(m.id).status == "left"
    assert {a.status for a in Account.select().where(Account.member == m.id)} == {"closed"}
    assert Account.get(Account.number == result.shares_account).balance == 0
    with pytest.raises(Conflict):
        member_card.pay_resignation(cashier, request.id)
    with pytest.raises(ValidationError):
        member_card.request_resignation(cashier, m.id, "again")
    actions = [a.action for a in AuditLog.select().where(
        AuditLog.action.startswith("member.leave")).order_by(AuditLog.seq)]
    assert actions == ["member.leave_request", "member.leave_approved", "member.leave"]


def test_a_refused_demission_pays_nothing(branch):
    cashier, manager = branch["cashier"], branch["manager"]
    m = adhesion.enrol(cashier, FICHE, currency=USD).member
    savings = Account.get((Account.member == m.id) & (Account.kind == "savings"))
    assert savings.balance == 0
    request = member_card.request_resignation(cashier, m.id, "Leaves Kinshasa")
    with pytest.raises(ValidationError):
        member_card.decide_resignation(manager, request.id, False)  # a refusal says why
    member_card.decide_resignation(manager, request.id, False, "Parts en garantie")
    with pytest.raises(Conflict, match="rejected"):
        member_card.pay_resignation(cashier, request.id)
    assert Member.get_by_id(m.id).status != "left"


# --- search -------------------------------------------------------------------------------


def test_search_by_fragment_number_phone_id_and_account(branch):
    ctx = branch["cashier"]
    result = adhesion.enrol(ctx, FICHE, currency=USD)
    m = result.member
    other = adhesion.enrol(ctx, {**FICHE, "surname": "Mukendi", "postname": "", "first_name":
                                 "Jean", "sex": "H", "id_number": "555", "phone": ""},
                           currency=USD).member
    for text in ("Kabongo", "kabongo", "KABONGÓ", "kabon", "ngal", "bened", "Bénédicte kab",
                 "KIN-000001", "kin000001", "000001", "+243 81 234 5678", "0812345678",
                 "812345", "1234567890", result.savings_account,
                 result.savings_account.replace("-", "")):
        assert [x.id for x in members.search(ctx, text)][:1] == [m.id], text
    assert [x.id for x in members.search(ctx, "mukendi jean")] == [other.id]
    assert members.search(ctx, "kabongo jean") == []
    assert members.search(ctx, "zzz") == []
    assert members.search(ctx, '"kab* OR') is not None  # FTS syntax is never passed through


# The letters of French and West/Central African names, both cases.
LETTERS = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿñœæɛɔŋ"
names = st.text(alphabet=LETTERS + LETTERS.upper() + "'- ", min_size=1, max_size=16)


@hsettings(max_examples=200, deadline=None)
@given(names)
def test_fold_ignores_case_and_accents(word):
    folded = members.fold(word)
    assert members.fold(word.upper()) == members.fold(word.lower()) == folded
    assert members.fold(folded) == folded
    assert all(not 0x300 <= ord(c) <= 0x36F for c in folded)


@hsettings(max_examples=200, deadline=None)
@given(st.sampled_from(["Kabongo", "Ngalula", "Bénédicte", "Mbuyi", "Ilunga", "Tshibangu",
                        "Ndèye", "Aïssatou", "Koné", "N'Diaye", "Jean-Marie"]),
       st.integers(min_value=1, max_value=20), st.booleans(), st.booleans())
def test_any_start_of_a_name_typed_any_way_finds_its_key(name, cut, upper, strip):
    key = members.search_key("KIN-000042", [name, "", "", ""], "", "")
    typed = name[:cut]
    typed = typed.upper() if upper else typed.lower()
    if strip:
        typed = members.fold(typed)
    tokens = members.query_tokens(typed)
    words = key.split()
    assert all(any(w.startswith(t) for w in words) for t in tokens)


@hsettings(max_examples=200, deadline=None)
@given(st.sampled_from(["+243 81 234 5678", "+221 77 123 45 67", "0812345678",
                        "+225 07 12 34 56 78"]),
       st.sampled_from(["", " ", "-", "."]))
def test_a_phone_typed_with_any_separator_finds_its_key(phone, sep):
    key = members.search_key("KIN-000042", ["A", "", "", ""], phone, "")
    local = phone.split(" ", 1)[1] if phone.startswith("+") else phone
    for typed in (phone, local, "0" + members.digits(local) if phone.startswith("+") else local):
        joined = sep.join(typed.split(" "))
        tokens = members.query_tokens(joined)
        assert len(tokens) == 1
        assert any(w.startswith(tokens[0]) for w in key.split()), (joined, key)
