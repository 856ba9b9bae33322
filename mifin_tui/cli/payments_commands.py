"""`mifin import payments FILE.csv --channel mobile-money|bank [--dry-run] [--pdf FILE]`:
a statement of a mobile-money operator or a bank, matched and posted (#9)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mifin_tui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    actor,
    open_db,
    require_institution,
)
from mifin_tui.i18n import N_, _

USER_HELP = N_("the accountant who acts; his password is prompted, or read from standard "
               "input")


def payments_epilog() -> str:
    from mifin_tui.services.imports.payment_file import columns_help

    return _("Columns (first line of the file; English or French headers, any case):\n"
             "{columns}\n\n"
             "Each line is matched to a loan or a savings account: a loan or account number "
             "in the reference or the text, an account number as payer, or the phone of a "
             "member (their only loan being repaid, else their only savings account). "
             "Every line is checked first: on any bad line nothing is written. A reference "
             "already imported on the channel is skipped, so a file imported twice posts "
             "nothing twice. Unmatched lines wait on the screen Unmatched payments."
             ).format(columns=columns_help())


def cmd_import_payments(args: argparse.Namespace) -> int:
    open_db(args)
    require_institution()
    from mifin_tui.services.imports import payments as payment_import

    channel = args.channel.replace("-", "_")
    ctx = actor(args)
    report = payment_import.import_payments(ctx, args.file, channel, dry_run=args.dry_run)
    for line in payment_import.summary_lines(report):
        print(line)
    if not report.ok:
        return EXIT_FAILED
    if args.pdf:
        from printers.report import report_pdf

        Path(args.pdf).write_bytes(report_pdf(payment_import.summary_table(ctx, report)))
        print(_("Summary written to {path}.").format(path=args.pdf))
    return EXIT_OK


def add_parser(imports) -> None:
    """Register `payments` under `mifin import`."""
    i = imports.add_parser("payments", help=_("import a mobile-money or bank statement (CSV)"),
                           description=_("Import a mobile-money or bank statement: match "
                                         "each payment and post it."),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    # Built when the help is shown (the columns need the store's modules): every start of
    # the interface builds this parser, and the login screen must not wait for them.
    i.epilog_factory = payments_epilog
    i.add_argument("file", metavar="FILE.csv")
    i.add_argument("--channel", required=True, choices=("mobile-money", "bank"))
    i.add_argument("--dry-run", action="store_true",
                   help=_("check and match every line, post nothing"))
    i.add_argument("--pdf", metavar="FILE", help=_("write the A4 summary to FILE"))
    i.add_argument("--user", required=True, help=_(USER_HELP))
    i.set_defaults(handler=cmd_import_payments)


# --- `mifin suspense`: payments received and not yet applied (#20) ------------------------


def cmd_suspense_list(args: argparse.Namespace) -> int:
    open_db(args)
    require_institution()
    from mifin_tui.i18n import current_language
    from mifin_tui.services.imports import suspense
    from mifin_tui.services.kernel.dates import format_date
    from mifin_tui.services.kernel.money import format_amount

    ctx = actor(args)
    found = suspense.items(ctx, status=None if args.all else suspense.OPEN_ITEM)
    if not found:
        print(_("No payment waits in suspense."))
        return EXIT_OK
    lang = current_language()
    for item in found:
        print(f"#{item.id}  {format_date(item.business_date, lang)}  {item.reference}  "
              f"{format_amount(item.amount, item.currency, lang)}  {item.payer}  "
              f"[{suspense.status_label(item.status)}{' ' + item.target if item.target else ''}]"
              f"  {item.reason}")
    return EXIT_OK


def cmd_suspense_apply(args: argparse.Namespace) -> int:
    open_db(args)
    require_institution()
    from mifin_tui.services.imports import suspense

    ctx = actor(args)
    voucher, target = suspense.apply(ctx, args.item, args.number)
    print(_("Payment #{item} applied to {target}: voucher {voucher}.").format(
        item=args.item, target=target, voucher=voucher))
    return EXIT_OK


def cmd_suspense_refund(args: argparse.Namespace) -> int:
    open_db(args)
    require_institution()
    from mifin_tui.services.imports import suspense

    ctx = actor(args)
    voucher = suspense.refund(ctx, args.item, args.note)
    print(_("Payment #{item} refunded: voucher {voucher}.").format(item=args.item,
                                                                   voucher=voucher))
    return EXIT_OK


def add_suspense_parser(add) -> None:
    """Register `mifin suspense list|apply|refund`."""
    p = add("suspense", lambda a: (p.print_help(), EXIT_USAGE)[1],
            _("payments received and not yet applied: list, apply to a loan or account, "
              "refund"))
    actions = p.add_subparsers(title=_("actions"), metavar="ACTION", parser_class=type(p))
    s = actions.add_parser("list", help=_("list the payments waiting in suspense"))
    s.add_argument("--all", action="store_true", help=_("also those applied or refunded"))
    s.add_argument("--user", required=True, help=_(USER_HELP))
    s.set_defaults(handler=cmd_suspense_list)
    s = actions.add_parser("apply", help=_("apply a payment to a loan or savings account"))
    s.add_argument("item", type=int, metavar="ITEM", help=_("the number shown by list"))
    s.add_argument("number", metavar="NUMBER", help=_("loan or savings account number"))
    s.add_argument("--user", required=True, help=_(USER_HELP))
    s.set_defaults(handler=cmd_suspense_apply)
    s = actions.add_parser("refund", help=_("refund a payment to its payer"))
    s.add_argument("item", type=int, metavar="ITEM", help=_("the number shown by list"))
    s.add_argument("--note", required=True, help=_("how the payer is refunded"))
    s.add_argument("--user", required=True, help=_(USER_HELP))
    s.set_defaults(handler=cmd_suspense_refund)
