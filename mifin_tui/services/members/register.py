"""Members: the fiche d'adhésion's fields, their checks, the search every screen uses,
duplicates, and audited corrections.

The adhésion itself (fees and shares at the till) is `services/members/adhesion.py`; the member
card and the démission `services/members/card.py`; the import `services/imports/members.py`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields as dc_fields
from datetime import date
from typing import Any

from mifin_tui.db import write_transaction
from mifin_tui.db.member_search import match_member_ids
from mifin_tui.db.models import Account, Branch, Member, User
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit, business_day, clock, numbering, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires

KINDS = {"person": N_("Natural person"), "legal": N_("Legal person")}
STATUSES = {"founder": N_("Founder"), "member": N_("Member"), "client": N_("Client"),
            "left": N_("LEFT")}
SEXES = {"H": N_("Male"), "F": N_("Female")}

# Every field of the fiche a screen or an import may give, and its type.
TEXT_FIELDS = (
    "surname", "postname", "first_name", "legal_name", "sex", "birth_place", "civil_status",
    "profession", "address", "commune", "city", "province", "phone", "id_type", "id_number",
    "id_issued_at", "legal_form", "registration", "representative_name",
    "representative_phone", "category", "zone",
)
DATE_FIELDS = ("birth_date", "id_issued_on")
# Longest text kept per field: the fiche's boxes, the voucher's lines and the 80-column
# screens hold them; a 100,000-character "name" in a file is refused, not stored.
NAME_MAX = 60
TEXT_MAX = 120
MAX_LENGTH = {name: NAME_MAX if name in ("surname", "postname", "first_name") else TEXT_MAX
              for name in TEXT_FIELDS}
ID_FIELDS = ("representative_id", "officer_id")
FIELDS = ("kind", "status", *TEXT_FIELDS, *DATE_FIELDS, *ID_FIELDS)
# What the audit keeps of a record (before/after of a correction).
AUDITED = tuple(f for f in FIELDS)

_PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]*$")
_NON_ALNUM = re.compile(r"[^0-9a-z]")
_NUMBERISH = re.compile(r"^[0-9\s+\-./()]+$")


def fold(text: str) -> str:
    """Lower-case without accents: 'Kabongo Ngalula Bénédicte' -> 'kabongo ngalula benedicte'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def compact(text: str) -> str:
    """Folded letters and digits only: 'CD-12 345/B' -> 'cd12345b'."""
    return _NON_ALNUM.sub("", fold(text))


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def phone_variants(phone: str) -> list[str]:
    """The ways a phone is typed: +243 81 234 5678 -> 243812345678, 812345678, 0812345678."""
    d = digits(phone)
    if not d:
        return []
    out = [d]
    if phone.strip().startswith("+") or d.startswith("00"):
        national = d[2:] if d.startswith("00") else d
        local = national[3:]  # African country codes have three digits
        out += [national, local, "0" + local]
    elif d.startswith("0"):
        out.append(d[1:])
    return list(dict.fromkeys(v for v in out if v))


def search_key(number: str, names: list[str], phone: str, id_number: str) -> str:
    """The text the picker's index holds for a member: every word folded, plus the
    compact forms people type (member number without dashes or zeros, phone digits,
    ID number without separators)."""
    words = fold(" ".join([number, *names, phone, id_number])).split()
    extra = [c for w in words if (c := _NON_ALNUM.sub("", w)) and c != w]
    seq = number.rpartition("-")[2]
    if seq.isdigit():
        extra.append(str(int(seq)))
    extra += phone_variants(phone)
    if id_number:
        extra.append(compact(id_number))
    return " ".join(list(dict.fromkeys([*words, *extra])))


def query_tokens(text: str) -> list[str]:
    """What is typed, as index tokens: a number with spaces or dashes is one token
    ("0812 345 678" -> "0812345678"); otherwise one token per word, separators dropped."""
    folded = fold(text)
    if _NUMBERISH.match(folded):
        d = digits(folded)
        return [d] if d else []
    return [c for w in folded.split() if (c := _NON_ALNUM.sub("", w))]


def name_key(fields: Mapping[str, Any]) -> str:
    if fields.get("kind") == "legal":
        return " ".join(fold(str(fields.get("legal_name", ""))).split())
    return " ".join(fold(" ".join(str(fields.get(k, "")) for k in (
        "surname", "postname", "first_name"))).split())


def id_key(fields: Mapping[str, Any]) -> str:
    if fields.get("kind") == "legal":
        return compact(str(fields.get("registration", "")))
    return compact(str(fields.get("id_number", "")))


# --- views -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberSummary:
    id: int
    number: str
    display_name: str
    kind: str
    sex: str
    city: str
    phone: str
    status: str
    joined_on: date
    id_number: str = ""


