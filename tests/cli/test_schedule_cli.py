"""`mifin schedule`: each format, the defaults from the database, and bad arguments."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import date

import pytest

from tests.cli.helpers import run
from tests.conftest import FIRST_DAY

BASE = ("schedule", "--principal", "150000", "--rate", "24", "--installments", "12",
        "--start", "2026-01-05")


def test_table_in_french_figures_with_totals_and_teg(tmp_path):
    out = run(*BASE, "--fee", "2%", "--round-to", "25", db=tmp_path / "none.db", lang="fr")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(line.split()[:2] == ["1", "12/01/2026"] and "12 208" in line and
               "12 900" in line for line in lines)
    total_line = next(line for line in lines if "150 000" in line and "154 529" in line)
    assert "4 529" in total_line
    assert any(line.startswith("TEG") and "40,46 %" in line for line in lines)


def test_csv_has_the_exact_header_and_plain_decimals(tmp_path):
    out = run("schedule", "--principal", "1234.50", "--currency", "USD", "--rate", "18.5",
              "--installments", "3", "--frequency", "monthly", "--start", "2026-01-31",
              "--format", "csv", db=tmp_path / "none.db")
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["no", "due_date", "principal", "interest", "fees", "total", "balance"]
    # Without a database there is no calendar: the month-end clamps, nothing moves.
    assert [r[1] for r in rows[1:]] == ["2026-02-28", "2026-03-31", "2026-04-30"]
    assert rows[-1][-1] == "0.00"
    assert sum(int(r[2].replace(".", "")) for r in rows[1:]) == 123_450
    assert all(len(r[2].split(".")[1]) == 2 for r in rows[1:])


def test_csv_in_francs_has_no_decimals(tmp_path):
    out = run(*BASE, "--format", "csv", db=tmp_path / "none.db")
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[1] == ["1", "2026-01-12", "12186", "692", "0", "12878", "137814"]


def test_json_has_integer_minor_units_and_the_teg(tmp_path):
    out = run(*BASE, "--fee", "3000", "--format", "json", db=tmp_path / "none.db")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["currency"], data["decimals"]) == ("XOF", 0)
    first = data["installments"][0]
    assert set(first) == {"no", "due_date", "principal", "interest", "fees", "total",
                          "balance"}
    assert all(isinstance(first[k], int) for k in ("principal", "interest", "total"))
    assert sum(i["principal"] for i in data["installments"]) == 150_000
    assert data["totals"]["principal"] == 150_000
    assert data["totals"]["total"] == sum(i["total"] for i in data["installments"])
    assert 24 < data["teg"] < 60 and data["net_disbursed"] == 147_000


def test_pdf_is_written_and_reads_back(tmp_path):
    pdf = tmp_path / "s.pdf"
    out = run(*BASE, "--format", "pdf", "--output", str(pdf), db=tmp_path / "none.db")
    assert out.returncode == 0, out.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Repayment schedule" in text and "12/01/2026" in text and "150,000" in text


def test_start_defaults_to_the_open_business_date_and_dates_skip_holidays(admin, db_path):
    from mifin_tui.services.kernel import calendar

    first_due = date.fromordinal(FIRST_DAY.toordinal() + 7)
    calendar.add_holiday(admin, first_due, "Fête test")
    out = run("schedule", "--principal", "1000", "--rate", "12", "--installments", "2",
              "--format", "json", db=db_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["currency"] == "USD"  # the institution's
    assert data["installments"][0]["due_date"] == date.fromordinal(
        first_due.toordinal() + 1).isoformat()


@pytest.mark.parametrize("args,word", [
    (("--principal", "-5", "--rate", "10", "--installments", "3"), "--principal"),
    (("--principal", "100", "--rate", "101", "--installments", "3"), "--rate"),
    (("--principal", "100", "--rate", "10", "--installments", "0"), "--installments"),
    (("--principal", "100", "--rate", "10", "--installments", "3", "--method", "annuity"),
     "--method"),
    (("--principal", "abc", "--rate", "10", "--installments", "3"), "--principal"),
    (("--principal", "100", "--rate", "10", "--installments", "3", "--grace-principal", "3"),
     "grace"),
])
def test_bad_arguments_exit_2_with_one_line(tmp_path, args, word):
    out = run("schedule", *args, db=tmp_path / "none.db")
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and word in lines[0], out.stderr
