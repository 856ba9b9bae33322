"""Tills and the vault: opening and closing a till with a count (billetage).

A till's cash is the ledger balance of its cash account in each currency. At
opening and closing the cashier counts notes and coins; the count is compared
with the ledger, and a difference is posted to suspense on the cashier's name, with
his explanation, so the ledger again says what is in the drawer; the gérant then
decides it (cash.differences).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    JournalTransaction,
    Till,
    TillBalance,
    TillCount,
    TillSession,
    User,
)
from mifin_tui.i18n import _, current_language
from mifin_tui.services.cash import differences as cash_differences
from mifin_tui.services.kernel import accounts, audit, business_day, clock, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import Conflict, MifinError, NotFound, ValidationError
from mifin_tui.services.kernel.money import CURRENCIES, format_amount
from mifin_tui.services.kernel.permissions import requires

VAULT_CODE = "COFFRE"

# {currency: {denomination in minor units: number of notes or coins}}
Counts = Mapping[str, Mapping[int, int]]


@dataclass(frozen=True)
class SessionView:
    id: int
    till_id: int
    till_code: str
    till_name: str
    cashier: str
    business_date: date
    status: str


@dataclass(frozen=True)
class TillView:
    id: int
    code: str
    name: str
    kind: str
    currencies: tuple[str, ...]
    balances: dict[str, int]
    session: SessionView | None


@dataclass(frozen=True)
class CountResult:
    """Counted cash against the ledger, per currency, at an opening or a closing."""

    session: SessionView
    moment: str
    counted: dict[str, int]
    book: dict[str, int]
    difference: dict[str, int]
    difference_vouchers: tuple[str, ...]


def denominations(currency: str) -> list[int]:
    table = settings.get("denominations")
    return sorted(table.get(currency, []), reverse=True)


def breakdown(amount: int, currency: str) -> dict[int, int]:
    """Notes and coins making `amount`, largest first (what a full drawer would hold)."""
    out: dict[int, int] = {}
    rest = amount
    for denom in denominations(currency):
        qty, rest = divmod(rest, denom)
        if qty:
            out[denom] = qty
    if rest:
        raise ValueError(f"{amount} cannot be made of {currency} notes and coins")
    return out


def _session_view(s: TillSession) -> SessionView:
    return SessionView(s.id, s.till_id, s.till.code, s.till.name, s.cashier.username,
                       s.business_date, s.status)


def cash_account(till: Till, currency: str) -> Account:
    """The till's cash account in `currency`, created on first use (inside a transaction)."""
    found = Account.get_or_none((Account.till == till) & (Account.currency == currency))
    if found:
        return found
    key = "cash_vault" if till.kind == "vault" else "cash_till"
    if till.kind == "vault":
        # The branch's vault account may exist before the vault till (created at init).
        acc = accounts.internal_account(till.branch_id, key, currency)
    else:
        acc = accounts.new_internal_account(till.branch_id, key, currency)
    Account.update(till=till, name=f"{till.name} {currency}").where(
        Account.id == acc.id).execute()
    return Account.get_by_id(acc.id)


def ensure_vault(branch_id: int, currencies: tuple[str, ...]) -> Till:
    """The branch's vault, created with its cash accounts if missing (inside a transaction)."""
    vault = Till.get_or_none((Till.branch == branch_id) & (Till.kind == "vault"))
    if vault is None:
        vault = Till.create(branch=branch_id, code=VAULT_CODE, name=_("Main vault"),
                            kind="vault", currencies=",".join(currencies),
                            created_at=clock.now())
    for cur in currencies:
        cash_account(vault, cur)
    return vault


def vault_of(branch_id: int) -> Till:
    vault = Till.get_or_none((Till.branch == branch_id) & (Till.kind == "vault"))
    if vault is None:
        raise NotFound(_("This branch has no vault."))
    return vault


def till_balances(till: Till) -> dict[str, int]:
    return {a.currency: a.balance for a in Account.select().where(Account.till == till)}


def open_session_of(till_id: int) -> TillSession | None:
    return TillSession.get_or_none((TillSession.till == till_id) & (TillSession.status == "open"))


def views(query) -> list[TillView]:
    out = []
    for t in query:
        session = open_session_of(t.id)
        out.append(TillView(t.id, t.code, t.name, t.kind, tuple(t.currencies.split(",")),
                            till_balances(t), _session_view(session) if session else None))
    return out


