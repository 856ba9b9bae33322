"""A small app for the pass-through test: in a real terminal (the thin driver), it prints
one voucher of the database through Mifin's printing path — the session's workstation,
the ESC/POS text, the terminal's printer — and says on screen what came of it.

    python -m tests.remote.print_harness [--db] DB [TXN_ID]

(TXN_ID from $HARNESS_TXN when not given: the shape `mifin ssh-setup`'s ForceCommand
calls, `... --db DB`.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static

from mifin_tui import db
from mifin_tui.output.printing import PrintOutcome
from mifin_tui.screens.common.print_jobs import print_voucher
from mifin_tui.services.cash import vouchers


class PrintHarness(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def get_driver_class(self):  # noqa: ANN201 - the thin driver, as mifin runs
        from textual import constants

        driver = super().get_driver_class()
        if constants.DRIVER is None and driver.__name__ == "LinuxDriver":
            from mifin_tui.thin_driver import ThinLinuxDriver

            return ThinLinuxDriver
        return driver

    def __init__(self, txn_id: int) -> None:
        super().__init__()
        self.txn_id = txn_id

    def compose(self) -> ComposeResult:
        yield Static("Harness ready", id="status")

    def on_mount(self) -> None:
        self.call_after_refresh(self.print_it)

    def print_it(self) -> None:
        doc = vouchers.build(self.txn_id)
        print_voucher(self, doc, on_done=self.printed)

    def printed(self, outcome: PrintOutcome) -> None:
        word = "PRINTED" if outcome.ok else "FAILED"
        self.query_one("#status", Static).update(f"{word}: {outcome.message}")


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--db"]
    db.open_database(Path(args[0]))
    PrintHarness(int(args[1] if len(args) > 1 else os.environ["HARNESS_TXN"])).run()


if __name__ == "__main__":
    main()
