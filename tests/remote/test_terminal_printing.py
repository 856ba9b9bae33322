"""A voucher printed through the cashier's terminal (#23): a real app in a pseudo-terminal
prints a deposit slip of the demo with Mifin's printing path, its workstation found by
name (MIFIN_WORKSTATION) or by the SSH client's address; the bytes the terminal receives
between ESC [ 5 i and ESC [ 4 i are the ESC/POS slip, whole, and the screen is drawn
again after it."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from mifin_tui import db
from mifin_tui.db.models import JournalTransaction, Voucher
from mifin_tui.services.kernel import auth, workstations
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.workstations import WorkstationDraft
from printers.escpos import COLUMNS, CUT, INIT
from tests.e2e.test_idle_quiet import Pty
from tests.tui.conftest import demo_db  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
ON, OFF = b"\x1b[5i", b"\x1b[4i"
# ESC/POS commands of the slip, to measure the printed text alone
COMMANDS = re.compile(rb"\x1b@|\x1b[taE!].|\x1dV..", re.DOTALL)


@pytest.mark.parametrize("found_by,paper_mm", [("name", 58), ("address", 80)])
def test_a_deposit_slip_reaches_the_terminals_printer_whole(demo_db, db_path,  # noqa: F811
                                                            tmp_path, found_by, paper_mm):
    _cashier, _ctx, _member, result = demo_db
    admin = next(u for u in result.users if u.username == "admin")
    admin_ctx = auth.login(admin.username, admin.password)
    workstations.add_workstation(admin_ctx, WorkstationDraft(
        name="GUICHET-2", address="10.0.3.22", receipt_kind="terminal", paper_mm=paper_mm,
        document_kind="folder", document_target=str(tmp_path / "a4")))
    deposit = (Voucher.select().join(JournalTransaction)
               .where(Voucher.series == "BE", Voucher.party_name != "")
               .order_by(Voucher.txn.desc()).first())
    assert deposit is not None, "the demo has no deposit"
    from mifin_tui.services.cash import vouchers

    doc = vouchers.build(deposit.txn_id)
    db.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEXTUAL", "MIFIN", "SSH_"))}
    env.update({"TERM": "xterm-256color", "HOME": str(tmp_path), "LANG": "C.UTF-8",
                "PYTHONPATH": str(ROOT), "MIFIN_CONFIG": str(tmp_path / "none.toml")})
    if found_by == "name":
        env["MIFIN_WORKSTATION"] = "guichet-2"
        env["SSH_CONNECTION"] = "10.0.3.99 50522 10.0.3.1 22"  # another desk's address
    else:
        env["SSH_CONNECTION"] = "10.0.3.22 50522 10.0.3.1 22"
    term = Pty([sys.executable, "-m", "tests.remote.print_harness",
                str(db_path), str(deposit.txn_id)], env)
    try:
        term.wait_for(r"PRINTED|FAILED", timeout=60)
        assert "PRINTED" in term.text(), term.text()[-300:]
        term.type("\x11")  # ctrl+q
    finally:
        term.close()

    seen = term.seen
    assert seen.count(ON) == 1 and seen.count(OFF) == 1
    start = seen.index(ON) + len(ON)
    slip = seen[start:seen.index(OFF)]
    # the screen is drawn again after the print: a terminal without a printer shows it
    # (the unchanged "Harness ready" is sent again only by a repaint of the whole screen)
    assert b"Harness ready" in seen[seen.index(OFF):]

    width = COLUMNS[paper_mm]
    assert slip.startswith(INIT + b"\x1bt\x02")  # initialise, code page CP850
    assert slip.count(INIT) == 2 and slip.count(CUT) == 2  # two copies, each cut
    assert slip.endswith(CUT)
    assert b"\r" not in slip  # the tty's LF -> CR LF was off while it went through
    lines = [COMMANDS.sub(b"", line).decode("cp850") for line in slip.split(b"\n")]
    assert max(len(line) for line in lines) <= width
    assert max(len(line) for line in lines) >= width - 2  # the rules span the roll
    text = " ".join(" ".join(lines).split())
    for label in doc.copies:
        assert label in text
    assert text.count(doc.party_name) >= 2  # the depositor (also the holder here)
    figures = format_amount(doc.amount, doc.currency, doc.language).replace("\u202f", " ")
    assert text.count(" ".join(figures.split())) >= 2
    words = " ".join(doc.amount_words.split())
    assert text.lower().count(words.lower()) == 2
    assert doc.number in text
