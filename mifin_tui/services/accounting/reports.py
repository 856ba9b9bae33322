"""The accountant's reports: general journal, trial balance (balance générale), account
sheet (fiche de compte), balance sheet and income statement in the profile's chart.

Figures are summed by the database (one GROUP BY over the entries of the period, joined
to their transaction for its business date), never by loading the entries: the trial
balance of two million entries is one scan. Each function returns a `ReportTable` in
one currency (amounts of different currencies never add up); `branch` None means the
whole institution.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from mifin_tui.db.models import Account, Branch, GLAccount, Institution
from mifin_tui.db.queries import accounting as queries
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel import clock, numbering, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date, stored_date
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.reports.table import (
    DATE,
    HEADING,
    MONEY,
    PLAIN,
    SUBTOTAL,
    TEXT,
    Column,
    ReportTable,
)

PERMISSION = "report.accounting"


@dataclass(frozen=True)
class Scope:
    """Where the figures come from: one branch or all, one currency."""

    branch_id: int | None
    branch_label: str
    currency: str
    institution: str
    regulator: str


def _scope(ctx: Context, currency: str | None = None, branch: str | None = None) -> Scope:
    inst = Institution.select().first()
    errors: dict[str, str] = {}
    cur = (currency or inst.currency).strip().upper()
    from mifin_tui.services.kernel.money import CURRENCIES

    if cur not in CURRENCIES:
        errors["currency"] = _("Unknown currency {code}.").format(code=cur)
    branch_id, label = None, _("All branches")
    if branch:
        row = Branch.get_or_none(Branch.code == branch.strip().upper())
        if row is None:
            errors["branch"] = _("No branch {code}.").format(code=branch.strip().upper())
        else:
            branch_id, label = row.id, f"{row.code} {row.name}"
    if errors:
        raise ValidationError(errors)
    return Scope(branch_id, label, cur, inst.name, inst.regulator)


def _check_period(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise ValidationError({"date_from": _("The period starts after it ends.")})


def year_start(day: date) -> date:
    return day.replace(month=1, day=1)


def _fmt(day: date) -> str:
    return format_date(day, current_language())


def _table(ctx: Context, sc: Scope, name: str, title: str, subtitle: str,
           columns: list[Column], rows: list[tuple], **kw: object) -> ReportTable:
    zone = ZoneInfo(settings.get("timezone"))
    return ReportTable(
        name=name, title=title, subtitle=f"{subtitle} — {sc.branch_label} — {sc.currency}",
        columns=tuple(columns), rows=rows, institution=sc.institution, branch=sc.branch_label,
        printed_by=ctx.full_name, printed_at=clock.now().astimezone(zone),
        language=current_language(), **kw)  # type: ignore[arg-type]


def _money(key: str, title: str, cur: str) -> Column:
    return Column(key, title, MONEY, cur)


def _sides(net: int) -> tuple[int, int]:
    """A net balance (debit - credit) as (debit, credit), one of them zero."""
    return (net, 0) if net > 0 else (0, -net)


# --- trial balance -------------------------------------------------------------------


def gl_movements(sc: Scope, date_from: date, date_to: date) -> dict[int, tuple[int, ...]]:
    """Per GL account id: (debit before, credit before, debit in period, credit in period)."""
    return {row[0]: tuple(int(v or 0) for v in row[1:])
            for row in queries.gl_movements(sc.currency, sc.branch_id, date_from, date_to)}


def _classes(regulator: str) -> dict[str, str]:
    from mifin_tui.services.kernel.regulators import get_profile

    try:
        return dict(get_profile(regulator).classes)
    except (KeyError, ValueError):
        return {}


@requires(PERMISSION)
def trial_balance(ctx: Context, date_from: date, date_to: date, *,
                  currency: str | None = None, branch: str | None = None) -> ReportTable:
    """Balance générale: per postable GL account, the balance brought forward at
    `date_from`, the period's debits and credits, and the closing balance at `date_to`;
    a subtotal per class of the chart. Each debit total equals its credit total."""
    _check_period(date_from, date_to)
    sc = _scope(ctx, currency, branch)
    moves = gl_movements(sc, date_from, date_to)
    classes = _classes(sc.regulator)
    cur = sc.currency
    cols = [Column("code", _("Account"), TEXT), Column("name", _("Name"), TEXT),
            _money("open_d", _("Opening debit"), cur), _money("open_c", _("Opening credit"), cur),
            _money("move_d", _("Period debit"), cur), _money("move_c", _("Period credit"), cur),
            _money("close_d", _("Closing debit"), cur),
            _money("close_c", _("Closing credit"), cur)]
    rows: list[tuple] = []
    styles: list[str] = []
    totals = [0] * 6
    by_class: dict[str, list[tuple]] = defaultdict(list)
    for gl in GLAccount.select().where(GLAccount.id.in_(list(moves))).order_by(GLAccount.code):
        od, oc, md, mc = moves[gl.id]
        opening = od - oc
        closing = opening + md - mc
        figures = (*_sides(opening), md, mc, *_sides(closing))
        if not any(figures):
            continue
        by_class[gl.code[0]].append((gl.code, gl.name, *figures))
    for klass in sorted(by_class):
        sub = [0] * 6
        for row in by_class[klass]:
            rows.append(row)
            styles.append(PLAIN)
            for i, v in enumerate(row[2:]):
                sub[i] += v
                totals[i] += v
        rows.append(("", _("Total class {n} — {title}").format(
            n=klass, title=classes.get(klass, "")), *sub))
        styles.append(SUBTOTAL)
    balanced = (totals[0] == totals[1] and totals[2] == totals[3] and totals[4] == totals[5])
    note = (_("Debit and credit totals are equal.") if balanced
            else _("UNBALANCED: debit and credit totals differ."))
    return _table(ctx, sc, "trial-balance", _("Trial balance"),
                  _("From {start} to {end}").format(start=_fmt(date_from), end=_fmt(date_to)),
                  cols, rows, totals=("", _("Totals"), *totals), styles=styles,
                  notes=(note,), landscape=True)


# --- general journal -----------------------------------------------------------------


@requires(PERMISSION)
def general_journal(ctx: Context, date_from: date, date_to: date, *,
                    currency: str | None = None, branch: str | None = None) -> ReportTable:
    """Every line posted in the period, transaction by transaction."""
    _check_period(date_from, date_to)
    sc = _scope(ctx, currency, branch)
    rows = []
    debit = credit = 0
    for d, ref, number, code, label, dr, cr in queries.journal_lines(
            sc.currency, sc.branch_id, date_from, date_to):
        rows.append((stored_date(d), ref, number, code, label, dr, cr))
        debit += dr
        credit += cr
    cur = sc.currency
    cols = [Column("date", _("Date"), DATE), Column("ref", _("Reference"), TEXT),
            Column("account", _("Account"), TEXT), Column("gl", _("GL"), TEXT),
            Column("label", _("Label"), TEXT), _money("debit", _("Debit"), cur),
            _money("credit", _("Credit"), cur)]
    return _table(ctx, sc, "journal", _("General journal"),
                  _("From {start} to {end}").format(start=_fmt(date_from), end=_fmt(date_to)),
                  cols, rows, totals=(None, "", "", "", _("Totals"), debit, credit),
                  landscape=True)


# --- account sheet -------------------------------------------------------------------


def _resolve_account(text: str) -> tuple[str, list[int] | None, int | None, str, str]:
    """A GL code (with its sub-accounts) or a customer/internal account number:
    (kind, gl ids, account id, title, normal side)."""
    text = text.strip()
    gl = GLAccount.get_or_none(GLAccount.code == text)
    if gl is not None:
        ids = [g.id for g in GLAccount.select(GLAccount.id).where(
            (GLAccount.code == gl.code) | GLAccount.code.startswith(gl.code))]
        return "gl", ids, None, f"{gl.code} {gl.name}", gl.normal_side
    try:
        number = numbering.normalize_account_number(text)
    except ValueError:
        number = None
    acc = Account.get_or_none(Account.number == number) if number else None
    if acc is None:
        raise ValidationError({"account": _(
            "No GL account or account number {text}.").format(text=text)})
    holder = acc.name
    if acc.member_id is not None:
        from mifin_tui.services.members import register as members

        holder = f"{members.display_name(acc.member)} — {acc.name}"
    return "account", None, acc.id, f"{acc.number} {holder}", acc.normal_side


@requires(PERMISSION)
def account_sheet(ctx: Context, account: str, date_from: date, date_to: date, *,
                  currency: str | None = None, branch: str | None = None) -> ReportTable:
    """Fiche de compte: the balance brought forward, then each line of the period with
    the running balance, on the account's normal side (a savings account's balance is
    what the bank owes the member)."""
    _check_period(date_from, date_to)
    if not account or not account.strip():
        raise ValidationError({"account": _("Give a GL account code or an account number.")})
    kind, gl_ids, acc_id, title, side = _resolve_account(account)
    if acc_id is not None:
        currency = Account.get_by_id(acc_id).currency
    sc = _scope(ctx, currency, branch)
    sign = 1 if side == "debit" else -1
    balance = sign * queries.sheet_opening(sc.currency, sc.branch_id, gl_ids, acc_id,
                                           date_from)
    opening = balance
    rows: list[tuple] = [(date_from, "", "", _("Balance brought forward"), 0, 0, balance)]
    styles = [SUBTOTAL]
    debit = credit = 0
    for d, ref, number, label, dr, cr in queries.sheet_lines(
            sc.currency, sc.branch_id, gl_ids, acc_id, date_from, date_to):
        balance += sign * (dr - cr)
        debit += dr
        credit += cr
        rows.append((stored_date(d), ref, number, label, dr, cr, balance))
        styles.append(PLAIN)
    cur = sc.currency
    cols = [Column("date", _("Date"), DATE), Column("ref", _("Reference"), TEXT),
            Column("account", _("Account"), TEXT), Column("label", _("Label"), TEXT),
            _money("debit", _("Debit"), cur), _money("credit", _("Credit"), cur),
            _money("balance", _("Balance"), cur)]
    side_word = _("debit") if side == "debit" else _("credit")
    return _table(
        ctx, sc, "account-sheet", _("Account sheet {title}").format(title=title),
        _("From {start} to {end}").format(start=_fmt(date_from), end=_fmt(date_to)),
        cols, rows, totals=(None, "", "", _("Totals"), debit, credit, balance), styles=styles,
        notes=(_("Balances on the {side} side: opening {opening}, closing {closing}.").format(
            side=side_word, opening=format_amount(opening, cur, current_language()),
            closing=format_amount(balance, cur, current_language())),),
        extra={"opening": str(opening), "closing": str(balance), "kind": kind})


# --- balance sheet and income statement ------------------------------------------------


@dataclass(frozen=True)
class _Gl:
    id: int
    code: str
    name: str
    kind: str
    parent: str | None


def _chart() -> dict[str, _Gl]:
    return {g.code: _Gl(g.id, g.code, g.name, g.kind, g.parent_code)
            for g in GLAccount.select().order_by(GLAccount.code)}


def _rollup(chart: dict[str, _Gl], amounts: dict[str, int]) -> dict[str, int]:
    """Each account's amount plus everything below it."""
    out: dict[str, int] = defaultdict(int)
    for code, amount in amounts.items():
        node: str | None = code
        while node is not None:
            out[node] += amount
            node = chart[node].parent if node in chart else None
    return out


