"""`mifin schedule`: the loan simulator on the command line (table, CSV, JSON or PDF).

Works without a database (today's date, the XOF franc, the proportional TEG); with one,
the start defaults to the open business date, the currency to the institution's, the
TEG to its regulator profile's method and the due dates follow its holidays.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from mifin_tui.cli.common import EXIT_OK, EXIT_USAGE, CliError, parse_date
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel.dates import format_date

METHODS = {"declining": "declining", "equal-principal": "equal_principal", "flat": "flat"}


def add_parser(add) -> None:  # noqa: ANN001 - the `add` helper of build_parser
    p = add("schedule", cmd_schedule, _("simulate a loan's repayment schedule and its TEG"))
    p.add_argument("--principal", required=True, metavar="AMOUNT", help=_("amount lent"))
    p.add_argument("--rate", required=True, metavar="ANNUAL_PERCENT",
                   help=_("nominal annual rate in percent, e.g. 24 or 18.5"))
    p.add_argument("--installments", required=True, type=int, metavar="N")
    p.add_argument("--frequency", choices=("weekly", "biweekly", "monthly"),
                   default="weekly")
    p.add_argument("--method", choices=tuple(METHODS), default="declining")
    p.add_argument("--start", type=parse_date,
                   help=_("disbursement date (default: the open business date, or today)"))
    p.add_argument("--currency", help=_("XOF, XAF, USD or CDF (default: the "
                                        "institution's, or XOF)"))
    p.add_argument("--grace-principal", type=int, default=0, metavar="N")
    p.add_argument("--grace-interest", type=int, default=0, metavar="N")
    p.add_argument("--fee", metavar="AMOUNT|PERCENT%",
                   help=_("fees deducted at disbursement: an amount, or a percent of it"))
    p.add_argument("--round-to", metavar="N", help=_("round instalments up to a multiple "
                                                     "of this amount"))
    p.add_argument("--days-in-year", type=int, choices=(360, 365),
                   help=_("interest by actual days over this year (default: periodic)"))
    p.add_argument("--format", choices=("table", "csv", "json", "pdf"), default="table")
    p.add_argument("--output", metavar="FILE", help=_("write to FILE instead of the screen"))


def _usage(message: str) -> CliError:
    return CliError(message, EXIT_USAGE)


def _context(args: argparse.Namespace):
    """(start, currency, TEG method, calendar, institution) from the database if any."""
    from mifin_tui.cli.common import db_path

    path = db_path(args, must_exist=False)
    if not path.exists():
        return date.today(), "XOF", "proportional", None, None  # noqa: DTZ011 - no database
    from mifin_tui.db import open_database
    from mifin_tui.services.kernel import calendar, institution, regulators

    open_database(path)
    if not institution.is_initialized():
        return date.today(), "XOF", "proportional", None, None  # noqa: DTZ011
    info = institution.info()
    profile = regulators.get_profile(info.regulator)
    start = info.business_date or date.today()  # noqa: DTZ011
    return start, info.currency, institution.teg_method(profile), calendar.load(), info


def _rate_bp(text: str) -> int:
    try:
        value = Decimal(text.strip().rstrip("%").replace(",", "."))
    except InvalidOperation:
        raise _usage(_("--rate: not a number: {text}").format(text=text)) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise _usage(_("--rate: the annual rate must be between 0 and 100 (percent)."))
    bp = value * 100
    if bp != bp.to_integral_value():
        raise _usage(_("--rate: at most two decimals."))
    return int(bp)


def _amount(text: str, currency: str, option: str) -> int:
    from mifin_tui.services.kernel.money import AmountError, parse_amount

    try:
        return parse_amount(text, currency)
    except AmountError as exc:
        raise _usage(f"{option}: {exc}") from None


def build_schedule(args: argparse.Namespace):
    """The schedule and its document context from the command's arguments."""
    from mifin_tui.services.kernel.errors import ValidationError
    from mifin_tui.services.kernel.money import UnknownCurrency, get_currency
    from mifin_tui.services.loans.engine import schedule

    start, currency, teg_method, cal, info = _context(args)
    currency = (args.currency or currency).upper()
    try:
        get_currency(currency)
    except UnknownCurrency as exc:
        raise _usage(f"--currency: {exc}") from None
    if args.principal.strip().startswith("-"):
        raise _usage(_("--principal: the amount cannot be negative."))
    principal = _amount(args.principal, currency, "--principal")
    if principal <= 0:
        raise _usage(_("--principal: the amount must be more than zero."))
    if args.installments < 1:
        raise _usage(_("--installments: at least 1."))
    if args.grace_principal < 0 or args.grace_interest < 0:
        raise _usage(_("--grace-principal, --grace-interest: 0 or more."))
    fee = 0
    if args.fee:
        text = args.fee.strip()
        if text.endswith("%"):
            fee_bp = _rate_bp(text)
            fee = schedule.round_half_up(principal * fee_bp, 10_000)
        else:
            fee = _amount(text, currency, "--fee")
    round_to = _amount(args.round_to, currency, "--round-to") if args.round_to else 1
    if round_to < 1:
        raise _usage(_("--round-to: more than zero."))
    terms = schedule.ScheduleTerms(
        principal=principal, currency=currency, annual_rate_bp=_rate_bp(args.rate),
        installments=args.installments, frequency=args.frequency,
        method=METHODS[args.method], start=args.start or start,
        days_in_year=args.days_in_year, grace_principal=args.grace_principal,
        grace_interest=args.grace_interest, round_to=round_to, fee_deducted=fee,
        calendar=cal, teg_method=teg_method)
    try:
        return schedule.build(terms), info
    except ValidationError as exc:
        raise _usage("; ".join(exc.errors.values())) from None


