"""The labels a cash voucher prints, whatever it is printed on: the PDF roll and A4 form
(printers.receipt) and the ESC/POS text of a thermal printer (printers.escpos).

Kept apart from printers.receipt so that the text path never loads fpdf2 and its fonts.
"""

from __future__ import annotations

from mifin_tui.i18n import N_, translator

# The voucher's labels (msgids), translated into the document's language when printed.
LABELS = {
    "duplicate": N_("DUPLICATE"),
    "branch": N_("Branch: {name} ({code})"),
    "number": N_("No. {number}"),
    "reversal": N_("Reversal of voucher {number}"),
    "business_date": N_("Business date"),
    "posted_at": N_("Posted at"),
    "account": N_("Account"),
    "holder": N_("Account holder"),
    "party_id": N_("ID document"),
    "purpose": N_("Purpose"),
    "amount": N_("Amount"),
    "words": N_("In words:"),
    "balance": N_("Balance after"),
    "cashier": N_("Cashier"),
    "till": N_("Till"),
    "approved_by": N_("Approved by"),
    "remaining": N_("Remaining on the loan"),
    "code": N_("Verification code"),
}


def labels(language: str) -> dict[str, str]:
    """The labels in `language`."""
    t = translator(language)
    return {key: t(msgid) for key, msgid in LABELS.items()}
