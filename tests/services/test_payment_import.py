"""Import of mobile-money and bank statements: validation first (nothing written on a bad
line), the matching rules (number in the reference or the text, account number, member's
phone), posting through the repayments and the non-cash savings deposit, idempotence (a
file imported twice posts nothing twice), rejected lines whole or not at all, and the
accountant's manual matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from mifin_tui import db
from mifin_tui.db.models import (
    Account,
    AuditLog,
    Entry,
    JournalTransaction,
    Loan,
    Member,
    PaymentImport,
    PaymentImportLine,
    PaymentSuspense,
    Repayment,
)
from mifin_tui.services.admin import check
from mifin_tui.services.imports import payments as pi
from mifin_tui.services.kernel import accounts
from mifin_tui.services.kernel.errors import MifinError, PermissionDenied, ValidationError
from tests.services.test_loans import USD, world  # noqa: F401
from tests.services.test_repayments import age, disbursed

HEADER = "date;reference;payer;amount;text\n"


def write(tmp_path: Path, body: str, name: str = "releve.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def setup(world) -> dict:
    """A disbursed loan of the borrower with two instalments due; the guarantor's phone."""
    loan_id = disbursed(world)
    rows = age(loan_id, 2)
    with db.write_transaction():
        Member.update(phone="+243 81 234 5678").where(
            Member.id == world["guarantor"].id).execute()
        Member.update(phone="0899000111").where(Member.id == world["borrower"].id).execute()
    loan = Loan.get_by_id(loan_id)
    first = rows[0].principal_due + rows[0].interest_due
    return dict(loan=loan, first=first, day=loan.disbursed_on.strftime("%d/%m/%Y"),
                g_number=Account.get_by_id(world["g_account"]).number)