def _depth(chart: dict[str, _Gl], code: str) -> int:
    n, node = 0, chart[code].parent
    while node is not None and node in chart:
        n, node = n + 1, chart[node].parent
    return n


def _section(chart: dict[str, _Gl], classes: dict[str, str], amounts: dict[str, int],
             kinds: set[str], rows: list[tuple], styles: list[str]) -> int:
    """Rows of the accounts of `kinds`, by class of the chart: a class heading with its
    total, then each account with an amount (sub-accounts indented). Returns the total."""
    own = {c: a for c, a in amounts.items() if chart[c].kind in kinds and a}
    rolled = _rollup(chart, own)
    total = 0
    for klass in sorted({c[0] for c in own}):
        codes = [c for c in chart if c[0] == klass and rolled.get(c)
                 and chart[c].kind in kinds]
        class_total = sum(a for c, a in own.items() if c[0] == klass)
        rows.append(("", _("Class {n} — {title}").format(n=klass, title=classes.get(klass, "")),
                     class_total))
        styles.append(HEADING)
        for code in codes:
            rows.append((code, "  " * _depth(chart, code) + chart[code].name, rolled[code]))
            styles.append(PLAIN)
        total += class_total
    return total


def gl_balances(sc: Scope, date_to: date, date_from: date | None = None) -> dict[str, int]:
    """Net debit - credit per GL code, up to `date_to` (and from `date_from`)."""
    return {code: int(net or 0) for code, net in
            queries.gl_balances(sc.currency, sc.branch_id, date_to, date_from)}


