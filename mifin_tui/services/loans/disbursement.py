"""Disbursement of an approved loan at the till (BS voucher) or to the linked savings
account, the waiting list of approved loans, and the same-day reversal.

At disbursement the frozen terms are re-based on the business date, the guarantors'
savings and the savings collateral are blocked (holds released by the loan only),
the loan account is debited with the principal and the fees are either kept from what
is paid out (deducted) or collected at the till with a BE voucher (upfront).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    AccountHold,
    Loan,
    LoanCollateral,
    LoanGuarantor,
    LoanInstallment,
    Member,
    TillSession,
)
from mifin_tui.i18n import _, current_language
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash import tills, vouchers
from mifin_tui.services.cash.counter import CashReceipt
from mifin_tui.services.kernel import accounts, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_datetime
from mifin_tui.services.kernel.errors import Conflict, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans.eligibility import required_savings
from mifin_tui.services.loans.engine import allocation as repayment_engine
from mifin_tui.services.loans.engine import schedule as engine
from mifin_tui.services.loans.lifecycle import (
    business_today,
    get_loan,
    money,
    move,
    require_state,
)
from mifin_tui.services.loans.terms import frozen_terms, store_schedule
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import holds as savings_holds

MODES = ("cash", "savings")


@dataclass(frozen=True)
class Disbursement:
    loan_id: int
    number: str
    mode: str
    principal: int
    fees: int
    paid_out: int
    currency: str
    voucher: CashReceipt | None      # the BS (cash) voucher
    fee_voucher: CashReceipt | None  # the BE of fees collected up front
    first_due: date


@dataclass(frozen=True)
class WaitingLoan:
    loan_id: int
    number: str
    member_number: str
    member_name: str
    product: str
    amount: int
    paid_out: int
    currency: str
    approved_at: str
    till_can_pay: bool  # the cashier's open till holds the cash


def _paid_out(loan: Loan, terms: engine.ScheduleTerms) -> int:
    return loan.amount_approved - terms.fee_deducted


def _holds(ctx: Context, loan: Loan) -> None:
    process = f"loan:{loan.number}"
    product = loan_products.get(loan.product_id)
    if product.guarantee_hold:
        for g in LoanGuarantor.select().where((LoanGuarantor.loan == loan.id)
                                              & LoanGuarantor.account.is_null(False)):
            h = savings_holds.hold_within(ctx, g.account_id, g.amount, "collateral", process,
                                          note=_("Guarantee of loan {number}").format(
                                              number=loan.number))
            LoanGuarantor.update(hold=h.id).where(LoanGuarantor.id == g.id).execute()
    for c in LoanCollateral.select().where((LoanCollateral.loan == loan.id)
                                           & (LoanCollateral.kind == "savings")):
        h = savings_holds.hold_within(
            ctx, c.account_id, c.value, "collateral", process,
            note=_("Collateral of loan {number}").format(number=loan.number))
        LoanCollateral.update(hold=h.id).where(LoanCollateral.id == c.id).execute()
    need = required_savings(product, loan.amount_approved) if loan.linked_account_id else 0
    held = sum(h.amount for h in AccountHold.select().where(
        (AccountHold.account == loan.linked_account_id) & (AccountHold.status == "active")
        & (AccountHold.process == process)))
    if need > held:
        savings_holds.hold_within(ctx, loan.linked_account_id, need - held, "collateral", process,
                                  note=_("Compulsory savings of loan {number}").format(
                                      number=loan.number))


def _release_holds(ctx: Context, loan: Loan) -> None:
    for h in AccountHold.select().where((AccountHold.process == f"loan:{loan.number}")
                                        & (AccountHold.status == "active")):
        savings_holds.release_within(ctx, h.id, f"loan:{loan.number}")


def _cash_out_of_loan(ctx: Context, loan: Loan, amount: int, party: str, label: str
                      ) -> CashReceipt:
    # cash_out refuses to take more out of an account than its balance, which is right for
    # savings; a loan account's balance grows on the debit, so the check is lifted for
    # this one posting and put back in the same transaction.
    Account.update(allow_negative=True).where(Account.id == loan.account_id).execute()
    receipt = cash.cash_out(ctx, loan.account_id, amount, party_name=party, purpose=label,
                            kind="loan_disbursement")
    Account.update(allow_negative=False).where(Account.id == loan.account_id).execute()
    return receipt


@requires("loan.disburse")
def disburse(ctx: Context, loan_id: int, mode: str = "cash") -> Disbursement:
    """Pay out an approved loan: in cash at the cashier's till (BS) or to the linked
    savings account; the schedule starts from today's business date."""
    if mode not in MODES:
        raise ValidationError({"mode": _("Cash at the till or to the linked account.")})
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        if loan.state == "disbursed":
            raise Conflict(_("This loan was disbursed already."))
        require_state(loan, "approved")
        today = business_today(ctx)
        terms = frozen_terms(loan, today)
        sched = engine.build(terms)
        member = Member.get_by_id(loan.member_id)
        party = members.display_name(member)
        product = loan_products.get(loan.product_id)
        fee_acc = accounts.internal_account(ctx.branch_id, product.gl_fees, loan.currency)
        fees = terms.fee_deducted + terms.fee_upfront
        paid_out = _paid_out(loan, terms)
        label = _("Disbursement of loan {number}").format(number=loan.number)
        voucher = fee_voucher = None
        fee_txn = None
        if mode == "cash":
            if tills.my_session(ctx) is None:
                raise ValidationError({"till": _("Open your till first.")})
            session = tills.require_session(ctx, loan.currency)
            till_cash = tills.cash_account(session.till, loan.currency).balance
            if till_cash < paid_out:
                raise ValidationError({"amount": _(
                    "The till holds only {cash}, {amount} to pay: the loan stays on the "
                    "waiting list until a vault transfer.").format(
                    cash=money(till_cash, loan.currency), amount=money(paid_out, loan.currency))})
            voucher = _cash_out_of_loan(ctx, loan, paid_out, party, label)
            disb_txn = voucher.txn_id
            if terms.fee_deducted:
                fee_txn = ledger.post(ctx, kind="loan_fee", label=_(
                    "Fees of loan {number}").format(number=loan.number), lines=[
                    ledger.Line(loan.account_id, debit=terms.fee_deducted),
                    ledger.Line(fee_acc.id, credit=terms.fee_deducted)]).txn_id
            if terms.fee_upfront:
                fee_voucher = cash.cash_in(ctx, fee_acc.id, terms.fee_upfront,
                                           party_name=party, kind="loan_fee",
                                           purpose=_("Fees of loan {number}").format(
                                               number=loan.number))
                fee_txn = fee_voucher.txn_id
        else:
            lines = [ledger.Line(loan.account_id, debit=loan.amount_approved),
                     ledger.Line(loan.linked_account_id, credit=paid_out)]
            if terms.fee_deducted:
                lines.append(ledger.Line(fee_acc.id, credit=terms.fee_deducted))
            disb_txn = ledger.post(ctx, kind="loan_disbursement", label=label,
                                   lines=lines).txn_id
            if terms.fee_upfront:
                fee_txn = ledger.post(ctx, kind="loan_fee", label=_(
                    "Fees of loan {number}").format(number=loan.number), lines=[
                    ledger.Line(loan.linked_account_id, debit=terms.fee_upfront),
                    ledger.Line(fee_acc.id, credit=terms.fee_upfront)]).txn_id
        _holds(ctx, loan)
        store_schedule(loan, sched)
        if voucher is not None:
            # the slip says what the loan owes, not what the till paid out
            vouchers.stamp_loan_figures(voucher.txn_id, repayment_engine.remaining(
                repayment_engine.state_from_schedule(sched), today))
            voucher = dataclasses.replace(voucher, doc=vouchers.build(voucher.txn_id))
        move(ctx, loan, "disbursed", mode, disbursed_by=ctx.user_id, disbursed_on=today,
             disbursement_mode=mode, disbursement_txn=disb_txn, fee_txn=fee_txn,
             teg_bp=sched.teg_bp)
    return Disbursement(loan.id, loan.number, mode, loan.amount_approved, fees, paid_out,
                        loan.currency, voucher, fee_voucher, sched.installments[0].due_date)


