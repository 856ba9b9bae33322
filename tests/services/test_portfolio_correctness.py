"""Correctness of the risk reports on a portfolio built by hand through the services:
loans on time, 5, 35 and 95 days late, one restructured, one written off. Every figure
of `par`, `classification` and the loan lines of `trial-balance` is checked against
values computed here from the schedules."""

from __future__ import annotations

from datetime import timedelta

from mifin_tui import db
from mifin_tui.db.models import Institution, Loan, LoanInstallment
from mifin_tui.services.kernel import regulators, settings
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans.risk.classification import provision as loan_provision
from mifin_tui.services.reports import portfolio
from mifin_tui.services.reports import registry as report_registry
from mifin_tui.services.reports.registry import ReportParams
from tests.services.test_loans import approved, world  # noqa: F401

AMOUNTS = {"on_time": 100_000, "late5": 60_000, "late35": 80_000, "late95": 50_000,
           "restructured": 90_000, "written_off": 40_000}
LATE = {"on_time": 0, "late5": 5, "late35": 35, "late95": 95, "restructured": 0,
        "written_off": 200}


def _schedule(loan_id: int) -> list[LoanInstallment]:
    return list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))


def _late_by(loan_id: int, days: int, day) -> None:
    """Move the schedule so that its first instalment fell due `days` before `day`
    (nothing paid since: the loan is `days` late); 0: first due in a week."""
    rows = _schedule(loan_id)
    shift = (day - timedelta(days=days if days else -7)) - rows[0].due_date
    with db.write_transaction():
        for r in rows:
            r.due_date = r.due_date + shift
            r.save()


def build(w) -> tuple[dict[str, int], object]:
    ids: dict[str, int] = {}
    for name, amount in AMOUNTS.items():
        # One borrower holds all six: an income that carries them all keeps the
        # debt-to-income rule (which counts his other loans) from refusing the last ones.
        ids[name] = approved(w, amount=amount, monthly_income=2_000_000)
        # Paid into the borrower's savings: the till holds less than the six loans.
        loan_disbursement.disburse(w["cashier"], ids[name], mode="savings")
    day = Loan.get_by_id(ids["on_time"]).disbursed_on
    for name, loan_id in ids.items():
        _late_by(loan_id, LATE[name], day)
    manager = w["manager"]
    with db.write_transaction():
        # Until the restructuring and write-off services land, the loan service sets what
        # they set: the flag, the write-off date and amount (no ledger posting).
        r = Loan.get_by_id(ids["restructured"])
        r.restructured = True
        r.save()
        off = Loan.get_by_id(ids["written_off"])
        loan_lifecycle.move(manager, off, "active", "")
        loan_lifecycle.move(manager, off, "in_arrears", "late")
        loan_lifecycle.move(manager, off, "written_off", "uncollectable", written_off_on=day,
                            written_off_amount=AMOUNTS["written_off"], write_off_reason="décès")
    return ids, day


def overdue_principal(loan_id: int, day) -> int:
    return sum(r.principal_due for r in _schedule(loan_id) if r.due_date < day)


