"""Importing a member register from a spreadsheet (CSV): institutions leaving paper or Excel.

Every row is checked first, against the same rules as the adhésion and against the
members already on the books and the other rows (same ID number, or same name and birth
date). On any bad row nothing is written and the report names each one (line, column,
reason); otherwise every member is inserted in one transaction, numbered in file order.
Imported members bring no fees: they paid them on paper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mifin_tui.db import write_transaction
from mifin_tui.db.bulk import insert_rows
from mifin_tui.db.models import Branch, Member
from mifin_tui.i18n import N_, _
from mifin_tui.services.imports.csv_reader import read_columns, require_rows
from mifin_tui.services.kernel import audit, business_day, clock, numbering
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members

# field -> (headers accepted, folded without separators; what the column holds)
COLUMNS: dict[str, tuple[tuple[str, ...], str]] = {
    "kind": (("kind", "type", "typepersonne", "nature"),
             N_("person (personne physique, default) or legal (personne morale)")),
    "surname": (("surname", "nom"), N_("surname (nom); required for a person")),
    "postname": (("postname", "postnom"), N_("post-name (postnom)")),
    "first_name": (("firstname", "prenom"), N_("first name (prénom); required for a person")),
    "legal_name": (("legalname", "raisonsociale", "denomination"),
                   N_("name of a legal person (raison sociale); required for one")),
    "sex": (("sex", "sexe"), N_("H or F; required for a person")),
    "birth_date": (("birthdate", "datenaissance", "datedenaissance"),
                   N_("birth date, DD/MM/YYYY or YYYY-MM-DD; required for a person")),
    "birth_place": (("birthplace", "lieunaissance", "lieudenaissance"), N_("birth place")),
    "civil_status": (("civilstatus", "etatcivil"), N_("civil status (état civil)")),
    "profession": (("profession", "activite"), N_("profession or activity")),
    "address": (("address", "adresse"), N_("address")),
    "commune": (("commune", "territoire"), N_("commune or territoire")),
    "city": (("city", "ville", "district"), N_("city (ville) or district")),
    "province": (("province", "region"), N_("province or région")),
    "phone": (("phone", "telephone", "tel"), N_("phone, 8 to 15 digits")),
    "id_type": (("idtype", "typepiece", "typedepiece"), N_("ID document type")),
    "id_number": (("idnumber", "numeropiece", "numerodepiece", "nopiece"),
                  N_("ID document number (unique)")),
    "id_issued_at": (("idissuedat", "lieudelivrance", "lieudedelivrance"),
                     N_("place of issue of the ID")),
    "id_issued_on": (("idissuedon", "datedelivrance", "datededelivrance"),
                     N_("date of issue of the ID")),
    "legal_form": (("legalform", "formejuridique"), N_("legal form (ASBL, GIE, ...)")),
    "registration": (("registration", "immatriculation", "rccm"),
                     N_("registration number of a legal person (unique)")),
    "representative_name": (("representative", "representant", "representantlegal"),
                            N_("legal representative of a legal person")),
    "representative_phone": (("representativephone", "telephonerepresentant"),
                             N_("the representative's phone")),
    "status": (("status", "statut"), N_("fondateur/founder, membre/member (default), client")),
    "category": (("category", "categorie"), N_("category")),
    "zone": (("zone",), N_("zone")),
    "joined_on": (("joinedon", "dateadhesion", "datedadhesion"),
                  N_("date of adhésion (default: today's business date)")),
}
_VALUES = {
    "kind": {"personnephysique": "person", "physique": "person", "p": "person", "pp": "person",
             "personnemorale": "legal", "morale": "legal", "m": "legal", "pm": "legal"},
    "status": {"fondateur": "founder", "membre": "member", "membreeffectif": "member"},
}
BATCH = 1000


@dataclass(frozen=True)
class RowError:
    line: int  # line of the file, the header being line 1
    column: str  # the header as written in the file (or the expected one)
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    first_number: str | None = None
    last_number: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


Progress = Callable[[str, int, int], None]  # (phase, done, total)


def columns_help() -> str:
    """The columns, for `--help` and the screen."""
    lines = []
    for name, (aliases, text) in COLUMNS.items():
        lines.append(f"  {name:<21} {_(text)} [{', '.join(aliases[1:3]) or aliases[0]}]")
    return "\n".join(lines)


def _map_value(name: str, value: str) -> str:
    table = _VALUES.get(name)
    return table.get(members.compact(value), value) if table and value else value


@requires("member.import")
def import_members(ctx: Context, path: str | Path, *, dry_run: bool = False,
                   progress: Progress | None = None) -> ImportReport:
    """Check every row of the file, then (unless dry_run, and only when every row is
    good) create the members. Returns the report; writes nothing on any bad row."""
    say = progress or (lambda _phase, _done, _total: None)
    report = ImportReport(dry_run=dry_run)
    table = read_columns(path, COLUMNS)
    headers, rows, where = table.headers, table.rows, table.where
    report.rows = len(rows)
    report.ignored_columns.extend(table.ignored)
    if "surname" not in where and "legal_name" not in where:
        report.errors.append(RowError(1, "nom", _(
            "No column of names: a surname (nom) or a legal name (raison sociale) column "
            "is needed.")))
        return report
    require_rows(table, path)
    today = business_day.require_open(ctx.branch_id)
    config = members.rules()
    known_ids = {k for (k,) in Member.select(Member.id_key).where(Member.id_key != "").tuples()}
    known_names = {(n, b) for n, b in Member.select(Member.name_key, Member.birth_date).tuples()}
    seen_ids: dict[str, int] = {}
    seen_names: dict[tuple[str, Any], int] = {}
    good: list[tuple[dict[str, Any], date]] = []

    def header_of(name: str) -> str:
        return headers[where[name]] if name in where else COLUMNS.get(name, ((name,),))[0][-1]

    for n, values in enumerate(rows):
        line = n + 2
        if n % 1000 == 0:
            say("check", n, len(rows))
        if not any(v.strip() for v in values):
            continue
        raw = {name: _map_value(name, v) for name, v in table.values(values).items()}
        fields, errors = members.clean(raw, today, config)
        joined = today
        if raw.get("joined_on"):
            try:
                joined = members._as_date(raw["joined_on"]) or today
                if joined > today:
                    errors["joined_on"] = _("The date of adhésion is in the future.")
            except ValueError:
                errors["joined_on"] = _("Not a date: write it as DD/MM/YYYY.")
        # duplicates are reported beside the row's other errors
        ik, nk = members.id_key(fields), members.name_key(fields)
        id_field = "registration" if fields["kind"] == "legal" else "id_number"
        if ik and ik in known_ids:
            errors[id_field] = _("ID number already used by a member.")
        elif ik and ik in seen_ids:
            errors[id_field] = _("Same ID number as line {line}.").format(
                line=seen_ids[ik])
        key = (nk, fields.get("birth_date")) if nk else None
        name_field = "legal_name" if fields["kind"] == "legal" else "surname"
        if key is not None and key in known_names:
            errors[name_field] = _("Same name and birth date as a member.")
        elif key is not None and key in seen_names:
            errors[name_field] = _("Same name and birth date as line {line}.").format(
                line=seen_names[key])
        if ik:
            seen_ids.setdefault(ik, line)
        if key is not None:
            seen_names.setdefault(key, line)
        for name, reason in errors.items():
            report.errors.append(RowError(line, header_of(name), reason))
        if not errors:
            good.append((fields, joined))
    say("check", len(rows), len(rows))
    if report.errors or dry_run:
        return report
    with write_transaction():
        branch = Branch.get_by_id(ctx.branch_id)
        numbers = numbering.member_numbers(branch.code, len(good))
        now = clock.now()
        for start in range(0, len(good), BATCH):
            say("write", start, len(good))
            insert_rows(Member, [
                members.row_values(numbers[start + j], branch.id, fields, joined, ctx.user_id,
                                   now)
                for j, (fields, joined) in enumerate(good[start:start + BATCH])
            ])
        report.imported = len(good)
        if numbers:
            report.first_number, report.last_number = numbers[0], numbers[-1]
        audit.record(ctx, "member.import", "member", f"{report.first_number}..",
                     after={"file": Path(path).name, "rows": report.rows,
                            "imported": report.imported, "first": report.first_number,
                            "last": report.last_number})
    say("write", len(good), len(good))
    return report
