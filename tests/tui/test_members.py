"""Members screens, keys pressed as a cashier, a gérant and an administrator would.

Checked against the database (member, accounts, vouchers, audit) and the printed PDFs
read back with pdftotext.
"""

from __future__ import annotations

import shutil

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db.models import Account, AuditLog, DuplicateRequest, Member, Voucher
from mifin_tui.screens.cash.confirm import ConfirmCashScreen
from mifin_tui.screens.members.adhesion import AdhesionScreen
from mifin_tui.services.kernel import auth
from mifin_tui.services.members import adhesion
from mifin_tui.services.members import card as member_card
from mifin_tui.services.members import register as members
from tests.tui.conftest import SIZE, choose_entry, login, menu_ids, sign, type_text
from tests.tui.test_counter import counter, pdf_text, pdfs, settle  # noqa: F401

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


async def open_entry(app, pilot, entry_id: str) -> None:
    ids = menu_ids(app)
    if entry_id in ids[:9]:
        await pilot.press(str(ids.index(entry_id) + 1))  # its number in the menu
        await pilot.pause()
    else:
        await choose_entry(app, pilot, entry_id)


async def fill(pilot, app, values: dict[str, str]) -> None:
    """Type into each field by its id (the cursor put there as Tab would)."""
    for field_id, text in values.items():
        app.screen.query_one(f"#{field_id}").focus()
        await pilot.pause()
        await type_text(pilot, text)


async def test_a_cashier_types_a_complete_adhesion(counter):
    cashier = counter["users"]["caissier1"]
    members_before = Member.select().count()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, cashier.username, cashier.password)
        await open_entry(app, pilot, "adhesion")
        assert isinstance(app.screen, AdhesionScreen)
        assert app.screen.focused.id == "surname"
        # The first try: a birth date in the future and a malformed phone.
        await type_text(pilot, "Kabongó")
        await pilot.press("enter")
        await type_text(pilot, "Ngalula")
        await pilot.press("enter")
        await type_text(pilot, "Bénédicte")
        await pilot.press("enter")
        await type_text(pilot, "F")
        await pilot.press("enter")
        await type_text(pilot, "12/04/2035")
        await fill(pilot, app, {"phone": "81-2", "id_number": "CD-7788990011"})
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AdhesionScreen)
        assert screen.query_one("#error-birth_date").message == \
            "The birth date is in the future."
        assert "8 to 15 digits" in screen.query_one("#error-phone").message
        assert screen.focused.id == "birth_date"
        assert Member.select().count() == members_before

        screen.query_one("#birth_date").value = ""
        screen.query_one("#phone").value = ""
        await fill(pilot, app, {"birth_date": "12/04/1985", "birth_place": "Mbuji-Mayi",
                                "civil_status": "Mariée", "profession": "Commerçante",
                                "address": "n° 12, avenue Kasa-Vubu", "commune": "Kalamu",
                                "city": "Kinshasa", "province": "Kinshasa",
                                "phone": "+243 81 765 4321", "id_type": "Carte d'électeur",
                                "depositor": "Kabongo Bénédicte"})
        await pilot.press("enter")  # Enter on the last field validates, like F2
        await pilot.pause()
        assert isinstance(app.screen, ConfirmCashScreen)
        shown = str(app.screen.query_one("#cash-preview").render())
        assert "17.00" in shown or "17,00" in shown  # 5 + 2 + 10 USD
        await sign(pilot, counter["users"]["caissier1"].password)
        await settle(app, pilot)
        assert isinstance(app.screen, AdhesionScreen)
        result = str(app.screen.query_one("#result").render())
        assert "enrolled: KABONGÓ NGALULA Bénédicte" in result

    member = Member.get(Member.id_number == "CD-7788990011")
    assert member.status == "member" and member.civil_status == "Mariée"
    assert member.number in result
    kinds = {a.kind: a.balance for a in Account.select().where(Account.member == member)}
    assert kinds == {"savings": 0, "shares": 1000}
    fee_vouchers = list(Voucher.select().where(Voucher.purpose.contains(member.number))
                        .order_by(Voucher.number))
    assert [v.amount for v in fee_vouchers] == [500, 200, 1000]
    assert all(v.party_name == "Kabongo Bénédicte" for v in fee_vouchers)
    receipts = {p.name: pdf_text(p) for p in pdfs(counter["receipts"])}
    for voucher in fee_vouchers:
        text = next(t for name, t in receipts.items() if voucher.number in name)
        assert member.number in text
    (form,) = [p for p in pdfs(counter["documents"]) if member.number in p.name]
    form_text = pdf_text(form)
    assert "FICHE D'ADHÉSION" in form_text or "MEMBERSHIP FORM" in form_text
    assert "Mbuji-Mayi" in form_text and "CD-7788990011" in form_text
    assert "DUPLICATA" not in form_text
    # searchable at once, the way a cashier types it
    ctx = auth.login(cashier.username, cashier.password)
    for text in ("kabongo bened", "0817654321", "CD7788990011", member.number):
        assert members.search(ctx, text)[0].id == member.id, text
    assert AuditLog.select().where((AuditLog.action == "member.create")
                                   & (AuditLog.entity_id == member.number)).count() == 1


