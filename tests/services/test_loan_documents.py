"""Documents a member can trust (#19): the disbursement slip (BS), the repayment voucher
(BR) and the contract read back from their PDFs with pdftotext carry the loan's figures
labelled as the repayment screen shows them (`repayment_writer.remaining`, the screen's service
function); the contract is complete for the regulator profile; a rescheduled loan's
contract is the loan as it stands."""

from __future__ import annotations

from datetime import timedelta

from mifin_tui import db
from mifin_tui.db.models import Branch, Loan, LoanInstallment, LoanProduct
from mifin_tui.i18n import translator
from mifin_tui.screens.loans.repayment import remaining_lines
from mifin_tui.services.cash import vouchers
from mifin_tui.services.kernel import settings
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.words import amount_in_words
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import contract_doc as loan_contract_doc
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import repayment_writer as balances
from mifin_tui.services.loans import repayments, reschedule
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.widgets.formatting import fmt_amount
from printers.loan_contract import contract_pdf
from printers.receipt import voucher_pdf
from tests.printers.conftest import pdf_text, squash, tr
from tests.services.test_loans import USD, approved, opinions, to_committee, world  # noqa: F401
from tests.services.test_repayments import age, disbursed


def fr(minor: int) -> str:
    return format_amount(minor, USD, "fr")


