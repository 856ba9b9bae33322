"""Money received is always booked (#20): an operator's statement imported with a line
above what the loan takes (a "refuse" product) and a line nobody matches. What cannot be
applied waits in "paiements reçus à affecter" with its reference; GL 551 (the operator's
clearing account) equals the statement; a re-import adds nothing; the accountant applies
an item to a loan and refunds another, the ledger checked after each step."""

from __future__ import annotations

import peewee as pw
import pytest

from mifin_tui.db.models import (
    Entry,
    GLAccount,
    LoanInstallment,
    LoanProduct,
    PaymentImportLine,
    PaymentSuspense,
    Repayment,
)
from mifin_tui.services.admin import check
from mifin_tui.services.imports import payments as pi
from mifin_tui.services.imports import suspense
from mifin_tui.services.kernel.errors import ValidationError
from tests.services.test_loans import USD, world  # noqa: F401
from tests.services.test_payment_import import setup, usd, write


def gl(key: str) -> tuple[str, int]:
    """(code, debit balance in USD) of the GL account a profile key maps to."""
    account = GLAccount.get(GLAccount.key == key)
    total = (Entry.select(pw.fn.COALESCE(pw.fn.SUM(Entry.debit - Entry.credit), 0))
             .where((Entry.gl_account == account.id) & (Entry.currency == USD)).scalar())
    return account.code, total


def due_unpaid(loan_id: int, up_to) -> int:
    return sum(r.principal_due - r.principal_paid + r.interest_due - r.interest_paid
               + r.fees_due - r.fees_paid for r in LoanInstallment.select().where(
                   (LoanInstallment.loan == loan_id) & (LoanInstallment.due_date <= up_to)))


@pytest.fixture
def imported(world, tmp_path):  # noqa: F811
    s = setup(world)
    loan = s["loan"]
    due = due_unpaid(loan.id, loan.disbursed_on)
    assert due > 0
    over = due + 1_227  # 12.27 USD more than what is due: the product refuses the excess
    body = (f"{s['day']};MP-OVER;;{usd(over)};Remb. {loan.number}\n"
            f"{s['day']};MP-LOST;0700000000;40.00;inconnu\n"
            f"{s['day']};MP-SAV;{s['g_number'].replace('-', '')};10.00;\n")
    path = write(tmp_path, body)
    report = pi.import_payments(world["accountant"], path, "mobile_money")
    return dict(s, path=path, report=report, due=due, statement=over + 4_000 + 1_000)


def test_what_cannot_be_applied_waits_in_suspense_and_551_equals_the_statement(
        world, imported):
    loan = imported["loan"]
    lines = {line.reference: line for line in imported["report"].lines}
    # the loan takes what is due, the rest waits; the unknown payer waits whole
    assert lines["MP-OVER"].status == "posted" and "suspense" in lines["MP-OVER"].reason
    assert Repayment.get(Repayment.reference == "MP-OVER").amount == imported["due"]
    assert lines["MP-LOST"].status == "unmatched"
    assert lines["MP-SAV"].status == "posted"
    items = {i.reference: i for i in suspense.items(world["accountant"])}
    assert {r: (i.amount, i.status) for r, i in items.items()} == {
        "MP-OVER": (1_227, "open"), "MP-LOST": (4_000, "open")}
    assert "above what loan" in items["MP-OVER"].reason
    # every suspense OD carries its reference
    for ref, item in items.items():
        row = PaymentSuspense.get_by_id(item.id)
        assert ref in row.txn.label and row.txn.voucher_series == "OD"
    assert gl("mobile_money") == ("551", imported["statement"])
    assert gl("payments_suspense") == ("461", -(1_227 + 4_000))  # a credit balance
    assert check.run().ok

    # imported again: every line skipped, nothing doubled
    again = pi.import_payments(world["accountant"], imported["path"], "mobile_money")
    assert {line.status for line in again.lines} == {"skipped"}
    assert gl("mobile_money") == ("551", imported["statement"])
    assert PaymentSuspense.select().count() == 2
    assert Repayment.select().where(Repayment.loan == loan.id).count() == 1


def test_the_accountant_applies_an_item_to_a_loan_and_refunds_another(world, imported):
    acc, loan = world["accountant"], imported["loan"]
    items = {i.reference: i for i in suspense.items(acc)}
    with pytest.raises(ValidationError):
        suspense.refund(acc, items["MP-LOST"].id, "  ")
    with pytest.raises(ValidationError) as err:
        suspense.apply(acc, items["MP-LOST"].id, "KIN-99-0000001-00")
    assert "number" in err.value.errors
    # nothing is due any more and the product refuses more: refused, nothing written
    with pytest.raises(ValidationError, match="refused"):
        suspense.apply(acc, items["MP-LOST"].id, loan.number)
    assert gl("payments_suspense")[1] == -(1_227 + 4_000)
    # the institution lets the product take payments ahead (next instalments first)
    LoanProduct.update(excess_policy="future_in_order").where(
        LoanProduct.id == loan.product_id).execute()
    voucher, target = suspense.apply(acc, items["MP-LOST"].id, loan.number)
    assert target == loan.number and voucher.startswith("BR-")
    rep = Repayment.get((Repayment.loan == loan.id) & (Repayment.channel == "suspense"))
    assert rep.amount == 4_000 and rep.reference.endswith("-MP-LOST")
    line = PaymentImportLine.get(PaymentImportLine.reference == "MP-LOST")
    assert (line.status, line.loan_id, line.txn_id) == ("posted", loan.id, rep.txn_id)
    assert pi.open_lines(acc) == []
    with pytest.raises(ValidationError):  # applied once only
        suspense.apply(acc, items["MP-LOST"].id, loan.number)
    assert gl("payments_suspense")[1] == -1_227
    assert gl("mobile_money")[1] == imported["statement"]  # applying moves no cash

    od = suspense.refund(acc, items["MP-OVER"].id, "Sent back by M-Pesa, ref. RB-77")
    assert od.startswith("OD-")
    assert gl("payments_suspense")[1] == 0
    # the operator paid the excess back: the clearing account follows its statement
    assert gl("mobile_money")[1] == imported["statement"] - 1_227
    assert {i.status for i in suspense.items(acc, status=None)} == {"applied", "refunded"}
    assert suspense.items(acc) == []
    assert check.run().ok
