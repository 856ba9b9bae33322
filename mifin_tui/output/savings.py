"""Savings documents to paper: the statement and the passbook on the document printer.

Like printing.py: build the PDF, send it; a failure is reported, never raised."""

from __future__ import annotations

from mifin_tui import config
from mifin_tui.output.printing import PrintOutcome, _send, session_workstation
from mifin_tui.output.renderer import build_pdf
from mifin_tui.services.savings.documents import PassbookDoc, StatementDoc


def print_statement(doc: StatementDoc, ws: config.Workstation | None = None) -> PrintOutcome:
    ws = ws or session_workstation()
    title = f"releve-{doc.account_number}-{doc.start.isoformat()}-{doc.end.isoformat()}"
    return _send(build_pdf("statement", doc), title, ws.document_printer)


def print_passbook(doc: PassbookDoc, ws: config.Workstation | None = None) -> PrintOutcome:
    ws = ws or session_workstation()
    return _send(build_pdf("passbook", doc), f"carnet-{doc.account_number}", ws.document_printer)