def plain(minor: int, decimals: int) -> str:
    """Minor units as a plain decimal with exactly `decimals` places: 123450 -> 1234.50."""
    if not decimals:
        return str(minor)
    sign = "-" if minor < 0 else ""
    major, fraction = divmod(abs(minor), 10**decimals)
    return f"{sign}{major}.{fraction:0{decimals}d}"


def render_csv(s) -> str:  # noqa: ANN001
    from mifin_tui.services.kernel.money import get_currency

    d = get_currency(s.terms.currency).decimals
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["no", "due_date", "principal", "interest", "fees", "total", "balance"])
    for r in s.installments:
        w.writerow([r.no, r.due_date.isoformat(), plain(r.principal, d), plain(r.interest, d),
                    plain(r.fees, d), plain(r.total, d), plain(r.balance_after, d)])
    return out.getvalue()


def render_json(s) -> str:  # noqa: ANN001
    from mifin_tui.services.kernel.money import get_currency

    teg_percent = (s.teg * 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    data = {
        "currency": s.terms.currency,
        "decimals": get_currency(s.terms.currency).decimals,
        # The TEG in percent, two decimals (also exact in basis points, and its method).
        "teg": float(teg_percent),
        "teg_bp": s.teg_bp,
        "teg_method": s.terms.teg_method,
        "principal": s.terms.principal,
        "fees_at_disbursement": s.fees_at_disbursement,
        "net_disbursed": s.net_disbursed,
        "installments": [{"no": r.no, "due_date": r.due_date.isoformat(),
                          "principal": r.principal, "interest": r.interest, "fees": r.fees,
                          "total": r.total, "balance": r.balance_after}
                         for r in s.installments],
        "totals": {"principal": s.totals.principal, "interest": s.totals.interest,
                   "fees": s.totals.fees, "total": s.totals.total},
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def render_table(s) -> str:  # noqa: ANN001
    from tabulate import tabulate

    from mifin_tui.services.kernel.money import format_amount
    from printers.schedule import teg_text

    cur = s.terms.currency

    def fr(minor: int) -> str:
        return format_amount(minor, cur, "fr", symbol=False)

    rows = [(r.no, format_date(r.due_date, current_language()), fr(r.principal), fr(r.interest),
             fr(r.fees), fr(r.total), fr(r.balance_after)) for r in s.installments]
    rows.append(("", _("Totals"), fr(s.totals.principal), fr(s.totals.interest),
                 fr(s.totals.fees), fr(s.totals.total), ""))
    headers = (_("No."), _("Due date"), _("Principal"), _("Interest"), _("Fees"), _("Total"),
               _("Balance"))
    table = tabulate(rows, headers=headers, colalign=("right", "left") + ("right",) * 5,
                     disable_numparse=True)
    lines = [
        table, "",
        _("Amount of the loan: {amount}").format(amount=format_amount(s.terms.principal, cur)),
        _("Fees at disbursement: {amount}; amount paid out: {net}").format(
            amount=format_amount(s.fees_at_disbursement, cur),
            net=format_amount(s.net_disbursed, cur)),
        _("TEG: {teg}").format(teg=teg_text(s.teg, s.terms.teg_method, "fr")),
    ]
    return "\n".join(lines) + "\n"


def cmd_schedule(args: argparse.Namespace) -> int:
    s, info = build_schedule(args)
    if args.format == "pdf":
        if not args.output:
            raise _usage(_("A PDF needs --output FILE."))
        from mifin_tui.i18n import current_language
        from mifin_tui.services.loans.engine.documents import ScheduleDoc
        from printers.schedule import schedule_pdf

        doc = ScheduleDoc(institution=info.name if info else "Mifin",
                          branch_code=info.branch_code if info else "",
                          branch_name=info.branch_name if info else "", schedule=s,
                          language=current_language())
        data = schedule_pdf(doc)
    else:
        text = {"table": render_table, "csv": render_csv, "json": render_json}[args.format](s)
        data = text.encode("utf-8")
    if args.output:
        Path(args.output).write_bytes(data)
        print(_("Written: {path}").format(path=args.output))
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK
