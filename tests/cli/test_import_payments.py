"""`mifin import payments`: the installed command on a real database file, dry run first,
then the import posting once, the second run skipping every line, a bad file refused."""

from __future__ import annotations

import subprocess

from mifin_tui.db.models import PaymentImport, PaymentImportLine, Repayment
from tests.cli.helpers import run
from tests.services.test_loans import world  # noqa: F401
from tests.services.test_payment_import import setup, usd, write


def test_dry_run_then_import_then_again_posts_once(world, db_path, tmp_path):
    s = setup(world)
    body = (f"{s['day']};OM-1;;{usd(s['first'])};{s['loan'].number}\n"
            f"{s['day']};OM-2;0700000000;5.00;nobody\n")
    path = write(tmp_path, body)
    dry = run("import", "payments", str(path), "--channel", "mobile-money", "--dry-run",
              db=db_path)
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout and "matched: 1" in dry.stdout
    assert Repayment.select().count() == 0
    pdf = tmp_path / "summary.pdf"
    done = run("import", "payments", str(path), "--channel", "mobile-money", "--pdf",
               str(pdf), db=db_path)
    assert done.returncode == 0, done.stderr
    assert "posted: 1" in done.stdout and "unmatched: 1" in done.stdout
    assert "OM-2" in done.stdout
    rep = Repayment.get(Repayment.reference == "OM-1")
    assert (rep.channel, rep.loan_id) == ("mobile_money", s["loan"].id)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    assert "OM-1" in text and "OM-2" in text
    again = run("import", "payments", str(path), "--channel", "mobile-money", db=db_path)
    assert again.returncode == 0, again.stderr
    assert "already imported: 2" in again.stdout
    assert Repayment.select().count() == 1 and PaymentImportLine.select().count() == 2
    assert PaymentImport.select().count() == 2


def test_a_bad_line_is_reported_and_nothing_is_imported(world, db_path, tmp_path):
    s = setup(world)
    path = write(tmp_path, f"{s['day']};OM-1;;{usd(s['first'])};x\n32/01/2026;OM-2;;1;y\n")
    proc = run("import", "payments", str(path), "--channel", "bank", db=db_path)
    assert proc.returncode == 1
    assert "line 3, column date" in proc.stdout and "nothing was imported" in proc.stdout
    assert PaymentImport.select().count() == 0