async def test_a_duplicate_waits_for_the_gerant_then_goes_through(counter):
    cashier, gerant = counter["users"]["caissier1"], counter["users"]["gerant"]
    ctx = auth.login(cashier.username, cashier.password)
    existing = members.search(ctx, "", limit=1)[0]
    row = Member.get_by_id(existing.id)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, cashier.username, cashier.password)
        await open_entry(app, pilot, "adhesion")
        await fill(pilot, app, {"surname": "Autre", "first_name": "Nom", "sex": "H",
                                "birth_date": "01/01/1980", "id_number": row.id_number})
        await pilot.press("f2")
        await pilot.pause()
        assert "Already used by member" in app.screen.query_one("#error-id_number").message
        assert existing.number in str(app.screen.query_one("#duplicates").render())
        await pilot.press("f6")
        await pilot.pause()
        await type_text(pilot, "Second account for the shop")
        await pilot.press("enter")
        await pilot.pause()
        assert "sent to the gérant" in str(app.screen.query_one("#duplicates").render())
    req = DuplicateRequest.get(DuplicateRequest.status == "pending")
    assert req.reason == "Second account for the shop"

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, gerant.username, gerant.password)
        await open_entry(app, pilot, "duplicate_approvals")
        assert "AUTRE Nom" in str(app.screen.query_one("#requests").get_row_at(0))
        await pilot.press("f2")  # approve the highlighted request
        await pilot.pause()
        await type_text(pilot, "ID seen at the counter")
        await pilot.press("enter")
        await pilot.pause()
    assert DuplicateRequest.get_by_id(req.id).status == "approved"
    assert AuditLog.select().where(AuditLog.action == "member.duplicate_approve").count() == 1

    result = adhesion.enrol(ctx, {"surname": "Autre", "first_name": "Nom", "sex": "H",
                                  "birth_date": "01/01/1980", "id_number": row.id_number},
                            currency="USD", approval_id=req.id)
    assert DuplicateRequest.get_by_id(req.id).member_id == result.member.id


