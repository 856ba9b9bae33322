"""The books' evidence at the shell: the key file, and a receipt checked against the books."""

from __future__ import annotations

import argparse

from mifin_tui.cli.admin_commands import operator
from mifin_tui.cli.common import EXIT_FAILED, EXIT_OK, open_db
from mifin_tui.i18n import _


def cmd_keygen(args: argparse.Namespace) -> int:
    open_db(args)
    enrol()
    return EXIT_OK


def enrol() -> None:
    """Enrol the open books in the key file (`mifin keygen`, `mifin init --keygen`)."""
    from mifin_tui.services.kernel import chain

    ctx = operator()
    path = chain.key_path()
    entry = chain.enrol(ctx, path)
    print(_("Books enrolled in the key file {path}: ledger from transaction {ledger}, audit "
            "log from row {audit}.").format(path=path, ledger=entry.ledger_from,
                                            audit=entry.audit_from))
    print(_("Keep a copy of this file in a safe place, away from the database: without it "
            "`mifin check` cannot prove the chains. Every Mifin session on this machine "
            "must read it (default path, MIFIN_KEY_FILE or --key-file)."))


def cmd_verify_receipt(args: argparse.Namespace) -> int:
    from mifin_tui.services.admin import receipts
    from mifin_tui.services.kernel.money import format_amount

    open_db(args)
    result = receipts.verify(operator(), args.code)
    print(result.message)
    if result.voucher_number:
        print(_("Voucher {voucher} of {date}: {kind} — {label}").format(
            voucher=result.voucher_number, date=result.business_date, kind=result.kind,
            label=result.label))
        if result.amount is not None and result.currency:
            print(_("Amount in the books: {amount}; posted by {user} at {at}.").format(
                amount=format_amount(result.amount, result.currency), user=result.username,
                at=result.posted_at))
    return EXIT_OK if result.ok else EXIT_FAILED
