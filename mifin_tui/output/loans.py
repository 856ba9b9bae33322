"""Printing the loan contract and the committee's minutes on the document printer (A4);
the screens run these in a print worker."""

from __future__ import annotations

from mifin_tui import config
from mifin_tui.output.printing import PrintOutcome, _send, session_workstation
from mifin_tui.output.renderer import build_pdf
from mifin_tui.services.loans.contract_types import ContractDoc, MinutesDoc


def print_contract(doc: ContractDoc, ws: config.Workstation | None = None) -> PrintOutcome:
    ws = ws or session_workstation()
    title = f"contrat-{doc.number}" + ("-DUPLICATA" if doc.duplicate else "")
    return _send(build_pdf("contract", doc), title, ws.document_printer)


def print_minutes(doc: MinutesDoc, ws: config.Workstation | None = None) -> PrintOutcome:
    ws = ws or session_workstation()
    return _send(build_pdf("minutes", doc), f"pv-commission-{doc.session_date.isoformat()}",
                 ws.document_printer)
