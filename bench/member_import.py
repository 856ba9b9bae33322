"""`mifin import members` at scale: 50,000 rows of a member register, checked then written.

    python bench/member_import.py                # 50,000 rows
    python bench/member_import.py --rows 10000

The CSV is written with French headers from the demo's name generator; the import runs
through the service (every row validated, duplicates looked for, then one transaction).
Prints the figure (goal: 50,000 rows in 30 s or less); asserts nothing about time.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADERS = ["Nom", "Postnom", "Prénom", "Sexe", "Date de naissance", "Lieu de naissance",
           "État civil", "Profession", "Adresse", "Commune", "Ville", "Province",
           "Téléphone", "Type pièce", "Numéro pièce", "Date adhésion"]


def write_csv(path: Path, rows: int, seed: int) -> None:
    from mifin_tui.demo.names import random_person

    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(HEADERS)
        for n in range(rows):
            p = random_person(rng, "bcc")
            out.writerow([p["surname"], p["postname"], p["first_name"], p["sex"],
                          p["birth_date"].strftime("%d/%m/%Y"), p["birth_place"],
                          p["civil_status"], p["profession"], p["address"], p["commune"],
                          p["city"], p["province"], p["phone"], p["id_type"],
                          f"{p['id_number']}-{n}", "15/03/2019"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    from mifin_tui import db
    from mifin_tui.services.admin import institution
    from mifin_tui.services.imports import members as member_import

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "registre.csv"
        write_csv(csv_path, args.rows, args.seed)
        db.open_database(Path(tmp) / "bench.db")
        admin = institution.initialize(
            name="COOPEC Bench", branch_code="KIN", branch_name="Kalamu", currency="USD",
            regulator="bcc", admin_username="admin", admin_full_name="Admin Bench",
            admin_password="Kalamu-pass-2026", first_day=date(2026, 11, 23))
        phases: dict[str, float] = {}
        t0 = time.perf_counter()

        def progress(phase: str, done: int, total: int) -> None:
            phases.setdefault(phase, time.perf_counter())

        report = member_import.import_members(admin, csv_path, progress=progress)
        total = time.perf_counter() - t0
        assert report.ok, report.errors[:5]
        check = phases.get("write", time.perf_counter()) - t0
        print(f"{args.rows} rows: checked in {check:.1f} s, written in {total - check:.1f} s, "
              f"total {total:.1f} s ({report.imported} members, {report.first_number} to "
              f"{report.last_number})")
        db.close()


if __name__ == "__main__":
    main()
