"""Printing from a screen: in a thread worker of the App, never blocking the interface.

The posting is committed before anything is printed; building the PDF and sending
it to the printer happen in a thread, and the outcome comes back as one message
(to `on_done`, for the screen that shows it in place, or else as a toast). A
printing failure never undoes the posting: the message says the document can be
reprinted. The worker belongs to the App, so closing the screen (or the dialog
that started it) does not lose the message.

    print_voucher(self.app, receipt.doc, on_done=self.show_outcome)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.app import App
from textual.worker import Worker

from mifin_tui import config
from mifin_tui.i18n import _
from mifin_tui.output import printing
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.services.kernel.documents import CashJournalDoc, VoucherDoc

if TYPE_CHECKING:
    from mifin_tui.services.reports.table import ReportTable

OnDone = Callable[[PrintOutcome], None]

PRINT_GROUP = "print"
MESSAGE_SECONDS = 12  # long enough to read a file path or a printer's error


def _report(app: App, outcome: PrintOutcome, on_done: OnDone | None) -> None:
    """To the screen that asked, if it is still there; otherwise as a toast."""
    owner = getattr(on_done, "__self__", None)  # a screen's method: is it still shown?
    if on_done is not None and getattr(owner, "is_attached", True):
        on_done(outcome)
        return
    app.notify(outcome.message, severity="information" if outcome.ok else "error",
               timeout=MESSAGE_SECONDS, markup=False)


def run_print_jobs(app: App, jobs: Sequence[Callable[[], PrintOutcome]], name: str,
                   on_done: OnDone | None = None) -> Worker[list[PrintOutcome]]:
    """Run `jobs` one after the other in a thread; report each outcome as it comes.
    A job returns a PrintOutcome and raises nothing."""
    def run() -> list[PrintOutcome]:
        outcomes = []
        for job in jobs:
            outcome = job()
            outcomes.append(outcome)
            try:
                app.call_from_thread(_report, app, outcome, on_done)
            except RuntimeError:  # the App stopped meanwhile: nobody to tell
                pass
        return outcomes

    return app.run_worker(run, thread=True, group=PRINT_GROUP, name=name,
                          exit_on_error=False)


def print_report(app: App, table: ReportTable, *, on_done: OnDone | None = None
                 ) -> Worker[list[PrintOutcome]]:
    """Print a report (A4) on this workstation's printer, in the background."""
    def job() -> PrintOutcome:
        try:
            return printing.print_report(table)
        except config.ConfigError as exc:
            return PrintOutcome(False, _(
                "Not printed: the printer settings of this workstation are wrong "
                "({error}). Fix them in Printer settings.").format(error=exc))
        except Exception as exc:  # a PDF or font problem: say it, keep the screen
            return PrintOutcome(False, _("Not printed ({error}).").format(error=exc))

    return run_print_jobs(app, [job], f"print {table.name}", on_done)


def _voucher_job(doc: VoucherDoc, ws: config.Workstation | None) -> Callable[[], PrintOutcome]:
    def job() -> PrintOutcome:
        try:
            outcome = printing.print_voucher(doc, ws)
        except config.ConfigError as exc:
            return PrintOutcome(False, _(
                "Voucher {number} is posted but not printed: the printer settings of this "
                "workstation are wrong ({error}). Fix them in Printer settings, then "
                "reprint the voucher.").format(number=doc.number, error=exc))
        except Exception as exc:  # a PDF or font problem: the posting stands all the same
            return PrintOutcome(False, _(
                "Voucher {number} is posted but could not be printed ({error}); it can be "
                "reprinted.").format(number=doc.number, error=exc))
        if outcome.ok:
            return PrintOutcome(True, _("Voucher {number}: {message}").format(
                number=doc.number, message=outcome.message), outcome.path)
        return PrintOutcome(False, _("Voucher {number} is posted. {message}").format(
            number=doc.number, message=outcome.message), outcome.path)

    return job


def print_voucher(app: App, doc: VoucherDoc, *, on_done: OnDone | None = None,
                  ws: config.Workstation | None = None) -> Worker[list[PrintOutcome]]:
    """Print a voucher on this workstation's receipt printer, in the background."""
    return run_print_jobs(app, [_voucher_job(doc, ws)], f"print {doc.number}", on_done)


def _journal_job(doc: CashJournalDoc, ws: config.Workstation | None
                 ) -> Callable[[], PrintOutcome]:
    def job() -> PrintOutcome:
        try:
            outcome = printing.print_cash_journal(doc, ws)
        except config.ConfigError as exc:
            return PrintOutcome(False, _(
                "The cash journal was not printed: the printer settings of this workstation "
                "are wrong ({error}). Fix them in Printer settings.").format(error=exc))
        except Exception as exc:
            return PrintOutcome(False, _("The cash journal could not be printed ({error})."
                                         ).format(error=exc))
        return PrintOutcome(outcome.ok, _("Cash journal {currency}: {message}").format(
            currency=doc.currency, message=outcome.message), outcome.path)

    return job


def print_cash_journals(app: App, docs: Sequence[CashJournalDoc], *,
                        on_done: OnDone | None = None,
                        ws: config.Workstation | None = None) -> Worker[list[PrintOutcome]]:
    """Print cash journals (one per currency) on the document printer, in the background."""
    return run_print_jobs(app, [_journal_job(d, ws) for d in docs], "print cash journal",
                          on_done)


def print_member_form(app: App, doc, *, on_done: OnDone | None = None,
                      ws: config.Workstation | None = None) -> Worker[list[PrintOutcome]]:
    """Print a fiche d'adhésion on the document printer, in the background."""
    def job() -> PrintOutcome:
        try:
            outcome = printing.print_member_form(doc, ws)
        except config.ConfigError as exc:
            return PrintOutcome(False, _("The membership form was not printed: the printer "
                                         "settings are wrong ({error}).").format(error=exc))
        except Exception as exc:  # a PDF or font problem: the member stands all the same
            return PrintOutcome(False, _("The membership form could not be printed ({error})"
                                         "; it can be reprinted.").format(error=exc))
        return PrintOutcome(outcome.ok, _("Membership form {number}: {message}").format(
            number=doc.number, message=outcome.message), outcome.path)

    return run_print_jobs(app, [job], f"print form {doc.number}", on_done)