@requires(PERMISSION)
def balance_sheet(ctx: Context, day: date, *, currency: str | None = None,
                  branch: str | None = None) -> ReportTable:
    """Bilan at `day` in the chart's classes: assets, then liabilities and equity with the
    result not yet allocated (income less expenses), so that both totals are equal."""
    sc = _scope(ctx, currency, branch)
    chart = _chart()
    classes = _classes(sc.regulator)
    net = gl_balances(sc, day)
    rows: list[tuple] = []
    styles: list[str] = []
    rows.append(("", _("ASSETS"), None))
    styles.append(HEADING)
    assets = _section(chart, classes, net, {"asset"}, rows, styles)
    rows.append(("", _("Total assets"), assets))
    styles.append(SUBTOTAL)
    credit_side = {c: -a for c, a in net.items()}
    rows.append(("", _("LIABILITIES AND EQUITY"), None))
    styles.append(HEADING)
    liabilities = _section(chart, classes, credit_side, {"liability", "equity"}, rows, styles)
    result = sum(a for c, a in credit_side.items() if chart[c].kind in ("income", "expense"))
    rows.append(("", _("Result of the year, not yet allocated (income less expenses)"),
                 result))
    styles.append(PLAIN)
    rows.append(("", _("Total liabilities and equity"), liabilities + result))
    styles.append(SUBTOTAL)
    balanced = assets == liabilities + result
    _off_balance(chart, classes, net, sc, day, rows, styles)
    note = (_("Assets equal liabilities and equity.") if balanced
            else _("UNBALANCED: assets differ from liabilities and equity."))
    cols = [Column("code", _("Account"), TEXT), Column("name", _("Heading"), TEXT),
            _money("amount", _("Amount"), sc.currency)]
    return _table(ctx, sc, "balance-sheet", _("Balance sheet"),
                  _("At {day}").format(day=_fmt(day)), cols, rows, styles=styles,
                  notes=(note,), extra={"assets": str(assets),
                                        "liabilities_equity": str(liabilities + result),
                                        "result": str(result)})


