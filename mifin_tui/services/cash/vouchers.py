"""Vouchers rebuilt from the books: the first print and a reprint months later are
the same text, because both are read from the ledger and the voucher row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    Branch,
    Entry,
    Institution,
    JournalTransaction,
    Repayment,
    Till,
    User,
    Voucher,
    VoucherLoanFigures,
    WithdrawalRequest,
)
from mifin_tui.i18n import N_, _, translator
from mifin_tui.services.kernel import audit, chain, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import (
    AmountLine,
    Remaining,
    VoucherDoc,
    local_time,
)
from mifin_tui.services.kernel.errors import NotFound
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.kernel.words import amount_in_words
from mifin_tui.services.members import register as members

TITLES = {
    "BE": N_("CASH RECEIPT VOUCHER"),
    "BS": N_("CASH PAYMENT VOUCHER"),
    "BR": N_("REPAYMENT VOUCHER"),
    "TC": N_("CASH TRANSFER VOUCHER"),
}
PARTY_LABELS = {"in": N_("Depositor"), "out": N_("Beneficiary"), "mov": N_("Requested by")}
SIGNATURES = {
    "in": (N_("Cashier"), N_("Client"), N_("Manager")),
    "out": (N_("Cashier"), N_("Client"), N_("Manager")),
    "mov": (N_("Cashier"), N_("Manager")),
}
# The split a BR prints, each part in figures and in words.
BR_PARTS = (("principal", N_("Principal")), ("interest", N_("Interest")),
            ("penalties", N_("Penalties")), ("fees", N_("Fees")))
COPIES = (N_("Client copy"), N_("Till copy"))
TRANSFER_COPIES = (N_("Till copy"), N_("Vault copy"))


def _holder(acc: Account) -> str:
    return members.display_name(acc.member) if acc.member_id else acc.name


def build(txn_id: int, *, duplicate: bool = False, language: str | None = None) -> VoucherDoc:
    """Everything a voucher prints, read back from the ledger."""
    v = Voucher.get_or_none(Voucher.txn == txn_id)
    if v is None:
        raise NotFound(_("No voucher for transaction {id}.").format(id=txn_id))
    lang = language or settings.get("document_language")
    t = translator(lang)
    txn = JournalTransaction.get_by_id(txn_id)
    branch = Branch.get_by_id(txn.branch_id)
    inst = Institution.get_by_id(branch.institution_id)
    till = Till.get_by_id(v.till_id)
    cashier = User.get_by_id(txn.user_id)
    account_number = holder = None
    balance_after = None
    if v.client_account_id:
        acc = Account.get_by_id(v.client_account_id)
        account_number, holder = acc.number, _holder(acc)
        line = Entry.get_or_none((Entry.txn == txn_id) & (Entry.account == acc.id))
        if line is not None and acc.member_id:
            balance_after = line.balance_after
    breakdown: tuple[AmountLine, ...] = ()
    rep = Repayment.get_or_none(Repayment.txn == txn_id) if v.series == "BR" else None
    if rep is not None:
        breakdown = tuple(
            AmountLine(f"{t(label)} ({amount_in_words(getattr(rep, part), v.currency, lang)})",
                       getattr(rep, part))
            for part, label in BR_PARTS if part != "fees" or rep.fees)
    approved_by = ""
    if v.series == "BS":
        request = WithdrawalRequest.get_or_none(WithdrawalRequest.txn == txn_id)
        if request is not None and request.decided_by_id is not None:
            approved_by = User.get_by_id(request.decided_by_id).full_name
    remaining: tuple[AmountLine, ...] = ()
    figures = VoucherLoanFigures.get_or_none(VoucherLoanFigures.txn == txn_id)
    if figures is not None:
        # a voucher that moved a loan: its three remaining figures, labelled as on the
        # repayment screen, instead of the loan account's ledger balance
        remaining = Remaining(v.currency, figures.principal, figures.total_due,
                              figures.payoff).lines(t)
        balance_after = None
    reversal_of = None
    if txn.reverses_id:
        reversal_of = JournalTransaction.get_by_id(txn.reverses_id).voucher_number
    return VoucherDoc(
        institution=inst.name, branch_code=branch.code, branch_name=branch.name,
        series=v.series, title=t(TITLES[v.series]), number=v.number,
        business_date=txn.business_date,
        posted_at=local_time(txn.posted_at, settings.get("timezone")),
        currency=v.currency, amount=v.amount,
        amount_words=amount_in_words(v.amount, v.currency, lang),
        purpose=v.purpose, party_label=t(PARTY_LABELS[v.direction]),
        party_name=v.party_name, party_id=v.party_id,
        account_number=account_number, account_holder=holder, balance_after=balance_after,
        breakdown=breakdown,
        cashier=cashier.full_name, till=f"{till.code} — {till.name}",
        signatures=tuple(t(s) for s in SIGNATURES[v.direction]),
        copies=tuple(t(c) for c in (TRANSFER_COPIES if v.direction == "mov" else COPIES)),
        duplicate=duplicate, language=lang, reversal_of=reversal_of, remaining=remaining,
        approved_by=approved_by, receipt_code=chain.receipt_code(txn_id),
    )


def stamp_loan_figures(txn_id: int, left: Remaining) -> None:
    """Keep a loan's remaining figures after the voucher of `txn_id` beside it, once, for
    its print and every reprint (inside the caller's write transaction)."""
    VoucherLoanFigures.create(txn=txn_id, principal=left.principal,
                              total_due=left.total_due, payoff=left.payoff)


def loan_figures_rows(items: list[tuple[int, Remaining]]) -> list[dict[str, int]]:
    """The rows `stamp_loan_figures` writes, for a batch (`db.bulk.insert_rows`)."""
    return [{"txn": txn, "principal": r.principal, "total_due": r.total_due,
             "payoff": r.payoff} for txn, r in items]


@dataclass(frozen=True)
class VoucherSummary:
    txn_id: int
    number: str
    business_date: date
    series: str
    amount: int
    currency: str
    party_name: str
    purpose: str


@requires("voucher.reprint")
def find(ctx: Context, text: str = "", limit: int = 50) -> list[VoucherSummary]:
    """Vouchers of the branch whose number contains `text`, newest first."""
    query = (Voucher.select(Voucher, JournalTransaction)
             .join(JournalTransaction)
             .where(JournalTransaction.branch == ctx.branch_id)
             .order_by(Voucher.txn.desc()).limit(limit))
    if text.strip():
        query = query.where(Voucher.number.contains(text.strip().upper()))
    return [VoucherSummary(v.txn_id, v.number, v.txn.business_date, v.series, v.amount,
                           v.currency, v.party_name, v.purpose) for v in query]


@requires("voucher.reprint")
def reprint(ctx: Context, number: str) -> VoucherDoc:
    """The voucher again, marked DUPLICATA; every reprint is audited."""
    v = Voucher.get_or_none(Voucher.number == number.strip().upper())
    if v is None:
        raise NotFound(_("No voucher {number}.").format(number=number))
    doc = build(v.txn_id, duplicate=True)
    with write_transaction():
        audit.record(ctx, "voucher.reprint", "voucher", v.number)
    return doc