def usd(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def clearing_balance(channel: str) -> int:
    with db.write_transaction():
        acc = accounts.internal_account(Account.get_by_id(1).branch_id, channel, USD)
    return Account.get_by_id(acc.id).balance


def test_matching_rules_post_loans_and_savings_and_leave_the_rest(world, tmp_path):
    s = setup(world)
    acc = world["accountant"]
    loan, first = s["loan"], s["first"]
    g_before = Account.get_by_id(world["g_account"]).balance
    body = (f"{s['day']};MP-001;0811111111;{usd(first)};Remb. {loan.number}\n"
            f"{s['day']};MP-002;+243812345678;25.00;epargne\n"
            f"{s['day']};MP-003;{s['g_number'].replace('-', '')};10.00;\n"
            f"{s['day']};MP-004;0700000000;5.00;inconnu\n")
    report = pi.import_payments(acc, write(tmp_path, body), "mobile_money")
    assert report.ok
    by_ref = {line.reference: line for line in report.lines}
    assert (by_ref["MP-001"].status, by_ref["MP-001"].matched_by) == ("posted", "text")
    assert by_ref["MP-001"].loan_id == loan.id
    # the guarantor has no loan: the phone finds the one savings account
    assert (by_ref["MP-002"].status, by_ref["MP-002"].matched_by) == ("posted", "phone")
    assert by_ref["MP-002"].account_id == world["g_account"]
    assert (by_ref["MP-003"].status, by_ref["MP-003"].matched_by) == ("posted", "account")
    assert by_ref["MP-004"].status == "unmatched"
    rep = Repayment.get(Repayment.reference == "MP-001")
    assert (rep.channel, rep.loan_id, rep.amount) == ("mobile_money", loan.id, first)
    assert Account.get_by_id(world["g_account"]).balance == g_before + 3_500
    # the clearing account carries the whole statement (debit balance of an asset): the
    # unmatched line's 5.00 waits in suspense (#20)
    assert clearing_balance("mobile_money") == first + 3_500 + 500
    imp = PaymentImport.get_by_id(report.import_id)
    assert (imp.lines, imp.posted, imp.unmatched, imp.rejected, imp.skipped) == (4, 3, 1, 0, 0)
    assert len(imp.file_sha256) == 64 and imp.created_by_id == acc.user_id
    vi = JournalTransaction.get(JournalTransaction.id == PaymentImportLine.get(
        PaymentImportLine.reference == "MP-002").txn_id)
    assert vi.voucher_series == "VI"
    assert AuditLog.select().where(AuditLog.action == "payment.import").count() == 1
    assert check.run().ok


def test_reference_holding_the_number_wins_and_phone_of_a_borrower_finds_the_loan(
        world, tmp_path):
    s = setup(world)
    loan = s["loan"]
    body = (f"{s['day']};{loan.number.replace('-', '')};;{usd(s['first'])};\n"
            f"{s['day']};BK-9;0899000111;{usd(1000)};virement\n")
    report = pi.import_payments(world["accountant"], write(tmp_path, body), "bank")
    lines = {line.line_no: line for line in report.lines}
    assert (lines[2].matched_by, lines[2].loan_id, lines[2].status) == (
        "reference", loan.id, "posted")
    assert (lines[3].matched_by, lines[3].loan_id, lines[3].status) == (
        "phone", loan.id, "posted")
    assert Repayment.select().where(Repayment.channel == "bank").count() == 2


def test_a_file_imported_twice_posts_nothing_twice(world, tmp_path):
    s = setup(world)
    body = (f"{s['day']};MP-1;;{usd(s['first'])};{s['loan'].number}\n"
            f"{s['day']};MP-2;0700000000;5.00;nobody\n")
    path = write(tmp_path, body)
    pi.import_payments(world["accountant"], path, "mobile_money")
    txns = JournalTransaction.select().count()
    again = pi.import_payments(world["accountant"], path, "mobile_money")
    assert [line.status for line in again.lines] == ["skipped", "skipped"]
    assert JournalTransaction.select().count() == txns
    assert Repayment.select().count() == 1
    assert PaymentImportLine.select().count() == 2
    assert PaymentImport.select().order_by(PaymentImport.id.desc()).first().skipped == 2
    # the same reference on the other channel is another payment
    other = pi.import_payments(world["accountant"], path, "bank", dry_run=True)
    assert other.lines[0].status == "matched"


def test_two_imports_of_one_file_at_once_post_it_once(world, tmp_path, monkeypatch):
    """The second import checked its references before the first committed: it skips
    them under the write lock; and were the unique reference hit anyway, the answer is
    "already imported", never an IntegrityError."""
    s = setup(world)
    path = write(tmp_path, f"{s['day']};MP-9;;{usd(s['first'])};{s['loan'].number}\n")
    pi.import_payments(world["accountant"], path, "mobile_money")
    txns = JournalTransaction.select().count()
    real = pi.matching.known_references
    calls = []

    def stale_first(channel, refs):  # the check made before the other import committed
        calls.append(channel)
        return set() if len(calls) == 1 else real(channel, refs)

    monkeypatch.setattr(pi.matching, "known_references", stale_first)
    again = pi.import_payments(world["accountant"], path, "mobile_money")
    assert [line.status for line in again.lines] == ["skipped"]
    assert JournalTransaction.select().count() == txns
    monkeypatch.setattr(pi.matching, "known_references", lambda channel, refs: set())
    with pytest.raises(MifinError, match="already imported"):
        pi.import_payments(world["accountant"], path, "mobile_money")
    assert JournalTransaction.select().count() == txns
    assert Repayment.select().count() == 1


@pytest.mark.parametrize("line, column", [
    ("31/02/2026;R1;;10.00;x", "date"),
    ("01/01/2020;R1;;10,001;x", "amount"),
    ("01/01/2020;R1;;-5;x", "amount"),
    ("01/01/2020;;;10.00;x", "reference"),
    ("01/01/2020;R1;;abc;x", "amount"),
])
def test_a_bad_line_writes_nothing(world, tmp_path, line, column):
    s = setup(world)
    good = f"{s['day']};OK-1;;{usd(s['first'])};{s['loan'].number}\n"
    before = (JournalTransaction.select().count(), PaymentImport.select().count())
    report = pi.import_payments(world["accountant"], write(tmp_path, good + line + "\n"),
                                "mobile_money")
    assert not report.ok
    assert [(e.line, e.column) for e in report.errors] == [(3, column)]
    assert (JournalTransaction.select().count(), PaymentImport.select().count()) == before
    assert PaymentImportLine.select().count() == 0


def test_a_duplicate_reference_inside_the_file_and_a_future_date_are_errors(
        world, tmp_path):
    s = setup(world)
    body = (f"{s['day']};dup;;1.00;x\n{s['day']};DUP ;;2.00;y\n"
            f"01/01/2099;F1;;2.00;z\n")
    report = pi.import_payments(world["accountant"], write(tmp_path, body), "bank")
    assert [(e.line, e.column) for e in report.errors] == [(3, "reference"), (4, "date")]
    assert "line 2" in report.errors[0].reason
    assert PaymentImport.select().count() == 0


def test_missing_columns_are_named(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("when;amount\n01/01/2020;1\n", encoding="utf-8")
    report = pi.import_payments(world["accountant"], path, "bank")
    assert {e.column for e in report.errors} == {"date", "reference"}


def test_dry_run_matches_and_writes_nothing(world, tmp_path):
    s = setup(world)
    body = f"{s['day']};MP-7;;{usd(s['first'])};{s['loan'].number}\n"
    before = JournalTransaction.select().count()
    report = pi.import_payments(world["accountant"], write(tmp_path, body), "mobile_money",
                                dry_run=True)
    assert report.lines[0].status == "matched" and report.lines[0].target == s["loan"].number
    assert JournalTransaction.select().count() == before
    assert PaymentImport.select().count() == 0


def test_a_refused_line_is_rejected_whole_and_the_others_post(world, tmp_path):
    s = setup(world)
    loan = s["loan"]
    # a loan in another currency refuses the line whole; its money waits in suspense
    body = (f"{s['day']};MP-A;;{usd(1_000)};{loan.number};CDF\n"
            f"{s['day']};MP-B;;{usd(s['first'])};{loan.number};USD\n")
    path = tmp_path / "releve.csv"
    path.write_text("date;reference;payer;amount;text;currency\n" + body, encoding="utf-8")
    before_entries = Entry.select().count()
    report = pi.import_payments(world["accountant"], path, "mobile_money")
    lines = {line.reference: line for line in report.lines}
    assert lines["MP-A"].status == "rejected" and lines["MP-A"].reason
    assert lines["MP-B"].status == "posted"
    assert Repayment.select().count() == 1
    # MP-B's entries and MP-A's suspense OD (clearing to suspense), nothing else
    txn = PaymentImportLine.get(PaymentImportLine.reference == "MP-B").txn_id
    held = PaymentSuspense.get(PaymentSuspense.reference == "MP-A")
    assert (held.amount, held.currency, held.status) == (1_000, "CDF", "open")
    assert Entry.select().count() - before_entries == Entry.select().where(
        Entry.txn.in_((txn, held.txn_id))).count()
    assert PaymentImportLine.get(PaymentImportLine.reference == "MP-A").txn_id is None


def test_manual_matching_posts_a_waiting_line_once(world, tmp_path):
    s = setup(world)
    body = f"{s['day']};MP-X;0700000000;{usd(s['first'])};cash for mama\n"
    pi.import_payments(world["accountant"], write(tmp_path, body), "mobile_money")
    [waiting] = pi.open_lines(world["accountant"])
    assert (waiting.reference, waiting.status) == ("MP-X", "unmatched")
    with pytest.raises(ValidationError) as err:
        pi.post_line(world["accountant"], waiting.id, "KIN-99-0000001-00")
    assert "number" in err.value.errors
    posted = pi.post_line(world["accountant"], waiting.id, s["loan"].number)
    assert posted.target == s["loan"].number and posted.voucher_number
    row = PaymentImportLine.get_by_id(waiting.id)
    assert (row.status, row.matched_by, row.loan_id) == ("posted", "manual", s["loan"].id)
    # applied from suspense, where the import had put it (#20)
    rep = Repayment.get(Repayment.reference.endswith("-MP-X"))
    assert (rep.loan_id, rep.channel) == (s["loan"].id, "suspense")
    assert pi.open_lines(world["accountant"]) == []
    with pytest.raises(ValidationError):
        pi.post_line(world["accountant"], waiting.id, s["loan"].number)
    assert Repayment.select().count() == 1
    assert PaymentImport.get_by_id(row.import_id).posted == 1


def test_only_the_accountant_imports(world, tmp_path):
    s = setup(world)
    path = write(tmp_path, f"{s['day']};R;;1.00;x\n")
    with pytest.raises(PermissionDenied):
        pi.import_payments(world["cashier"], path, "bank")


def test_summary_table_prints_an_a4_pdf(world, tmp_path):
    from printers.report import report_pdf

    s = setup(world)
    body = (f"{s['day']};MP-1;;{usd(s['first'])};{s['loan'].number}\n"
            f"{s['day']};MP-2;0700000000;5.00;nobody\n")
    report = pi.import_payments(world["accountant"], write(tmp_path, body), "mobile_money")
    table = pi.summary_table(world["accountant"], report)
    assert [row[5] for row in table.rows] == ["posted", "unmatched"]
    pdf = report_pdf(table)
    assert pdf.startswith(b"%PDF")
    out = tmp_path / "s.pdf"
    out.write_bytes(pdf)
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True).stdout
    assert "MP-1" in text and "MP-2" in text and s["loan"].number in text


def test_a_phone_shared_by_two_members_stays_unmatched_with_the_reason(world, tmp_path):
    s = setup(world)
    with db.write_transaction():
        Member.update(phone="0812345678").where(Member.id == world["newcomer"].id).execute()
    body = f"{s['day']};MP-S;+243 812 345 678;5.00;x\n"
    report = pi.import_payments(world["accountant"], write(tmp_path, body), "mobile_money")
    [line] = report.lines
    assert line.status == "unmatched" and "2 members" in line.reason
    assert PaymentImportLine.get(PaymentImportLine.reference == "MP-S").status == "unmatched"
    assert Repayment.select().count() == 0


def test_a_reference_already_used_at_the_counter_is_skipped(world, tmp_path):
    from mifin_tui.services.loans import repayments

    s = setup(world)
    repayments.repay(world["cashier"], s["loan"].id, 1_000, channel="mobile_money",
                     reference="mp-c1")
    body = f"{s['day']};MP-C1;;10.00;{s['loan'].number}\n"
    report = pi.import_payments(world["accountant"], write(tmp_path, body), "mobile_money")
    assert report.lines[0].status == "skipped"
    assert Repayment.select().count() == 1