@requires("till.manage")
def create_till(ctx: Context, code: str, name: str, currencies: list[str]) -> TillView:
    code = code.strip().upper()
    errors: dict[str, str] = {}
    if not code.isalnum() or not 1 <= len(code) <= 16:
        errors["code"] = _("1 to 16 letters or digits.")
    if not name.strip():
        errors["name"] = _("Required.")
    bad = [c for c in currencies if c not in CURRENCIES]
    if not currencies or bad:
        errors["currencies"] = _("Give the till's currencies (e.g. USD, CDF).")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        if Till.select().where((Till.branch == ctx.branch_id) & (Till.code == code)).exists():
            raise ValidationError({"code": _("A till {code} exists already.").format(code=code)})
        till = Till.create(branch=ctx.branch_id, code=code, name=name.strip(), kind="till",
                           currencies=",".join(currencies), created_at=clock.now())
        for cur in currencies:
            cash_account(till, cur)
        audit.record(ctx, "till.create", "till", till.code,
                     after={"name": till.name, "currencies": currencies})
    return views([till])[0]


@requires("till.operate")
def list_tills(ctx: Context) -> list[TillView]:
    """The branch's vault and tills with their ledger balances and who works them."""
    return views(Till.select().where((Till.branch == ctx.branch_id) & (Till.active == True))  # noqa: E712
                  .order_by(Till.kind.desc(), Till.code))


@requires("till.manage")
def branch_tills(ctx: Context) -> list[TillView]:
    """The branch's vault and tills as `list_tills` gives them, for the administrator."""
    return views(Till.select().where((Till.branch == ctx.branch_id) & (Till.active == True))  # noqa: E712
                  .order_by(Till.kind.desc(), Till.code))


@requires("cashjournal.read")
def till_codes(ctx: Context) -> list[tuple[str, str]]:
    """(code, name) of the branch's vault and tills, for choosing a cash journal."""
    return [(t.code, t.name) for t in Till.select().where(Till.branch == ctx.branch_id)
            .order_by(Till.kind.desc(), Till.code)]


@requires("till.operate")
def my_session(ctx: Context) -> SessionView | None:
    """The till session this user has open (to resume it after a dropped connection)."""
    s = TillSession.get_or_none((TillSession.cashier == ctx.user_id)
                                & (TillSession.status == "open"))
    return _session_view(s) if s else None


def require_session(ctx: Context, currency: str | None = None) -> TillSession:
    """The cashier's open session on today's business day (inside a transaction)."""
    s = TillSession.get_or_none((TillSession.cashier == ctx.user_id)
                                & (TillSession.status == "open"))
    if s is None:
        raise MifinError(_("Open your till first (no till session is open for you)."))
    day = business_day.require_open(ctx.branch_id)
    if s.business_date != day:
        raise MifinError(_("Your till session of {day} is still open: close it first.").format(
            day=format_date(s.business_date, current_language())))
    if currency and currency not in s.till.currencies.split(","):
        raise MifinError(_("Till {till} does not hold {currency}.").format(
            till=s.till.code, currency=currency))
    return s


def count_totals(till: Till, counts: Counts) -> dict[str, int]:
    """Validate a billetage and total it per currency; every error at once, by field."""
    errors: dict[str, str] = {}
    totals: dict[str, int] = {}
    currencies = till.currencies.split(",")
    for cur in counts:
        if cur not in currencies:
            errors[f"count.{cur}"] = _("Till {till} does not hold {currency}.").format(
                till=till.code, currency=cur)
    for cur in currencies:
        allowed = set(denominations(cur))
        total = 0
        for denom, qty in (counts.get(cur) or {}).items():
            field = f"count.{cur}.{denom}"
            if denom not in allowed:
                errors[field] = _("{value} is not a note or coin of {currency}.").format(
                    value=format_amount(denom, cur, current_language()), currency=cur)
            elif not isinstance(qty, int) or isinstance(qty, bool) or qty < 0:
                errors[field] = _("A count is a whole number, zero or more.")
            else:
                total += denom * qty
        totals[cur] = total
    if errors:
        raise ValidationError(errors)
    return totals