@requires("loan.read")
def waiting_list(ctx: Context) -> list[WaitingLoan]:
    """Approved loans not yet paid out, oldest approval first, with whether the cashier's
    open till holds the cash for each."""
    session = (TillSession.select().where((TillSession.cashier == ctx.user_id)
                                          & (TillSession.status == "open")).first())
    cash_by_currency: dict[str, int] = {}
    if session is not None:
        cash_by_currency = tills.till_balances(session.till)
    out = []
    language = current_language()
    query = (Loan.select().where((Loan.branch == ctx.branch_id) & (Loan.state == "approved"))
             .order_by(Loan.decided_at, Loan.id))
    for loan in query:
        terms = frozen_terms(loan)
        paid_out = _paid_out(loan, terms)
        member = Member.get_by_id(loan.member_id)
        out.append(WaitingLoan(
            loan.id, loan.number, member.number, members.display_name(member),
            loan_products.get(loan.product_id).name, loan.amount_approved, paid_out,
            loan.currency, format_datetime(loan.decided_at, language),
            cash_by_currency.get(loan.currency, 0) >= paid_out))
    return out


@requires("loan.reverse")
def reverse_disbursement(ctx: Context, loan_id: int, reason: str) -> None:
    """Undo a disbursement made in error, the same business day, before any repayment:
    reversing transactions, holds released, the loan approved again."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        require_state(loan, "disbursed")
        if loan.disbursed_on != business_today(ctx):
            raise Conflict(_("A disbursement is reversed only on the day it was made; "
                             "later, the accountant corrects it."))
        paid = LoanInstallment.select().where(
            (LoanInstallment.loan == loan.id)
            & ((LoanInstallment.principal_paid > 0) | (LoanInstallment.interest_paid > 0)
               | (LoanInstallment.fees_paid > 0))).exists()
        if paid:
            raise Conflict(_("Something was repaid on this loan: it cannot be reversed."))
        # The loan's own permission gates this reversal; ledger.reverse's is the
        # accountant's for any transaction.
        reverse = ledger.reverse.__wrapped__  # type: ignore[attr-defined]
        for txn_id in (loan.fee_txn_id, loan.disbursement_txn_id):
            if txn_id is not None:
                reverse(ctx, txn_id, f"{loan.number}: {reason.strip()}")
        _release_holds(ctx, loan)
        move(ctx, loan, "approved", reason.strip(), disbursed_by=None, disbursed_on=None,
             disbursement_mode="", disbursement_txn=None, fee_txn=None)


def mark_active_within(ctx: Context, loan_id: int, note: str = "") -> None:
    """disbursed -> active, inside the caller's transaction (the first repayment or the
    nightly closing after the disbursement day)."""
    move(ctx, get_loan(loan_id), "active", note)


def hold_again_within(ctx: Context, loan_id: int) -> None:
    """Put back the guarantees and collateral of a loan reopened (the repayment that
    closed it reversed), inside the caller's transaction."""
    _holds(ctx, get_loan(loan_id))


def release_within(ctx: Context, loan_id: int) -> None:
    """Free the guarantees and collateral of a loan repaid in full (inside the caller's
    transaction, #9)."""
    _release_holds(ctx, get_loan(loan_id))

