"""The member import: every row checked first; any bad row and nothing is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mifin_tui.db.models import AuditLog, Counter, Member
from mifin_tui.services.imports import members as member_import
from mifin_tui.services.kernel.errors import PermissionDenied
from mifin_tui.services.members import register as members
from tests.cli.helpers import run
from tests.conftest import ADMIN_PASSWORD

FRENCH = (
    "Nom;Postnom;Prénom;Sexe;Date de naissance;Téléphone;Numéro pièce;Commune;Ville;Statut;"
    "Date adhésion;N° fiche papier\n"
    "Kabongo;Ngalula;Bénédicte;F;12/04/1985;+243 81 234 5678;1234567890;Kalamu;Kinshasa;"
    "fondateur;03/02/2015;17\n"
) + """Mukendi;Tshibangu;Jean;H;1979-11-30;0998765432;2233445566;Lemba;Kinshasa;membre;;18
Ilunga;;Merveille;F;01/01/1990;;;Matete;Kinshasa;;;19
"""

ENGLISH = """surname,first_name,sex,birth_date,kind,legal_name,representative
Diallo,Aminata,F,1988-02-03,person,,
,,,,legal,Association des vendeuses du marché Gambela,Kabongo Bénédicte
"""

MIXED = """nom;prenom;sexe;date_naissance;telephone;numero_piece
Kabongo;Bénédicte;F;12/04/1985;+243 81 234 5678;1234567890
;Jean;X;30/02/1979;81-2;
Ilunga;Merveille;F;01/01/2019;;1234567890
Kabongo;BÉNÉDICTE;F;12/04/1985;;
"""


def write(tmp_path: Path, text: str, name: str = "register.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_good_french_file_is_imported_in_order(admin, tmp_path):
    report = member_import.import_members(admin, write(tmp_path, FRENCH, encoding="cp1252"))
    assert report.ok, report.errors
    assert (report.imported, report.first_number, report.last_number) == (
        3, "KIN-000001", "KIN-000003")
    assert report.ignored_columns == ["N° fiche papier"]
    m = Member.get(Member.number == "KIN-000001")
    assert (m.first_name, m.status, m.joined_on.isoformat()) == ("Bénédicte", "founder",
                                                                 "2015-02-03")
    assert [x.number for x in members.search(admin_reader(admin), "kabongo")] == ["KIN-000001"]
    assert AuditLog.select().where(AuditLog.action == "member.import").count() == 1


def admin_reader(admin):
    import dataclasses

    from mifin_tui.services.kernel.permissions import permissions_for

    return dataclasses.replace(admin, permissions=permissions_for({"auditor"}))


def test_english_headers_and_a_legal_person(admin, tmp_path):
    report = member_import.import_members(admin, write(tmp_path, ENGLISH))
    assert report.ok, report.errors
    legal = Member.get(Member.kind == "legal")
    assert legal.legal_name.startswith("Association des vendeuses")
    assert legal.representative_name == "Kabongo Bénédicte"


def test_a_mixed_file_writes_nothing_and_names_each_bad_row(admin, tmp_path):
    counters = list(Counter.select().dicts())
    report = member_import.import_members(admin, write(tmp_path, MIXED))
    assert not report.ok
    found = {(e.line, e.column) for e in report.errors}
    assert {(3, "nom"), (3, "sexe"), (3, "date_naissance"), (3, "telephone"),
            (4, "date_naissance"), (4, "numero_piece"), (5, "nom")} <= found
    assert not any(e.line == 2 for e in report.errors)
    reasons = {(e.line, e.column): e.reason for e in report.errors}
    assert reasons[(4, "numero_piece")] == "Same ID number as line 2."
    assert reasons[(5, "nom")] == "Same name and birth date as line 2."
    assert Member.select().count() == 0
    assert list(Counter.select().dicts()) == counters


def test_a_file_clashing_with_members_on_the_books(admin, tmp_path):
    assert member_import.import_members(admin, write(tmp_path, FRENCH)).ok
    again = member_import.import_members(admin, write(tmp_path, FRENCH))
    assert {e.reason for e in again.errors} >= {"ID number already used by a member.",
                                                "Same name and birth date as a member."}
    assert Member.select().count() == 3


def test_dry_run_writes_nothing(admin, tmp_path):
    report = member_import.import_members(admin, write(tmp_path, FRENCH), dry_run=True)
    assert report.ok and report.imported == 0 and Member.select().count() == 0


def test_only_the_administrator_imports(admin, make_user, tmp_path):
    with pytest.raises(PermissionDenied):
        member_import.import_members(make_user("cashier"), write(tmp_path, FRENCH))


def test_the_command_reports_bad_rows_and_imports_good_files(admin, db_path, tmp_path):
    from mifin_tui import db

    db.close()
    help_text = run("import", "members", "--help", db=db_path)
    assert help_text.returncode == 0
    assert "postname" in help_text.stdout and "postnom" in help_text.stdout
    # #21: run as a Mifin user, with his password; never as the shell's account
    as_admin = ("--user", "admin")
    password = ADMIN_PASSWORD + "\n"
    nobody = run("import", "members", str(write(tmp_path, FRENCH)), db=db_path,
                 input=password)
    assert nobody.returncode == 2 and "--user" in nobody.stderr
    wrong = run("import", "members", str(write(tmp_path, FRENCH)), *as_admin, db=db_path,
                input="Not-the-password-9\n")
    assert wrong.returncode == 1 and "Wrong user name or password" in wrong.stderr
    bad = run("import", "members", str(write(tmp_path, MIXED)), *as_admin, db=db_path,
              input=password)
    assert bad.returncode == 1
    assert "line 3, column sexe: H (male) or F (female)." in bad.stdout
    assert "nothing was imported" in bad.stdout
    dry = run("import", "members", str(write(tmp_path, FRENCH)), "--dry-run", *as_admin,
              db=db_path, input=password)
    assert dry.returncode == 0 and "dry run" in dry.stdout
    good = run("import", "members", str(write(tmp_path, FRENCH)), *as_admin, db=db_path,
               input=password)
    assert good.returncode == 0, good.stderr
    assert "3 members imported: KIN-000001 to KIN-000003." in good.stdout
    assert run("check", db=db_path).returncode == 0


def test_names_too_long_are_refused_field_by_field(admin, tmp_path):
    """A 100,000-character name in a file is an error on its row, not a member."""
    text = ("nom;prenom;sexe;date_naissance;adresse\n"
            f"{'K' * 100_000};Bénédicte;F;12/04/1985;Avenue {'x' * 200}\n"
            f"Ilunga;{'M' * 61};F;01/01/1990;\n")
    report = member_import.import_members(admin, write(tmp_path, text))
    assert not report.ok and report.imported == 0
    found = {(e.line, e.column): e.reason for e in report.errors}
    assert found[(2, "nom")] == "At most 60 characters (100000 given)."
    assert found[(2, "adresse")].startswith("At most 120 characters")
    assert found[(3, "prenom")] == "At most 60 characters (61 given)."
    assert Member.select().count() == 0
    _fields, errors = members.clean({"kind": "legal", "legal_name": "A" * 121,
                                     "representative_name": "Kabongo"}, date(2026, 1, 5))
    assert errors == {"legal_name": "At most 120 characters (121 given)."}


def test_a_user_name_too_long_is_refused(admin):
    from mifin_tui.services.admin.users import validate_new_user

    errors = validate_new_user("kabila", "K" * 121, "Caisse-pass-2026", ["cashier"])
    assert errors == {"full_name": "At most 120 characters (121 given)."}
    assert validate_new_user("kabila", "K" * 120, "Caisse-pass-2026", ["cashier"]) == {}
