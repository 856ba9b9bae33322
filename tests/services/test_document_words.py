"""Documents in the document's language and saying who decided (#19, item 7): the BS of a
withdrawal says who approved it; the reversal's ledger label and the transfer order's
destination are French in a French document; times are the institution's local time."""

from __future__ import annotations

from datetime import UTC, datetime

from mifin_tui.db.models import JournalTransaction
from mifin_tui.i18n import set_language
from mifin_tui.services.cash import transfers, vouchers
from mifin_tui.services.kernel import ledger, settings
from mifin_tui.services.kernel.documents import local_time
from mifin_tui.services.savings import deposits as savings_deposits
from mifin_tui.services.savings import opening as savings_opening
from mifin_tui.services.savings import transfers as savings_transfers
from mifin_tui.services.savings import withdrawals as savings_withdrawals
from printers.receipt import voucher_pdf
from tests.printers.conftest import pdf_text, squash, tr
from tests.services.test_savings import USD, branch, product  # noqa: F401


def test_the_bs_of_an_approved_withdrawal_names_who_approved_it(branch, tmp_path):
    c, m = branch["cashier"], branch["manager"]
    acc = branch["account"]
    for _i in range(5):
        savings_deposits.deposit(c, acc, 300_000, party_name="K", purpose="x")
    transfers.request(c, transfers.SUPPLY, USD, 500_000, "float")
    out = savings_withdrawals.withdraw(c, acc, 150_000, purpose="Achat parcelle")
    savings_withdrawals.approve_request(m, out.request.id, "Client connu")
    receipt = savings_withdrawals.pay_request(c, out.request.id)
    assert receipt.doc.approved_by == m.full_name
    text = squash(pdf_text(voucher_pdf(receipt.doc, 80), tmp_path))
    assert f"{tr('Approved by')} {m.full_name}" in text
    again = vouchers.reprint(c, receipt.voucher_number)
    assert again.approved_by == m.full_name
    # a withdrawal under the limit was approved by nobody, and says nothing of it
    small = savings_withdrawals.withdraw(c, acc, 1_000, purpose="Frais")
    assert small.receipt is not None and small.receipt.doc.approved_by == ""


def test_the_reversal_label_and_the_transfer_order_are_french(branch, make_user):
    c = branch["cashier"]
    accountant = make_user("accountant")
    deposit = savings_deposits.deposit(c, branch["account"], 5_000, party_name="K",
                                       purpose="x")
    other = savings_opening.open_account(c, branch["member"].id, product("free").id,
                                         opening_deposit=1_000).account
    set_language("fr")
    try:
        posted = ledger.reverse(accountant, deposit.txn_id, "Erreur de compte")
        label = JournalTransaction.get_by_id(posted.txn_id).label
        assert label == f"Contre-passation de {deposit.voucher_number} : Erreur de compte"
    finally:
        set_language("en")
    assert settings.get("document_language") == "fr"
    order = savings_transfers.transfer(c, branch["account"], other.id, 500, "Épargne")
    assert order.doc.purpose.startswith(f"Épargne — vers le compte {other.number} (")
    assert " to " not in order.doc.purpose


def test_one_conversion_to_the_institutions_local_time():
    moment = datetime(2026, 12, 7, 23, 30)  # stored naive UTC
    local = local_time(moment, "Africa/Kinshasa")
    assert local.replace(tzinfo=None) == datetime(2026, 12, 8, 0, 30) and local.utcoffset()
    assert local_time(moment.replace(tzinfo=UTC), "Africa/Lubumbashi").hour == 1


def test_the_fiche_labels_the_id_number_and_shows_the_account_numbers(branch, tmp_path):
    from mifin_tui.db.models import Account
    from mifin_tui.services.members import forms
    from printers.member_form import member_form_pdf

    doc = forms.form(branch["cashier"], branch["member"].id)
    number = Account.get_by_id(branch["account"]).number
    text = pdf_text(member_form_pdf(doc), tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert f"{tr('ID document number')} CD-123" in lines
    assert tr("ID document number") != "Nombre" and "Nombre CD-123" not in lines
    assert f"{tr('Account numbers')} {number}" in lines
    assert doc.printed_at.utcoffset() == local_time(
        datetime(2026, 12, 7, 12), settings.get("timezone")).utcoffset()
