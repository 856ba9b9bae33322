"""A loan's terms: built from its product for an application, frozen as JSON at the
approval with the schedule that goes with them, and read back (shifted to the day of
the disbursement) by the disbursement, the repayments and the rescheduling.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date

from mifin_tui.db.models import Loan, LoanInstallment
from mifin_tui.services.kernel import calendar as working_calendar
from mifin_tui.services.kernel import institution, regulators
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans.engine import schedule as engine

# A seasonal product's instalments fall one season (about four months) apart unless the
# application gives its own dates.
SEASON_DAYS = 120


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (a month not yet complete does not count)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def schedule_terms(product: loan_products.ProductSpec, amount: int, term: int, rate_bp: int,
                   start: date, due_dates: tuple[date, ...] = ()) -> engine.ScheduleTerms:
    """The schedule terms of a loan of `product`, under the institution's regulator's
    TEG method and the working calendar."""
    if product.frequency == engine.SEASONAL and not due_dates:
        due_dates = tuple(date.fromordinal(start.toordinal() + SEASON_DAYS * k)
                          for k in range(1, term + 1))
    profile = regulators.get_profile(institution.info().regulator)
    return loan_products.terms_for(product, amount, term, rate_bp, start, due_dates=due_dates,
                                   calendar=working_calendar.load(),
                                   teg_method=institution.teg_method(profile))


def monthly_payment(schedule: engine.Schedule) -> int:
    """What the schedule costs the borrower a month at worst (the debt-to-income rule)."""
    worst = max(i.total for i in schedule.installments)
    per_year = engine.PERIODS_PER_YEAR.get(schedule.terms.frequency)
    if per_year is None:  # seasonal: spread over the months the plan runs
        months = max(1, months_between(schedule.terms.start,
                                       schedule.installments[-1].due_date))
        return -(-schedule.totals.total // months)
    return -(-worst * per_year // 12)


def due_dates_of(loan: Loan) -> tuple[date, ...]:
    """The due dates the officer gave a seasonal application (none: the product's own)."""
    if not loan.due_dates_json:
        return ()
    return tuple(date.fromisoformat(d) for d in json.loads(loan.due_dates_json))


def terms_json(terms: engine.ScheduleTerms) -> str:
    """The terms as the loan keeps them from the approval on (the calendar is read again)."""
    values = {f.name: getattr(terms, f.name) for f in dataclasses.fields(terms)
              if f.name != "calendar"}
    values["start"] = terms.start.isoformat()
    values["first_due"] = terms.first_due.isoformat() if terms.first_due else None
    values["due_dates"] = [d.isoformat() for d in terms.due_dates]
    return json.dumps(values, sort_keys=True)


def frozen_terms(loan: Loan, start: date | None = None) -> engine.ScheduleTerms:
    """The terms frozen at approval, starting on `start` (their own date by default); a
    plan with dates of its own shifts them by as many days, unless the officer entered
    them."""
    values = json.loads(loan.terms_json)
    old_start = date.fromisoformat(values["start"])
    new_start = start or old_start
    shift = new_start.toordinal() - old_start.toordinal()
    values["start"] = new_start
    values["first_due"] = (date.fromordinal(date.fromisoformat(values["first_due"])
                                            .toordinal() + shift)
                           if values["first_due"] else None)
    # the dates the officer entered (harvests, seasons) stay where he put them
    own = 0 if loan.due_dates_json else shift
    values["due_dates"] = tuple(date.fromordinal(date.fromisoformat(d).toordinal() + own)
                                for d in values["due_dates"])
    return engine.ScheduleTerms(**values, calendar=working_calendar.load())


def store_schedule(loan: Loan, sched: engine.Schedule) -> None:
    """Replace the loan's instalments by those of `sched`; inside a write transaction."""
    LoanInstallment.delete().where(LoanInstallment.loan == loan.id).execute()
    LoanInstallment.insert_many([
        {"loan": loan.id, "no": i.no, "due_date": i.due_date, "principal_due": i.principal,
         "interest_due": i.interest, "fees_due": i.fees}
        for i in sched.installments]).execute()
