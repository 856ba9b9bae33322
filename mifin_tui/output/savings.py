"""Savings documents to paper: the statement and the passbook on the document printer.

Like printing.py: build the PDF, send it; a failure is reported, never raised."""

from __future__ import annotations

from mifin_tui import config
from mifin_tui.output.printing import PrintOutcome, _send, session_workstation
from mifin_tui.services.savings.documents import PassbookDoc, StatementDoc


def print_statement(doc: StatementDoc, ws: config.Workstation | None = None) -> PrintOutcome:
    from printers.statement import statement_pdf

    ws = ws or session_workstation()
    title = f"releve-{doc.account_number}-{doc.start.isoformat()}-{doc.end.isoformat()}"
    return _send(statement_pdf(doc), title, ws.document_printer)


def print_passbook(doc: PassbookDoc, ws: config.Workstation | None = None) -> PrintOutcome:
    from printers.passbook import passbook_pdf

    ws = ws or session_workstation()
    return _send(passbook_pdf(doc), f"carnet-{doc.account_number}", ws.document_printer)