def _labelled(text: str, left: engine.Remaining) -> None:
    """Each of the three figures is printed with its label: the label's first line and
    the amount on one line (a long label wraps in its column)."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    flat = squash(text)
    for line in left.lines(lambda m: tr(m)):
        words = line.label.split()
        assert all(w in flat for w in words), (line.label, text)
        assert any(row.endswith(fr(line.amount)) and row.startswith(words[0])
                   for row in lines), (line.label, fr(line.amount), text)


def test_the_disbursement_slip_says_what_the_loan_owes_not_what_was_paid(world, tmp_path):
    loan_id = approved(world)
    out = loan_disbursement.disburse(world["cashier"], loan_id)
    loan = Loan.get_by_id(loan_id)
    assert out.paid_out < loan.amount_approved  # the fees were kept from the cash
    left = balances.remaining(world["cashier"], loan_id)
    assert left.principal == loan.amount_approved == left.payoff
    assert left.total_due == sum(r.principal_due + r.interest_due + r.fees_due
                                 for r in LoanInstallment.select().where(
                                     LoanInstallment.loan == loan_id))
    doc = out.voucher.doc
    assert doc.balance_after is None
    assert doc.remaining == left.lines(translator(doc.language))
    text = pdf_text(voucher_pdf(doc, 80), tmp_path)
    _labelled(text, left)
    assert tr("Balance after") not in text
    # the reprint says the same
    again = pdf_text(voucher_pdf(vouchers.reprint(world["cashier"], doc.number), 80), tmp_path)
    _labelled(again, left)


def test_the_br_and_the_screen_carry_the_same_labelled_figures(world, tmp_path):
    cashier = world["cashier"]
    loan_id = disbursed(world)
    rows = age(loan_id, 2)
    before = balances.remaining(cashier, loan_id)
    preview = repayments.preview(cashier, loan_id, rows[0].interest_due + 5_000)
    receipt = repayments.repay(cashier, loan_id, rows[0].interest_due + 5_000,
                               party_name="Agathe")
    left = balances.remaining(cashier, loan_id)  # what the screen shows after it
    assert preview.after == left
    assert left.principal == before.principal - receipt.applied.principal
    assert left.total_due == receipt.remaining == before.total_due - preview.amount
    assert left.payoff < left.total_due  # future interest is not charged on a payoff
    assert receipt.doc.remaining == left.lines(translator(receipt.doc.language))
    # the screen's lines are the same figures with the same labels (English here)
    screen = remaining_lines(left)
    for row, line in zip(screen, left.lines(translator("en")), strict=True):
        assert row.startswith(line.label) and row.endswith(fmt_amount(line.amount, USD))
    text = pdf_text(voucher_pdf(receipt.doc, 80), tmp_path)
    _labelled(text, left)
    # a later repayment does not change what the first BR says on a reprint
    repayments.repay(cashier, loan_id, 1_000, party_name="Agathe")
    reprinted = vouchers.reprint(cashier, receipt.voucher_number)
    _labelled(pdf_text(voucher_pdf(reprinted, 80), tmp_path), left)


def test_the_contract_is_complete_and_carries_the_loans_figures(world, tmp_path):
    officer = world["loan_officer"]
    with db.write_transaction():
        LoanProduct.update(penalty_kind="daily", penalty_value=10, penalty_grace_days=3,
                           penalty_cap_bp=1000, allocation_sweep="component").execute()
        Branch.update(city="Kinshasa").execute()
    loan_id = to_committee(world)
    loan_applications.add_guarantor(officer, loan_id, world["guarantor"].id, 40_000,
                                    account_id=world["g_account"])
    opinions(world, loan_id)
    loan_decision.approve(world["manager"], loan_id)
    approved_doc = loan_contract_doc.contract(officer, loan_id)
    assert {h.kind for h in approved_doc.holds} == {"guarantee", "compulsory"}
    loan_disbursement.disburse(world["cashier"], loan_id)
    doc = loan_contract_doc.contract(world["cashier"], loan_id)
    left = balances.remaining(world["cashier"], loan_id)
    text = pdf_text(contract_pdf(doc), tmp_path, layout=False)
    flat = squash(text)
    # the figures the screen shows right after the payout
    assert fr(left.principal) in flat and fr(left.total_due) in flat
    loan = Loan.get_by_id(loan_id)
    # penalty rate and how it is computed, with its cap
    assert "pénalité de 0,10 % par jour de son capital et de ses intérêts impayés" in flat
    assert "3 jours après sa date d'échéance" in flat and "10,00 % de son capital" in flat
    # compulsory savings and every hold with its account
    assert "Épargne obligatoire : 10,00 % du crédit, soit 100,00 USD" in flat
    g_number = next(h.account_number for h in doc.holds if h.kind == "guarantee")
    c_number = next(h.account_number for h in doc.holds if h.kind == "compulsory")
    assert f"aval : 400,00 USD sur le compte {g_number} (TSHALA Rose)" in flat
    assert f"épargne obligatoire : 100,00 USD sur le compte {c_number}" in flat
    assert "TSHALA Rose" in flat and "400,00 USD" in flat
    # the allocation order, the prepayment and dispute clauses, place and date
    assert "imputé sur l'ensemble des échéances dues" in flat
    assert "Article 6 - Remboursement anticipé" in flat and "Article 7 - Litiges" in flat
    assert "tribunal compétent de Kinshasa" in flat
    assert f"Fait à Kinshasa, le {format_date(loan.disbursed_on, 'fr')}" in flat
    assert doc.teg_reference and squash(doc.teg_reference) in flat


def test_the_contract_names_the_branch_once(world, tmp_path):
    with db.write_transaction():
        Branch.update(name="Agence de Kalamu").execute()
    loan_id = approved(world)
    text = squash(pdf_text(contract_pdf(loan_contract_doc.contract(world["loan_officer"],
                                                                   loan_id)),
                           tmp_path, layout=False))
    assert "(Agence de Kalamu), représentée par son gérant" in text
    assert "agence de Agence" not in text


def test_the_contract_of_a_rescheduled_loan_is_the_loan_as_it_stands(world, tmp_path):
    officer, manager = world["loan_officer"], world["manager"]
    loan_id = disbursed(world)
    rows = age(loan_id, 3)
    repayments.repay(world["cashier"], loan_id, rows[0].interest_due + 1_000,
                     party_name="Agathe")
    req = reschedule.request(officer, loan_id, 40, 2000, "Perte de stock après l'incendie")
    applied = reschedule.approve(manager, req, "Vu au comité")
    new = list(LoanInstallment.select().where(
        (LoanInstallment.loan == loan_id) & (LoanInstallment.due_date > applied.day))
        .order_by(LoanInstallment.no))
    principal = sum(r.principal_due for r in new)
    first = new[0]
    first_total = first.principal_due + first.interest_due + first.fees_due \
        + first.penalties_due
    total = sum(r.principal_due + r.interest_due + r.fees_due + r.penalties_due for r in new)
    # what the rebuilt terms alone would say: less than the loan requires (the carried
    # interest is on the first new instalment)
    assert applied.schedule.installments[0].total < first_total
    doc = loan_contract_doc.contract(officer, loan_id)
    assert doc.amendment and doc.schedule.terms.principal == principal
    assert doc.schedule.installments[0].total == first_total
    assert doc.schedule.totals.total == total
    text = squash(pdf_text(contract_pdf(doc), tmp_path, layout=False))
    # the figures and the words from the same amount
    assert f"{fr(principal)} ({amount_in_words(principal, USD, 'fr')})" in text
    assert fr(first_total) in text and fr(total) in text
    assert "AVENANT" in text
    left = balances.remaining(world["cashier"], loan_id)
    assert left.principal == principal and left.total_due == total
    assert settings.get("document_language") == "fr"
    assert timedelta(0) <= new[0].due_date - applied.day