def test_par_classification_and_trial_balance_against_hand_figures(world):
    ids, day = build(world)
    manager = world["manager"]
    # By hand: the portfolio holds every loan but the written-off one, whole principal.
    live = {k: v for k, v in AMOUNTS.items() if k != "written_off"}
    gross = sum(live.values())
    assert gross == 380_000
    assert portfolio.outstanding(day) == {ids[k]: v for k, v in live.items()}
    assert portfolio.days_past_due(day) == {ids[k]: LATE[k] for k in live}

    s = portfolio.par(day)
    par1 = 60_000 + 80_000 + 50_000
    par30 = 80_000 + 50_000
    par90 = 50_000
    assert (s.loans, s.outstanding) == (5, gross)
    assert s.at_risk == {"par1": par1, "par30": par30, "par90": par90}
    assert s.loans_at_risk == {"par1": 3, "par30": 2, "par90": 1}
    assert (s.restructured_outstanding, s.restructured_at_risk) == (
        90_000, {"par1": 0, "par30": 0, "par90": 0})

    table = report_registry.run("par", manager, ReportParams(date=day))
    assert [r[:5] for r in table.rows] == [
        ("PAR1 (any day late)", 3, par1, gross, "50.00%"),      # 190,000 / 380,000
        ("PAR30 (more than 30 days)", 2, par30, gross, "34.21%"),  # 130,000 / 380,000
        ("PAR90 (more than 90 days)", 1, par90, gross, "13.16%"),  # 50,000 / 380,000
        ("Restructured loans", None, None, 90_000, "23.68%")]      # 90,000 / 380,000

    # Classification, BCC profile: healthy at 0 days, unpaid 1-90, doubtful 91-180; the
    # profile has no published rates and this institution left them empty, so the report
    # says "to set" and provisions nothing.
    with db.write_transaction():
        settings.put("loan_provision_rates", {})
    table = report_registry.run("classification", manager, ReportParams(date=day))
    by_class = {r[0]: r[1:] for r in table.rows}
    profile = regulators.get_profile("bcc")
    sain, impaye, douteux = (profile.bucket(k).label for k in ("sain", "impaye", "douteux"))
    assert by_class[sain] == (2, 190_000, 190_000, "0.00%", 0)
    assert by_class[impaye] == (2, 140_000, 140_000, "to set", 0)
    assert by_class[douteux] == (1, 50_000, 50_000, "to set", 0)
    assert by_class["Of which restructured"] == (1, 90_000, 90_000, "", 0)
    assert table.totals == ("Total", 5, gross, gross, "", 0)
    assert any("not set" in n for n in table.notes)

    # BCEAO rates on the same ages, base less the pledged deposits: by hand.
    bceao = regulators.get_profile("bceao")

    def provision(p, outstanding, held, days):
        result = loan_provision(p, outstanding, held, days)
        return result.bucket, result.base, result.amount

    assert provision(bceao, 50_000, 0, 95)[1:] == (50_000, 20_000)  # 40 %
    assert provision(bceao, 50_000, 8_000, 200)[1:] == (42_000, 33_600)  # 80 % of 42,000
    assert provision(bceao, 80_000, 0, 35)[1:] == (80_000, 0)  # 0-3 months: 0 %
    assert provision(bceao, 10_000, 20_000, 400)[1:] == (0, 0)  # fully covered

    # Trial balance: the loan GL account holds every disbursed principal; the
    # portfolio plus the written-off principal (not posted without the write-off
    # service) reconcile with it.
    code = profile.gl("loans_outstanding").code
    inst = Institution.get()
    assert inst.regulator == "bcc"
    tb = report_registry.run("trial-balance", manager,
                             ReportParams(date_from=day, date_to=day))
    line = next(r for r in tb.rows if r[0] == code)
    assert line[2:] == (0, 0, sum(AMOUNTS.values()), 0, sum(AMOUNTS.values()), 0)
    assert line[6] == s.outstanding + AMOUNTS["written_off"]
    totals = tb.totals
    assert totals[2] == totals[3] and totals[4] == totals[5] and totals[6] == totals[7]

    # The day before the disbursements nothing was lent: an empty portfolio.
    before = portfolio.par(day - timedelta(days=1))
    assert (before.loans, before.outstanding) == (0, 0)
    # The arrears report: the three late loans, principal overdue = the instalments due
    # before the day, whole outstanding beside it.
    arrears = report_registry.run("arrears", manager, ReportParams(date=day))
    lines = {r[0]: r for r in arrears.rows if isinstance(r[2], int)}
    for name in ("late5", "late35", "late95"):
        number = Loan.get_by_id(ids[name]).number
        assert lines[number][2] == LATE[name]
        assert lines[number][3] == overdue_principal(ids[name], day) > 0
        assert lines[number][5] == AMOUNTS[name]
    assert len(lines) == 3

    # The balance sheet's off-balance memorandum: the written-off principal.
    bs = report_registry.run("balance-sheet", manager, ReportParams(date=day))
    memo = {r[1]: r[2] for r in bs.rows if not r[0]}
    assert memo["Loans written off (memorandum)"] == AMOUNTS["written_off"]
    assert memo["Guarantees received on loans outstanding (memorandum)"] == 0
    before_bs = report_registry.run("balance-sheet", manager,
                                    ReportParams(date=day - timedelta(days=1)))
    assert {r[1]: r[2] for r in before_bs.rows}["Loans written off (memorandum)"] == 0