@dataclass(frozen=True)
class MemberDetail:
    """Every field of the fiche, for the member card and the printed form."""

    id: int
    number: str
    display_name: str
    kind: str
    status: str
    joined_on: date
    left_on: date | None
    surname: str
    postname: str
    first_name: str
    legal_name: str
    sex: str
    birth_date: date | None
    birth_place: str
    civil_status: str
    profession: str
    address: str
    commune: str
    city: str
    province: str
    phone: str
    id_type: str
    id_number: str
    id_issued_at: str
    id_issued_on: date | None
    legal_form: str
    registration: str
    representative_id: int | None
    representative_name: str
    representative_phone: str
    category: str
    zone: str
    officer_id: int | None
    officer_name: str
    branch_code: str
    forms_printed: int

    def values(self) -> dict[str, Any]:
        """The editable fields, as a service takes them back."""
        return {f: getattr(self, f) for f in FIELDS}


def display_name(m: Member) -> str:
    if m.kind == "legal":
        return m.legal_name
    return " ".join(p for p in (m.surname.upper(), m.postname.upper(), m.first_name) if p)


def _summary(m: Member) -> MemberSummary:
    return MemberSummary(m.id, m.number, display_name(m), m.kind, m.sex, m.city, m.phone,
                         m.status, m.joined_on, m.id_number or m.registration)


def summary_of(m: Member) -> MemberSummary:
    """The summary of a member row already read (lists that page over the table)."""
    return _summary(m)


def _detail(m: Member) -> MemberDetail:
    officer = User.get_or_none(User.id == m.officer_id) if m.officer_id else None
    representative = m.representative_name
    if m.representative_id:
        rep = Member.get_or_none(Member.id == m.representative_id)
        representative = f"{rep.number} {display_name(rep)}" if rep else representative
    values = {f.name: getattr(m, f.name, None) for f in dc_fields(MemberDetail)
              if f.name in FIELDS or f.name in ("id", "number", "joined_on", "left_on",
                                                "forms_printed")}
    values.update(
        display_name=display_name(m), representative_id=m.representative_id,
        representative_name=representative, officer_id=m.officer_id,
        officer_name=officer.full_name if officer else "",
        branch_code=Branch.get_by_id(m.branch_id).code,
    )
    return MemberDetail(**values)


def row(member_id: int) -> Member:
    m = Member.get_or_none(Member.id == member_id)
    if m is None:
        raise NotFound(_("No member {id}.").format(id=member_id))
    return m


# --- checks -----------------------------------------------------------------------------


