"""The fiche d'adhésion on A4, read back with pdftotext: every section, the payments,
the signatures, DUPLICATA on a reprint, names in any Latin script."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime

import pytest

from mifin_tui.services.members.documents import MemberFormDoc
from printers.member_form import member_form_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def text_of(data: bytes, tmp_path) -> str:
    path = tmp_path / "fiche.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def doc(**changes) -> MemberFormDoc:
    base = MemberFormDoc(
        institution="COOPEC Tujenge", branch_code="KIN", branch_name="Agence de Kalamu",
        title="FICHE D'ADHÉSION", number="KIN-000061", joined_on=date(2026, 11, 23),
        kind_label="Personne physique", status_label="Membre",
        sections=(("Identité", (("Nom", "KABONGO"), ("Postnom", "NGALULA"),
                                ("Prénom", "Bénédicte"), ("Né(e) le, à", "12/04/1985, Mbuji-Mayi"),
                                ("Profession / activité", "Vendeuse de pagnes au marché "
                                 "Gambela, grossiste en wax hollandais et en bazin riche"))),
                  ("Adresse", (("Adresse", "n° 12, avenue Kasa-Vubu"), ("Commune", "Kalamu")))),
        payments=(("Frais d'adhésion", "5,00 $US", "BE-KIN-2026-000101"),
                  ("Part sociale", "10,00 $US", "BE-KIN-2026-000103")),
        signatures=("Le membre", "L'agent", "Le gérant"), printed_by="Mbuyi Ruth",
        printed_at=datetime(2026, 11, 23, 9, 30))
    from dataclasses import replace

    return replace(base, **changes)


def test_the_fiche_prints_every_section_and_payment(tmp_path):
    text = text_of(member_form_pdf(doc()), tmp_path)
    for expected in ("COOPEC Tujenge", "FICHE D'ADHÉSION", "KIN-000061", "23/11/2026",
                     "KABONGO", "Bénédicte", "Mbuji-Mayi", "Kasa-Vubu", "BE-KIN-2026-000103",
                     "Le gérant", "Mbuyi Ruth", "bazin riche"):
        assert expected in text, expected
    assert "DUPLICATA" not in text


def test_a_reprint_says_duplicata_and_odd_letters_print(tmp_path):
    odd = doc(duplicate=True, sections=(("Identité", (("Nom", "NDƐYƐ ŊGƆNƆ"),)),))
    text = text_of(member_form_pdf(odd), tmp_path)
    assert "DUPLICATA" in text
    assert "NDƐYƐ ŊGƆNƆ" in text
