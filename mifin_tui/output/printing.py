"""From a document to paper: build the PDF, send it to this workstation's printer.

Used by screens (in a worker) and by the CLI. The PDF is built by output.renderer:
in a session's renderer process, or here for a command. A printing failure never undoes
the posting behind the document: it is reported, and the voucher stays
reprintable from the ledger.

The printers are the session's (`session_workstation`): those of the workstation it
sits at (services.admin.workstations: by MIFIN_WORKSTATION, then by the SSH client's
address), else the account's settings (mifin_tui.config). A receipt printer of kind
"terminal" gets the voucher as ESC/POS text through the session's terminal.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from mifin_tui import config
from mifin_tui.i18n import _
from mifin_tui.output.renderer import build_pdf
from mifin_tui.services.admin.workstations import WorkstationView
from mifin_tui.services.closing.document import ClosingReportDoc
from mifin_tui.services.kernel.documents import CashJournalDoc, VoucherDoc
from mifin_tui.services.loans.engine.documents import ScheduleDoc


@dataclass(frozen=True)
class PrintOutcome:
    ok: bool
    message: str  # one translated line for the status bar or a dialog
    path: Path | None = None


def session_workstation() -> config.Workstation:
    """The printers of this session: its workstation's, else the account's settings
    (which may raise config.ConfigError). Read at each print, so that a change on the
    Workstations screen applies from the next document."""
    from mifin_tui.services.admin import workstations
    from mifin_tui.services.kernel.threads import release_connection

    try:
        desk = workstations.for_session(os.environ)
    finally:
        if threading.current_thread() is not threading.main_thread():
            release_connection()  # a print worker's own connection: not left open
    return config.load() if desk is None else desk_printers(desk)


def desk_printers(desk: WorkstationView) -> config.Workstation:
    """A workstation's printers in the form the printing functions take."""
    return config.Workstation(
        receipt_printer=config.PrinterConfig(desk.receipt_kind, desk.receipt_target,
                                             desk.paper_mm),
        document_printer=config.PrinterConfig(desk.document_kind, desk.document_target))


def _send_to_terminal(data: bytes, title: str) -> PrintOutcome:
    from mifin_tui.output import terminal
    from printers.backends import PrintError, TerminalPrinter

    try:
        result = TerminalPrinter(terminal.writer()).print_raw(data, title=title)
    except PrintError as exc:
        return PrintOutcome(False, _("Not printed: {error} The document can be reprinted.")
                            .format(error=exc))
    return PrintOutcome(True, result.message)


def _send(data: bytes, title: str, cfg: config.PrinterConfig) -> PrintOutcome:
    from printers.backends import PrintError, printer_from_settings

    try:
        printer = printer_from_settings(cfg.kind, cfg.resolved_target())
        result = printer.print_pdf(data, title=title)
    except PrintError as exc:
        return PrintOutcome(False, _("Not printed: {error} The document can be reprinted.")
                            .format(error=exc))
    return PrintOutcome(True, result.message, result.path)


def print_voucher(doc: VoucherDoc, ws: config.Workstation | None = None) -> PrintOutcome:
    """The voucher's copies on the receipt printer (roll width from the settings)."""
    ws = ws or session_workstation()
    title = doc.number + ("-DUPLICATA" if doc.duplicate else "")
    if ws.receipt_printer.kind == "terminal":
        from printers.escpos import voucher_escpos

        return _send_to_terminal(voucher_escpos(doc, ws.receipt_printer.paper_mm), title)
    data = build_pdf("voucher", doc, paper_mm=ws.receipt_printer.paper_mm)
    return _send(data, title, ws.receipt_printer)


def print_cash_journal(doc: CashJournalDoc, ws: config.Workstation | None = None
                       ) -> PrintOutcome:
    ws = ws or session_workstation()
    title = f"journal-caisse-{doc.branch_code}-{doc.business_date.isoformat()}-{doc.currency}"
    return _send(build_pdf("cash_journal", doc), title, ws.document_printer)


def print_schedule(doc: ScheduleDoc, ws: config.Workstation | None = None) -> PrintOutcome:
    """A repayment schedule (A4) on the document printer."""
    ws = ws or session_workstation()
    terms = doc.schedule.terms
    title = f"echeancier-{terms.principal}-{terms.currency}-{terms.start.isoformat()}"
    return _send(build_pdf("schedule", doc), title, ws.document_printer)


def print_member_form(doc, ws: config.Workstation | None = None) -> PrintOutcome:
    """The fiche d'adhésion (A4) on the document printer."""
    ws = ws or session_workstation()
    title = f"fiche-{doc.number}" + ("-DUPLICATA" if doc.duplicate else "")
    return _send(build_pdf("member_form", doc), title, ws.document_printer)


def print_closing_report(doc: ClosingReportDoc, ws: config.Workstation | None = None
                         ) -> PrintOutcome:
    """The A4 closing report on the document printer."""
    ws = ws or session_workstation()
    title = f"cloture-{doc.branch_code}-{doc.business_date.isoformat()}"
    return _send(build_pdf("closing_report", doc), title, ws.document_printer)


def print_report(table, ws: config.Workstation | None = None) -> PrintOutcome:
    """Any registry report (a ReportTable) on the document printer, on A4."""
    ws = ws or session_workstation()
    day = table.printed_at.date().isoformat() if table.printed_at else ""
    return _send(build_pdf("report", table), f"{table.name}-{day}", ws.document_printer)