def _as_date(value: Any) -> date | None:
    """A date as typed or in a spreadsheet: 2026-11-23 or 23/11/2026 (ValueError else)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    match = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", text)
    if match:
        return date(int(match[3]), int(match[2]), int(match[1]))
    return date.fromisoformat(text)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _in_list(value: str, allowed: list[str]) -> bool:
    return fold(value) in {fold(a) for a in allowed}


def rules() -> dict[str, Any]:
    """The settings `clean` applies (read once for a whole import)."""
    return {"min_age": int(settings.get("member_min_age")),
            "member_communes": settings.get("member_communes"),
            "member_provinces": settings.get("member_provinces")}


def clean(raw: Mapping[str, Any], today: date, config: Mapping[str, Any] | None = None
          ) -> tuple[dict[str, Any], dict[str, str]]:
    """The fiche's fields tidied, and a message for every bad one (field -> message).

    Pure but for the settings (`config`, from `rules()`) and the representative/officer:
    the import checks 50,000 rows with it before writing any.
    """
    config = config or rules()
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        out[name] = " ".join(str(raw.get(name, "") or "").split())
        if len(out[name]) > MAX_LENGTH[name]:
            errors[name] = _("At most {n} characters ({length} given).").format(
                n=MAX_LENGTH[name], length=len(out[name]))
    out["kind"] = str(raw.get("kind") or "person").strip().lower()
    out["status"] = str(raw.get("status") or "member").strip().lower()
    for name in DATE_FIELDS:
        try:
            out[name] = _as_date(raw.get(name))
        except ValueError:
            out[name] = None
            errors[name] = _("Not a date: write it as DD/MM/YYYY.")
    for name in ID_FIELDS:
        value = raw.get(name)
        try:
            out[name] = int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            out[name] = None
            errors[name] = _("No such member.")

    if out["kind"] not in KINDS:
        errors["kind"] = _("Natural person (person) or legal person (legal).")
    if out["status"] not in ("founder", "member", "client"):
        errors["status"] = _("Founder, member or client.")
    required = _("Required.")
    if out["kind"] == "legal":
        if not out["legal_name"]:
            errors["legal_name"] = required
        if not out["representative_id"] and not out["representative_name"]:
            errors["representative_name"] = _(
                "Name the legal representative (a member or a contact).")
        for name in ("surname", "postname", "first_name", "sex"):
            out[name] = ""
        out["birth_date"] = None
    else:
        for name in ("surname", "first_name"):
            if not out[name]:
                errors[name] = required
        sex = out["sex"].upper()[:1]
        out["sex"] = {"M": "H"}.get(sex, sex)
        if out["sex"] not in SEXES:
            errors["sex"] = _("H (male) or F (female).")
        born = out["birth_date"]
        if born is None and "birth_date" not in errors:
            errors["birth_date"] = required
        elif born is not None:
            minimum = int(config["min_age"])
            if born > today:
                errors["birth_date"] = _("The birth date is in the future.")
            elif _age_on(born, today) < minimum:
                errors["birth_date"] = _(
                    "Under {age}: too young for an individual account.").format(age=minimum)
        for name in ("legal_name", "legal_form", "registration", "representative_name",
                     "representative_phone"):
            out[name] = ""
        out["representative_id"] = None
    if out["id_issued_on"] is not None and out["id_issued_on"] > today:
        errors["id_issued_on"] = _("The date of issue is in the future.")
    for name in ("phone", "representative_phone"):
        value = out[name]
        if value and (not _PHONE.match(value) or not 8 <= len(digits(value)) <= 15):
            errors[name] = _("A phone number has 8 to 15 digits, e.g. +243 81 234 5678.")
    for name, key in (("commune", "member_communes"), ("province", "member_provinces")):
        allowed = config[key]
        if allowed and out[name] and not _in_list(out[name], allowed):
            errors[name] = _("Unknown {what}: not in the configured list.").format(
                what=out[name])
        elif allowed and out[name]:
            out[name] = next(a for a in allowed if fold(a) == fold(out[name]))
    if out["representative_id"] and Member.get_or_none(
            Member.id == out["representative_id"]) is None:
        errors["representative_name"] = _("No such member.")
    if out["officer_id"] and User.get_or_none(User.id == out["officer_id"]) is None:
        errors["officer_id"] = _("No such user.")
    return out, errors


def validate(raw: Mapping[str, Any], today: date) -> dict[str, Any]:
    fields, errors = clean(raw, today)
    if errors:
        raise ValidationError(errors)
    return fields


def duplicates_of(fields: Mapping[str, Any], exclude_id: int | None = None) -> list[Member]:
    """Members who look like the same person: same ID number (registration for a legal
    person), or same folded name and birth date."""
    nk, ik = name_key(fields), id_key(fields)
    cond = None
    if ik:
        cond = Member.id_key == ik
    if nk:
        by_name = (Member.name_key == nk) & (
            Member.birth_date == fields.get("birth_date") if fields.get("birth_date")
            else Member.birth_date.is_null())
        cond = by_name if cond is None else (cond | by_name)
    if cond is None:
        return []
    query = Member.select().where(cond)
    if exclude_id is not None:
        query = query.where(Member.id != exclude_id)
    return list(query.order_by(Member.id).limit(10))


def duplicate_errors(fields: Mapping[str, Any], found: list[Member]) -> dict[str, str]:
    """The field messages that name the members already on the books."""
    errors: dict[str, str] = {}
    ik = id_key(fields)
    for m in found:
        who = f"{m.number} {display_name(m)}"
        if ik and m.id_key == ik:
            field = "registration" if fields.get("kind") == "legal" else "id_number"
            errors.setdefault(field, _("Already used by member {who}.").format(who=who))
        else:
            field = "legal_name" if fields.get("kind") == "legal" else "surname"
            errors.setdefault(field, _("Same name and birth date as member {who}.").format(
                who=who))
    return errors


# --- writing ----------------------------------------------------------------------------


def _keys(number: str, fields: Mapping[str, Any]) -> dict[str, str]:
    names = [str(fields.get(k, "")) for k in ("surname", "postname", "first_name",
                                               "legal_name")]
    return {
        "search_key": search_key(number, names, str(fields.get("phone", "")),
                                 str(fields.get("id_number") or fields.get("registration")
                                     or "")),
        "name_key": name_key(fields),
        "id_key": id_key(fields),
    }


def row_values(number: str, branch_id: int, fields: Mapping[str, Any], joined_on: date,
               user_id: int, now: Any) -> dict[str, Any]:
    """The column values of a new member (`Member.insert_many` takes a list of these)."""
    values: dict[str, Any] = {k: v for k, v in fields.items() if k in FIELDS}
    for name in ID_FIELDS:
        values[name.removesuffix("_id")] = values.pop(name, None)
    values.update(number=number, branch=branch_id, joined_on=joined_on, created_by=user_id,
                  created_at=now, **_keys(number, fields))
    return values


def create_row(ctx: Context, fields: dict, joined_on: date) -> Member:
    """Insert a member with the next number of the branch; inside a write transaction.

    Validation and fees belong to the adhésion service that calls this.
    """
    branch = Branch.get_by_id(ctx.branch_id)
    number = numbering.member_number(branch.code)
    full = {"kind": "person", **fields}
    return Member.create(**row_values(number, branch.id, full, joined_on, ctx.user_id,
                                      clock.now()))


def _audit_values(m: Member) -> dict[str, Any]:
    out = {}
    for f in AUDITED:
        value = getattr(m, f, None)
        out[f] = value.isoformat() if isinstance(value, date) else value
    return out


@requires("member.edit")
def update(ctx: Context, member_id: int, changes: Mapping[str, Any]) -> MemberDetail:
    """Correct a member's fiche; audited with the fields before and after."""
    today = business_day.open_date(ctx.branch_id) or clock.today()
    with write_transaction():
        m = row(member_id)
        if m.status == "left":
            raise ValidationError({"form": _("Member {number} has left the institution.")
                                  .format(number=m.number)})
        current = {f: getattr(m, f, None) for f in FIELDS}
        current["representative_id"] = m.representative_id
        current["officer_id"] = m.officer_id
        fields = validate({**current, **changes}, today)
        if fields["kind"] != m.kind:
            raise ValidationError({"kind": _("A natural person cannot become a legal one; "
                                             "enrol the legal person apart.")})
        if fields["representative_id"] == m.id:
            raise ValidationError({"representative_name": _(
                "A member cannot represent himself.")})
        # A correction of the name, birth date or ID must not make him someone else.
        if (name_key(fields), id_key(fields), fields["birth_date"]) != (
                m.name_key, m.id_key, m.birth_date):
            found = duplicates_of(fields, exclude_id=m.id)
            if found:
                raise ValidationError(duplicate_errors(fields, found))
        before = _audit_values(m)
        values = row_values(m.number, m.branch_id, fields, m.joined_on, m.created_by_id,
                            m.created_at)
        for name in ("number", "branch", "joined_on", "created_by", "created_at"):
            values.pop(name)
        Member.update(**values).where(Member.id == m.id).execute()
        m = row(m.id)
        after = _audit_values(m)
        changed = [k for k in AUDITED if before[k] != after[k]]
        audit.record(ctx, "member.update", "member", m.number,
                     before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed})
    return _detail(m)


