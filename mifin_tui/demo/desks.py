"""The demo branch's two counters as workstations (#23): the first prints its slips on a
CUPS queue of the server that points at the counter's network printer; the second on
the thermal printer plugged into the cashier's own PC, through his terminal. A session
from elsewhere (the demo opened on this machine) keeps the account's printer settings."""

from __future__ import annotations

from mifin_tui.services.admin import workstations
from mifin_tui.services.admin.workstations import WorkstationDraft
from mifin_tui.services.kernel.context import Context

DESKS = (
    WorkstationDraft(name="GUICHET-1", address="10.0.3.21",
                     location="Guichet 1, à gauche de l'entrée",
                     receipt_kind="cups", receipt_target="guichet1", paper_mm=80,
                     document_kind="cups", document_target="bureau"),
    WorkstationDraft(name="GUICHET-2", address="10.0.3.22", location="Guichet 2, près du coffre",
                     receipt_kind="terminal", paper_mm=58,
                     document_kind="cups", document_target="bureau"),
)


def build(admin: Context) -> None:
    for desk in DESKS:
        workstations.add_workstation(admin, desk)
