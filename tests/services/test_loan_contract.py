"""The contract (two copies, DUPLICATA on a reprint) and the committee's minutes, read back
with pdftotext."""

from __future__ import annotations

import pytest

from mifin_tui.db.models import AuditLog
from mifin_tui.services.kernel.errors import Conflict, PermissionDenied
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import contract_doc as loan_contract_doc
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import disbursement as loan_disbursement
from printers.loan_contract import contract_pdf, minutes_pdf
from tests.printers.conftest import page_sizes_mm, pdf_text
from tests.services.test_loans import (  # noqa: F401
    another_product,
    approved,
    opinions,
    to_committee,
    world,
)


def test_contract_in_two_copies_then_duplicata(world, tmp_path):
    officer = world["loan_officer"]
    loan_id = to_committee(world)
    loan_applications.add_guarantor(officer, loan_id, world["guarantor"].id, 40_000)
    loan_applications.add_collateral(officer, loan_id, "goods", 250_000,
                                     description="Moulin à manioc Diesel 8 CV")
    opinions(world, loan_id)
    with pytest.raises(Conflict):
        loan_contract_doc.contract(officer, loan_id)
    loan_decision.approve(world["manager"], loan_id)
    loan_disbursement.disburse(world["cashier"], loan_id)
    doc = loan_contract_doc.contract(world["cashier"], loan_id)
    assert not doc.duplicate and doc.copies == 2
    pdf = contract_pdf(doc)
    sizes = page_sizes_mm(pdf, tmp_path)
    assert set(sizes) == {(210.0, 297.0)} and len(sizes) % 2 == 0
    text = pdf_text(pdf, tmp_path, layout=False).replace("\n", " ")
    assert text.count("CONTRAT DE CRÉDIT N° " + doc.number) >= 2
    assert "Exemplaire 1 sur 2" in text and "Exemplaire 2 sur 2" in text
    assert "MBUYI Agathe" in text and "mille dollars américains" in text
    assert "TEG" in text and "24,00 %" in text
    assert "TSHALA Rose" in text and "Moulin à manioc Diesel 8 CV" in text
    assert "L'emprunteur" in text and "Le gérant" in text
    first = doc.schedule.installments[0]
    assert first.due_date.strftime("%d/%m/%Y") in text
    assert "DUPLICATA" not in text
    again = contract_pdf(loan_contract_doc.contract(world["manager"], loan_id))
    assert "DUPLICATA" in pdf_text(again, tmp_path)
    assert AuditLog.select().where(AuditLog.action == "loan.contract_print").count() == 2
    with pytest.raises(PermissionDenied):
        loan_contract_doc.contract(world["admin"], loan_id)


def test_committee_minutes_list_each_application_and_opinion(world, tmp_path):
    first = to_committee(world)
    # one open application per member and product: the second file in another product
    second = to_committee(world, amount=50_000, purpose="Élevage de porcs à Maluku",
                          product_id=another_product(world, "HEBDO2"))
    opinions(world, first)
    opinions(world, second, kind="adjourned")
    doc = loan_contract_doc.minutes(world["committee"][0], [first, second])
    text = pdf_text(minutes_pdf(doc), tmp_path, layout=False).replace("\n", " ")
    assert "PROCÈS-VERBAL DE LA COMMISSION DE CRÉDIT" in text
    assert "2 demandes examinées" in text
    assert "Élevage de porcs à Maluku" in text and "Favorable" in text and "Ajourné" in text
    assert "Dossier léger" in text
    for member in world["committee"]:
        assert member.full_name in text