# --- reading ----------------------------------------------------------------------------


def _by_account_number(text: str) -> Member | None:
    try:
        number = numbering.normalize_account_number(text)
    except ValueError:
        return None
    acc = Account.get_or_none(Account.number == number)
    return acc.member if acc is not None and acc.member_id else None


@requires("member.read")
def search(ctx: Context, text: str, limit: int = 20) -> list[MemberSummary]:
    """Members matching what is typed: member number, a word of the name (start of nom,
    postnom, prénom or raison sociale, without accents or case), phone, ID number,
    or an account number. Exact member numbers come first. Nothing typed: the first
    members in the member list's (folded) name order."""
    text = text.strip()
    if not text:
        # The first members in name order, the member list's: (name_key, id) is read from
        # the index member_name_key_birth_date, where sorting by surname and first name
        # sorted the whole table (0.1 s among 200,000 members).
        query = Member.select().order_by(Member.name_key, Member.id)
        return [_summary(m) for m in query.limit(limit)]
    found: list[Member] = []
    by_account = _by_account_number(text)
    if by_account is not None:
        found.append(by_account)
    ids = match_member_ids(query_tokens(text)[:6], limit)
    if ids:
        rows = {m.id: m for m in Member.select().where(Member.id.in_(ids))}
        exact = compact(text)
        ordered = sorted(rows.values(), key=lambda m: (
            compact(m.number) != exact, m.surname or m.legal_name, m.first_name, m.id))
        found += [m for m in ordered if by_account is None or m.id != by_account.id]
    return [_summary(m) for m in found[:limit]]


@requires("member.read")
def get(ctx: Context, member_id: int) -> MemberSummary:
    return _summary(row(member_id))


@requires("member.read")
def detail(ctx: Context, member_id: int) -> MemberDetail:
    return _detail(row(member_id))


@requires("member.read")
def by_number(ctx: Context, number: str) -> MemberSummary:
    m = Member.get_or_none(Member.number == number.strip().upper())
    if m is None:
        raise NotFound(_("No member {number}.").format(number=number))
    return _summary(m)


@requires("member.read")
def officers(ctx: Context) -> list[tuple[int, str]]:
    """The branch's active users who may follow members (id, full name)."""
    query = User.select().where((User.branch == ctx.branch_id)
                                & (User.active == True))  # noqa: E712
    return [(u.id, u.full_name) for u in query.order_by(User.full_name)]


@requires("member.read")
def count(ctx: Context) -> int:
    return Member.select().count()