def _off_balance(chart: dict[str, _Gl], classes: dict[str, str], net: dict[str, int],
                 sc: Scope, day: date, rows: list[tuple], styles: list[str]) -> None:
    """Off-balance items, when the chart has an off-balance class: the posted off-balance
    accounts, then two memorandum lines from the loans themselves: the guarantees
    received on loans still outstanding and the loans written off (not yet recovered)."""
    if not any(g.kind == "off_balance" for g in chart.values()):
        return
    from mifin_tui.services.reports import portfolio

    rows.append(("", _("OFF-BALANCE SHEET"), None))
    styles.append(HEADING)
    _section(chart, classes, net, {"off_balance"}, rows, styles)
    live = set(portfolio.outstanding(day, portfolio.Filters(
        currency=sc.currency, branch=_branch_code(sc))))
    guarantees = 0
    if live:
        for loan_id, amount in queries.guarantees_by_loan():
            guarantees += int(amount or 0) if loan_id in live else 0
    written_off = queries.written_off(day, sc.currency, sc.branch_id)
    rows.append(("", _("Guarantees received on loans outstanding (memorandum)"), guarantees))
    styles.append(PLAIN)
    rows.append(("", _("Loans written off (memorandum)"), int(written_off or 0)))
    styles.append(PLAIN)


def _branch_code(sc: Scope) -> str | None:
    if sc.branch_id is None:
        return None
    return Branch.get_by_id(sc.branch_id).code


@requires(PERMISSION)
def income_statement(ctx: Context, date_from: date, date_to: date, *,
                     currency: str | None = None, branch: str | None = None) -> ReportTable:
    """Compte de résultat of the period: expenses (class 6), income (class 7), result."""
    _check_period(date_from, date_to)
    sc = _scope(ctx, currency, branch)
    chart = _chart()
    classes = _classes(sc.regulator)
    net = gl_balances(sc, date_to, date_from)
    rows: list[tuple] = []
    styles: list[str] = []
    rows.append(("", _("EXPENSES"), None))
    styles.append(HEADING)
    expenses = _section(chart, classes, net, {"expense"}, rows, styles)
    rows.append(("", _("Total expenses"), expenses))
    styles.append(SUBTOTAL)
    rows.append(("", _("INCOME"), None))
    styles.append(HEADING)
    income = _section(chart, classes, {c: -a for c, a in net.items()}, {"income"}, rows,
                      styles)
    rows.append(("", _("Total income"), income))
    styles.append(SUBTOTAL)
    result = income - expenses
    rows.append(("", _("Result of the period (profit)") if result >= 0
                 else _("Result of the period (loss)"), result))
    styles.append(SUBTOTAL)
    cols = [Column("code", _("Account"), TEXT), Column("name", _("Heading"), TEXT),
            _money("amount", _("Amount"), sc.currency)]
    return _table(ctx, sc, "income-statement", _("Income statement"),
                  _("From {start} to {end}").format(start=_fmt(date_from), end=_fmt(date_to)),
                  cols, rows, styles=styles,
                  extra={"income": str(income), "expenses": str(expenses),
                         "result": str(result)})
