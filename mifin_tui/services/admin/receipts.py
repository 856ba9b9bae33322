"""Verify a receipt: does the ledger hold exactly the transaction a slip's code describes?

A member, a cashier or an auditor types (or scans) the code printed under the QR of any
voucher; the answer is one of: found and matches, amount differs, altered since printed,
reversed, unknown, or mistyped, with the transaction as the books hold it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db.models import Entry, JournalTransaction, User
from mifin_tui.db.queries import ledger as ledger_queries
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import chain, ledger, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import local_time
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires

# status -> the verdict's words
VERDICTS = {
    "ok": N_("Found and matches: the books hold exactly this transaction."),
    "reversed": N_("Found and matches, but the transaction was reversed by {voucher}."),
    "amount_differs": N_("The amount differs: the slip says {slip}, the books say {books}."),
    "altered": N_("Does not match: the transaction in the books is not the one printed on "
                  "the slip (altered since, or the slip is not genuine)."),
    "unknown": N_("Unknown: these books hold no voucher {voucher}."),
    "invalid": N_("Mistyped code."),
}


@dataclass(frozen=True)
class ReceiptCheck:
    status: str  # one of VERDICTS
    message: str
    code: str
    voucher_number: str = ""
    business_date: date | None = None
    kind: str = ""
    label: str = ""
    username: str = ""
    posted_at: str = ""  # local time, as the slip prints it
    amount: int | None = None  # what the books say
    currency: str = ""
    reversed_by: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _amount(value: int, currency: str, language: str) -> str:
    return format_amount(value, currency, language) if currency else str(value)


@requires("receipt.verify")
def verify(ctx: Context, text: str) -> ReceiptCheck:
    """What the books say of the receipt code `text`."""
    try:
        code = chain.parse_receipt_code(text)
    except chain.BadReceiptCode as exc:
        return ReceiptCheck("invalid", str(exc), text.strip())
    shown = code.text()
    if code.branch_code != ctx.branch_code:
        return ReceiptCheck("unknown", _("Unknown: this slip is from branch {code}; these "
                                         "books are branch {ours}'s.").format(
            code=code.branch_code, ours=ctx.branch_code), shown)
    found = ledger_queries.transaction_by_voucher(code.voucher_number)
    if found is None:
        return ReceiptCheck("unknown", _(VERDICTS["unknown"]).format(
            voucher=code.voucher_number), shown)
    txn_id, reversal_id, reversal_voucher = found
    txn = JournalTransaction.get_by_id(txn_id)
    voucher, business_date, amount, stored_hash = ledger_queries.receipt_facts(txn_id)
    currency = (Entry.select(Entry.currency).where(Entry.txn == txn_id)
                .order_by(Entry.line).scalar() or "")
    facts = dict(voucher_number=voucher, business_date=txn.business_date,
                 kind=ledger.kind_label(txn.kind), label=txn.label,
                 username=User.get_by_id(txn.user_id).username,
                 posted_at=local_time(txn.posted_at, settings.get("timezone"))
                 .strftime("%d/%m/%Y %H:%M"), amount=amount, currency=currency,
                 reversed_by=reversal_voucher or (f"#{reversal_id}" if reversal_id else ""))
    if str(business_date).replace("-", "") != code.day:
        return ReceiptCheck("altered", _("Does not match: the books date voucher {voucher} "
                                         "{books}, the slip {slip}.").format(
            voucher=voucher, books=business_date, slip=code.day), shown, **facts)
    if amount != code.amount:
        return ReceiptCheck("amount_differs", _(VERDICTS["amount_differs"]).format(
            slip=_amount(code.amount, currency, ctx.language),
            books=_amount(amount, currency, ctx.language)),
            shown, **facts)
    # The link recomputed from the rows as they are now, not only the stored hash: an
    # edit that left the chain table alone shows here too.
    link = next(chain.links(only_id=txn_id), None)
    recomputed = None
    if link is not None and link.prev_hash is not None:
        recomputed = chain.link_hash(chain.ledger_key(txn_id, chain.enrolment()),
                                     link.prev_hash, link.txn, link.lines)
    if (stored_hash is None or recomputed != stored_hash
            or chain.hash_prefix(stored_hash) != code.hash_prefix):
        return ReceiptCheck("altered", _(VERDICTS["altered"]), shown, **facts)
    if reversal_id:
        return ReceiptCheck("reversed", _(VERDICTS["reversed"]).format(
            voucher=facts["reversed_by"]), shown, **facts)
    return ReceiptCheck("ok", _(VERDICTS["ok"]), shown, **facts)