async def test_the_card_prints_the_fiche_twice_then_the_member_resigns(counter):
    cashier = counter["users"]["caissier1"]
    ctx = auth.login(cashier.username, cashier.password)
    new = adhesion.enrol(ctx, {"surname": "Mbuyi", "first_name": "Ruth", "sex": "F",
                               "birth_date": "03/03/1990", "id_number": "MB-1"},
                         currency="USD").member
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, cashier.username, cashier.password)
        await open_entry(app, pilot, "member_card")
        await type_text(pilot, "mbuyi ruth")
        await pilot.press("enter")
        await pilot.pause()
        assert new.number in str(app.screen.query_one("#card-member").render())
        table = app.screen.query_one("#card-accounts")
        assert table.row_count == 2
        assert "10.00" in str(table.get_row_at(1)[2])
        assert app.screen.check_action("edit", ()) is False  # a cashier corrects nothing
        assert app.screen.check_action("go", ("statement",)) is True  # the savings screen
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("ctrl+d")
        await pilot.pause()
        await type_text(pilot, "Moves to Lubumbashi")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "waits for the manager" in str(app.screen.query_one("#card-message").render())
        assert Member.get_by_id(new.id).status != "left"  # nothing paid before the gérant
        gerant = counter["users"]["gerant"]
        (request,) = member_card.pending_resignations(
            auth.login(gerant.username, gerant.password))
        member_card.decide_resignation(auth.login(gerant.username, gerant.password),
                                       request.id, True)
        await pilot.press("ctrl+d")  # approved: the shares are refunded here
        await pilot.pause()
        await sign(pilot, cashier.password)
        await settle(app, pilot)
        assert "left on" in str(app.screen.query_one("#card-message").render())
    forms = [p for p in pdfs(counter["documents"]) if new.number in p.name]
    assert len(forms) == 2
    texts = sorted(pdf_text(p) for p in forms)
    assert sum("DUPLICATA" in t for t in texts) == 1
    member = Member.get_by_id(new.id)
    assert member.status == "left"
    refund = Voucher.get(Voucher.purpose.contains(new.number) & (Voucher.series == "BS"))
    assert refund.amount == 1000
    assert any(refund.number in p.name for p in pdfs(counter["receipts"]))


async def test_the_gerant_corrects_a_phone_from_the_card(counter):
    gerant = counter["users"]["gerant"]
    ctx = auth.login(gerant.username, gerant.password)
    member = members.search(ctx, "", limit=1)[0]
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, gerant.username, gerant.password)
        await open_entry(app, pilot, "member_card")
        await type_text(pilot, member.number)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        field = app.screen.query_one("#phone")
        assert app.screen.focused is field
        field.value = ""
        await type_text(pilot, "12")
        await pilot.press("f2")
        await pilot.pause()
        assert "8 to 15 digits" in app.screen.query_one("#error-phone").message
        field.value = ""
        await type_text(pilot, "+243 99 555 0101")
        await pilot.press("f2")
        await pilot.pause()
        assert "+243 99 555 0101" in str(app.screen.query_one("#card-member").render())
    row = AuditLog.get(AuditLog.action == "member.update")
    assert member.phone in row.before and "+243 99 555 0101" in row.after
    assert members.search(ctx, "0995550101")[0].id == member.id


async def test_the_gerant_creates_a_group_and_names_its_president(counter):
    from mifin_tui.db.models import GroupMembership, MemberGroup

    gerant = counter["users"]["gerant"]
    ctx = auth.login(gerant.username, gerant.password)
    member = members.search(ctx, "", limit=1)[0]
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, gerant.username, gerant.password)
        await open_entry(app, pilot, "groups")
        await pilot.press("f2")
        await pilot.pause()
        await type_text(pilot, "Groupe solidaire Lisanga")
        app.screen.query_one("#meeting_place").focus()
        await type_text(pilot, "Marché de la Liberté")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        await type_text(pilot, member.number)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#role").value = "president"
        await pilot.press("f2")
        await pilot.pause()
        rows = app.screen.query_one("#group-members")
        assert "President" in str(rows.get_row_at(0))
    group = MemberGroup.get(MemberGroup.name == "Groupe solidaire Lisanga")
    assert group.meeting_place == "Marché de la Liberté"
    (row,) = GroupMembership.select().where(GroupMembership.group == group)
    assert (row.member_id, row.role) == (member.id, "president")


async def test_the_administrator_imports_a_register_from_the_screen(counter, tmp_path):
    from tests.services.test_member_import import FRENCH, MIXED

    admin = counter["users"]["admin"]
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(MIXED, encoding="utf-8")
    good.write_text(FRENCH, encoding="utf-8")
    before = Member.select().count()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, admin.username, admin.password)
        await open_entry(app, pilot, "member_import")
        await type_text(pilot, str(bad))
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(app.screen.query_one("#import-summary").render())
        assert "nothing was imported" in summary
        assert "line 3, column sexe: H (male) or F (female)." in summary
        assert Member.select().count() == before
        app.screen.query_one("#path").value = ""
        await type_text(pilot, str(good))
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "3 members imported" in str(app.screen.query_one("#import-summary").render())
        assert app.screen.query_one("#import-progress").progress == 100
    assert Member.select().count() == before + 3