def _record_count(
    ctx: Context, session: TillSession, moment: str, counts: Counts, totals: dict[str, int],
    note: str,
) -> CountResult:
    till = session.till
    book: dict[str, int] = {}
    diffs: dict[str, int] = {}
    vouchers: list[str] = []
    for cur, counted in totals.items():
        acc = cash_account(till, cur)
        book[cur] = acc.balance
        diffs[cur] = counted - acc.balance
    if any(diffs.values()) and not note.strip():
        raise ValidationError({"note": _("Explain the difference between the count and the "
                                         "books.")})
    for cur in totals:
        for denom, qty in sorted((counts.get(cur) or {}).items(), reverse=True):
            if qty:
                TillCount.create(session=session, moment=moment, currency=cur,
                                 denomination=denom, quantity=qty)
        txn_id = None
        if diffs[cur]:
            label = (_("Till {till} surplus at {moment}: {note}") if diffs[cur] > 0
                     else _("Till {till} shortage at {moment}: {note}")).format(
                till=till.code, moment=_("opening") if moment == "open" else _("closing"),
                note=note.strip())
            held = cash_differences.hold(ctx, till=till, cash=cash_account(till, cur),
                                         amount=diffs[cur], cashier_id=session.cashier_id,
                                         note=note, label=label, session_id=session.id)
            txn_id = held.txn_id
            vouchers.append(JournalTransaction.get_by_id(txn_id).voucher_number or "")
        TillBalance.create(session=session, moment=moment, currency=cur, counted=totals[cur],
                           book=book[cur], difference=diffs[cur], note=note.strip(),
                           difference_txn=txn_id)
    return CountResult(_session_view(session), moment, totals, book, diffs, tuple(vouchers))


@requires("till.operate")
def open_session(ctx: Context, till_id: int, counts: Counts, note: str = "") -> CountResult:
    """Open a till for the business day with the cash counted in it."""
    with write_transaction():
        till = Till.get_or_none((Till.id == till_id) & (Till.branch == ctx.branch_id))
        if till is None or till.kind != "till" or not till.active:
            raise NotFound(_("No such till."))
        day = business_day.require_open(ctx.branch_id)
        mine = TillSession.get_or_none((TillSession.cashier == ctx.user_id)
                                       & (TillSession.status == "open"))
        if mine is not None:
            raise Conflict(_("You already hold till {till}: close it before opening another.")
                           .format(till=mine.till.code))
        other = open_session_of(till.id)
        if other is not None:
            raise Conflict(_("Till {till} is already open by {user}.").format(
                till=till.code, user=User.get_by_id(other.cashier_id).full_name))
        totals = count_totals(till, counts)
        session = TillSession.create(till=till, cashier=ctx.user_id, business_date=day,
                                     opened_at=clock.now())
        result = _record_count(ctx, session, "open", counts, totals, note)
        audit.record(ctx, "till.open", "till_session", session.uid,
                     after={"till": till.code, "counted": totals,
                            "difference": result.difference})
    return result


@requires("till.operate")
def close_session(ctx: Context, counts: Counts, note: str = "") -> CountResult:
    """Close the cashier's till with the final count; differences are posted."""
    with write_transaction():
        session = TillSession.get_or_none((TillSession.cashier == ctx.user_id)
                                          & (TillSession.status == "open"))
        if session is None:
            raise MifinError(_("You have no open till."))
        totals = count_totals(session.till, counts)
        result = _record_count(ctx, session, "close", counts, totals, note)
        TillSession.update(status="closed", closed_at=clock.now()).where(
            TillSession.id == session.id).execute()
        audit.record(ctx, "till.close", "till_session", session.uid,
                     after={"till": session.till.code, "counted": totals,
                            "difference": result.difference})
    return result


@dataclass(frozen=True)
class DifferenceView:
    business_date: date
    till: str
    cashier: str
    moment: str
    currency: str
    counted: int
    book: int
    difference: int
    note: str


@requires("cashjournal.read")
def differences(ctx: Context, since: date | None = None) -> list[DifferenceView]:
    """Counts that did not match the books: what the gérant reviews."""
    query = (TillBalance.select(TillBalance, TillSession, Till, User)
             .join(TillSession).join(Till).switch(TillSession).join(User)
             .where((TillBalance.difference != 0) & (Till.branch == ctx.branch_id))
             .order_by(TillSession.business_date.desc(), TillBalance.id.desc()))
    if since:
        query = query.where(TillSession.business_date >= since)
    return [DifferenceView(b.session.business_date, b.session.till.code,
                           b.session.cashier.full_name, b.moment, b.currency, b.counted,
                           b.book, b.difference, b.note) for b in query.limit(200)]
