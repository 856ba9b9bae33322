"""Payments of a statement matched to a loan or a savings account (#9), in this order:
a loan or savings account number inside the reference, then the text; the payer column
holding an account number; the payer's phone (the member's only loan being repaid in the
line's currency, else his only active savings account in it). Anything else stays
unmatched, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mifin_tui.db.models import Account, Loan, Member, PaymentImportLine, Repayment, SavingsAccount
from mifin_tui.i18n import _
from mifin_tui.services.imports.payment_file import _NUMBER_RE, MATCHED, UNMATCHED, Line
from mifin_tui.services.kernel import numbering
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.loans import states as loan_states
from mifin_tui.services.members import register as members


@dataclass(frozen=True)
class Target:
    loan_id: int | None
    account_id: int | None
    number: str


def numbers_in(text: str) -> list[str]:
    found = []
    for raw in _NUMBER_RE.findall(text.upper()):
        try:
            found.append(numbering.normalize_account_number(raw))
        except ValueError:
            continue
    return found


def by_number(ctx: Context, number: str) -> Target | None:
    """The loan whose account is `number`, or the savings account `number` (few columns
    read: a statement matches hundreds of lines)."""
    found = (Account.select(Account.id, Account.kind).where(
        (Account.number == number) & (Account.branch == ctx.branch_id)).tuples().first())
    if found is None:
        return None
    account_id, kind = found
    if kind == "loan":
        loan = Loan.select(Loan.id).where(Loan.account == account_id).tuples().first()
        return Target(loan[0], None, number) if loan is not None else None
    if kind == "savings":
        return Target(None, account_id, number)
    return None


class Phones:
    """The branch's members by every way their phone is written (built once a file)."""

    def __init__(self, branch_id: int) -> None:
        self.numbers: dict[str, Target | None] = {}  # account numbers already looked up
        self.members: dict[str, set[int]] = {}
        for member_id, phone in (Member.select(Member.id, Member.phone)
                                 .where((Member.branch == branch_id) & (Member.phone != ""))
                                 .tuples()):
            for variant in members.phone_variants(phone):
                self.members.setdefault(variant, set()).add(member_id)

    def find(self, phone: str) -> set[int]:
        out: set[int] = set()
        for variant in members.phone_variants(phone):
            out |= self.members.get(variant, set())
        return out


def _by_phone(phones: Phones, line: Line) -> tuple[Target | None, str]:
    found = phones.find(line.payer)
    if not found:
        return None, ""
    if len(found) > 1:
        return None, _("Phone {phone} is that of {n} members: choose the loan or the "
                       "account.").format(phone=line.payer, n=len(found))
    member_id = next(iter(found))
    loans = list(Loan.select().where((Loan.member == member_id)
                                     & (Loan.currency == line.currency)
                                     & Loan.state.in_(loan_states.SERVICED)))
    if len(loans) == 1:
        return Target(loans[0].id, None, loans[0].number), ""
    if len(loans) > 1:
        return None, _("The payer has {n} loans being repaid: choose one.").format(
            n=len(loans))
    accs = list(Account.select().join(SavingsAccount, on=(SavingsAccount.account == Account.id))
                .where((Account.member == member_id) & (Account.kind == "savings")
                       & (Account.status == "active") & (Account.currency == line.currency)))
    if len(accs) == 1:
        return Target(None, accs[0].id, accs[0].number), ""
    if len(accs) > 1:
        return None, _("The payer has no loan and {n} savings accounts: choose one.").format(
            n=len(accs))
    return None, _("The payer has no loan or savings account in {currency}.").format(
        currency=line.currency)


def match(ctx: Context, line: Line, phones: Phones) -> None:
    """Set the line's target and the rule that found it, or the reason it has none."""
    for source, text in (("reference", line.reference), ("text", line.text),
                         ("account", line.payer)):
        for number in numbers_in(text):
            if number not in phones.numbers:
                phones.numbers[number] = by_number(ctx, number)
            target = phones.numbers[number]
            if target is not None:
                set_target(line, target, source)
                return
    target, reason = _by_phone(phones, line)
    if target is not None:
        set_target(line, target, "phone")
        return
    line.status = UNMATCHED
    line.reason = reason or _("No loan, account or member's phone found in the line.")


def set_target(line: Line, target: Target, rule: str) -> None:
    line.loan_id, line.account_id, line.target = target.loan_id, target.account_id, \
        target.number
    line.matched_by, line.status, line.reason = rule, MATCHED, ""


def known_references(channel: str, references: Iterable[str]) -> set[str]:
    refs = list(references)
    known: set[str] = set()
    for start in range(0, len(refs), 500):
        chunk = refs[start:start + 500]
        known |= {r for (r,) in PaymentImportLine.select(PaymentImportLine.reference).where(
            (PaymentImportLine.channel == channel)
            & PaymentImportLine.reference.in_(chunk)).tuples()}
        known |= {r for (r,) in Repayment.select(Repayment.reference).where(
            (Repayment.channel == channel) & Repayment.reference.in_(chunk)).tuples()}
    return known
