"""`mifin import payments`: the installed command on a real database file, dry run first,
then the import posting once, the second run skipping every line, a bad file refused."""

from __future__ import annotations

import subprocess

from mifin_tui.db.models import PaymentImport, PaymentImportLine, Repayment
from tests.cli.helpers import run as run_mifin
from tests.conftest import PASSWORD
from tests.services.test_loans import world  # noqa: F401
from tests.services.test_payment_import import setup, usd, write


def _acting(world):
    """`run` as the world's accountant, his password on standard input (#21)."""
    name = world["accountant"].username

    def run(*args, db, password=PASSWORD):
        return run_mifin(*args, "--user", name, db=db, input=password + "\n")
    return run


def test_dry_run_then_import_then_again_posts_once(world, db_path, tmp_path):
    run = _acting(world)
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
    run = _acting(world)
    s = setup(world)
    path = write(tmp_path, f"{s['day']};OM-1;;{usd(s['first'])};x\n32/01/2026;OM-2;;1;y\n")
    proc = run("import", "payments", str(path), "--channel", "bank", db=db_path)
    assert proc.returncode == 1
    assert "line 3, column date" in proc.stdout and "nothing was imported" in proc.stdout
    assert PaymentImport.select().count() == 0


def test_suspense_from_the_command_line_list_apply_refund(world, db_path, tmp_path):
    """#20: the import puts what it cannot post in suspense; the accountant lists it,
    applies one payment to a savings account and refunds another, from the shell."""
    from mifin_tui.db.models import Account, PaymentSuspense

    run = _acting(world)
    s = setup(world)
    body = (f"{s['day']};OM-7;0700000000;12.27;nobody\n"
            f"{s['day']};OM-8;0700000001;40.00;nobody either\n")
    path = write(tmp_path, body)
    done = run("import", "payments", str(path), "--channel", "mobile-money", db=db_path)
    assert done.returncode == 0, done.stderr
    assert "Held in suspense" in done.stdout
    listed = run("suspense", "list", db=db_path)
    assert listed.returncode == 0, listed.stderr
    assert "OM-7" in listed.stdout and "12.27" in listed.stdout and "OM-8" in listed.stdout
    first, second = [i.id for i in PaymentSuspense.select().order_by(PaymentSuspense.id)]
    g_before = Account.get_by_id(world["g_account"]).balance
    applied = run("suspense", "apply", str(first), s["g_number"], db=db_path)
    assert applied.returncode == 0, applied.stderr
    assert f"applied to {s['g_number']}" in applied.stdout
    assert Account.get_by_id(world["g_account"]).balance == g_before + 1_227
    refused = run("suspense", "refund", str(second), "--note", " ", db=db_path)
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
    refunded = run("suspense", "refund", str(second), "--note", "Reversed by Orange",
                   db=db_path)
    assert refunded.returncode == 0, refunded.stderr
    assert "refunded: voucher OD-" in refunded.stdout
    assert [i.status for i in PaymentSuspense.select().order_by(PaymentSuspense.id)] == [
        "applied", "refunded"]
    assert "No payment waits in suspense." in run("suspense", "list", db=db_path).stdout


def test_import_payments_wants_its_actor_and_his_password(world, db_path, tmp_path):
    """#21: no default actor, no posting without the named user's own password, nor with
    a one-time password, nor by a user who may not import."""
    from mifin_tui.db.models import AuditLog
    from mifin_tui.services.admin import users

    s = setup(world)
    path = write(tmp_path, f"{s['day']};OM-1;;{usd(s['first'])};{s['loan'].number}\n")
    accountant = world["accountant"].username
    nobody = run_mifin("import", "payments", str(path), "--channel", "bank", db=db_path,
                       input=PASSWORD + "\n")
    assert nobody.returncode == 2 and "--user" in nobody.stderr
    wrong = run_mifin("import", "payments", str(path), "--channel", "bank", "--user",
                      accountant, db=db_path, input="Not-his-password-1\n")
    assert wrong.returncode == 1 and "Wrong user name or password" in wrong.stderr
    cashier = run_mifin("import", "payments", str(path), "--channel", "bank", "--user",
                        world["cashier"].username, db=db_path, input=PASSWORD + "\n")
    assert cashier.returncode == 1 and "not allowed" in cashier.stderr
    otp = users.reset_password(world["admin"], accountant)
    one_time = run_mifin("import", "payments", str(path), "--channel", "bank", "--user",
                         accountant, db=db_path, input=otp + "\n")
    assert one_time.returncode == 1 and "one-time password" in one_time.stderr
    assert Repayment.select().count() == 0 and PaymentImport.select().count() == 0
    assert AuditLog.select().where(AuditLog.action == "login.failed",
                                   AuditLog.username == accountant).count() == 1

