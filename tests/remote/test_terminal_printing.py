"""A voucher printed through the cashier's terminal (#23): a real app in a pseudo-terminal
prints a deposit slip of the demo with Mifin's printing path, its workstation found by
name (MIFIN_WORKSTATION) or by the SSH client's address; the bytes the terminal receives
between ESC [ 5 i and ESC [ 4 i are the ESC/POS slip, whole, and the screen is drawn
again after it. Over a real sshd too: the name the client sends with SetEnv passes the
`AcceptEnv` of `mifin ssh-setup`'s snippet, and the slip crosses the SSH channel intact."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mifin_tui import db
from mifin_tui.db.models import JournalTransaction, Voucher
from mifin_tui.services.admin import workstations
from mifin_tui.services.admin.workstations import WorkstationDraft
from mifin_tui.services.kernel import auth
from mifin_tui.services.kernel.documents import VoucherDoc
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.ssh_setup import SshSetup
from printers.escpos import COLUMNS, CUT, INIT
from tests.e2e.test_idle_quiet import Pty
from tests.tui.conftest import demo_db  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
ON, OFF = b"\x1b[5i", b"\x1b[4i"
# ESC/POS commands of the slip, to measure the printed text alone
COMMANDS = re.compile(rb"\x1b@|\x1b[taE!].|\x1dV..", re.DOTALL)
# The printer's own QR code of the verification code (#22), centred: not a line of text.
QR_CODE = re.compile(rb"\x1ba\x01\x1d\(k.*?\x1ba\x00", re.DOTALL)


def _prepare(demo, tmp_path: Path, paper_mm: int, **other_desk: str) -> tuple[int, VoucherDoc]:
    """The demo's desk GUICHET-2 prints through its terminal on a `paper_mm` roll; a
    deposit of the demo to print."""
    _cashier, _ctx, _member, result = demo
    admin = next(u for u in result.users if u.username == "admin")
    admin_ctx = auth.login(admin.username, admin.password)
    [desk] = [w for w in workstations.list_workstations() if w.name == "GUICHET-2"]
    assert (desk.receipt_kind, desk.address) == ("terminal", "10.0.3.22")
    workstations.update_workstation(admin_ctx, desk.id, WorkstationDraft(
        name="GUICHET-2", address="10.0.3.22", receipt_kind="terminal", paper_mm=paper_mm,
        document_kind="folder", document_target=str(tmp_path / "a4")))
    if other_desk:
        workstations.add_workstation(admin_ctx, WorkstationDraft(
            receipt_kind="folder", receipt_target=str(tmp_path / "slips"),
            document_kind="folder", **other_desk))
    deposit = (Voucher.select().join(JournalTransaction)
               .where(Voucher.series == "BE", Voucher.party_name != "")
               .order_by(Voucher.txn.desc()).first())
    assert deposit is not None, "the demo has no deposit"
    from mifin_tui.services.cash import vouchers

    doc = vouchers.build(deposit.txn_id)
    db.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return deposit.txn_id, doc


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEXTUAL", "MIFIN", "SSH_"))}
    env.update({"TERM": "xterm-256color", "HOME": str(tmp_path), "LANG": "C.UTF-8",
                "PYTHONPATH": str(ROOT), "MIFIN_CONFIG": str(tmp_path / "none.toml")})
    return env


def _print_and_quit(term: Pty) -> None:
    try:
        term.wait_for(r"PRINTED|FAILED", timeout=60)
        assert "PRINTED" in term.text(), term.text()[-300:]
        term.type("\x11")  # ctrl+q
    finally:
        term.close()


def _check_slip(seen: bytes, doc: VoucherDoc, paper_mm: int) -> None:
    assert seen.count(ON) == 1 and seen.count(OFF) == 1
    slip = seen[seen.index(ON) + len(ON):seen.index(OFF)]
    # the screen is drawn again after the print: a terminal without a printer shows it
    # (the unchanged "Harness ready" is sent again only by a repaint of the whole screen)
    assert b"Harness ready" in seen[seen.index(OFF):]

    width = COLUMNS[paper_mm]
    assert slip.startswith(INIT + b"\x1bt\x02")  # initialise, code page CP850
    assert slip.count(INIT) == 2 and slip.count(CUT) == 2  # two copies, each cut
    assert slip.endswith(CUT)
    assert b"\r" not in slip  # the tty's LF -> CR LF was off while it went through
    assert QR_CODE.search(slip)  # each slip carries the QR code of its verification code
    lines = [COMMANDS.sub(b"", line).decode("cp850")
             for line in QR_CODE.sub(b"", slip).split(b"\n")]
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


@pytest.mark.parametrize("found_by,paper_mm", [("name", 58), ("address", 80)])
def test_a_deposit_slip_reaches_the_terminals_printer_whole(demo_db, db_path,  # noqa: F811
                                                            tmp_path, found_by, paper_mm):
    txn, doc = _prepare(demo_db, tmp_path, paper_mm)
    env = _environment(tmp_path)
    if found_by == "name":
        env["MIFIN_WORKSTATION"] = "guichet-2"
        env["SSH_CONNECTION"] = "10.0.3.99 50522 10.0.3.1 22"  # another desk's address
    else:
        env["SSH_CONNECTION"] = "10.0.3.22 50522 10.0.3.1 22"
    term = Pty([sys.executable, "-m", "tests.remote.print_harness", str(db_path), str(txn)],
               env)
    _print_and_quit(term)
    _check_slip(term.seen, doc, paper_mm)


def _binary(name: str) -> str:
    for found in (f"/usr/sbin/{name}", f"/usr/bin/{name}"):
        if os.path.exists(found):
            return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is missing in CI: scripts/test installs openssh-server/client")
    pytest.skip(f"{name} is not installed (apt-get install openssh-server openssh-client)")


@pytest.mark.e2e
def test_over_ssh_the_desk_named_by_the_client_gets_the_slip(demo_db, db_path,  # noqa: F811
                                                              tmp_path):
    """`ssh -o SetEnv=MIFIN_WORKSTATION=...`: the name beats the desk at the client's
    address (127.0.0.1, whose slips would go to a folder)."""
    if os.geteuid() != 0:
        pytest.skip("the loopback sshd switches to the login user: run as root (CI does)")
    sshd, keygen, ssh = _binary("sshd"), _binary("ssh-keygen"), _binary("ssh")
    txn, doc = _prepare(demo_db, tmp_path, 58, name="LOOPBACK", address="127.0.0.1")
    d = tmp_path
    for name in ("host", "client"):
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)],
                       check=True)
    (d / "authorized_keys").write_text((d / "client.pub").read_text())
    (d / "authorized_keys").chmod(0o644)
    harness = d / "harness"
    harness.write_text(
        "#!/bin/sh\n"
        f"exec env PYTHONPATH={shlex.quote(str(ROOT))} HARNESS_TXN={txn} "
        f"MIFIN_CONFIG={shlex.quote(str(d / 'none.toml'))} "
        f"{shlex.quote(sys.executable)} -m tests.remote.print_harness \"$@\"\n")
    harness.chmod(0o755)
    setup = SshSetup(user="root", db_path=db_path, mifin=str(harness))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = d / "sshd_config"
    config.write_text("\n".join([
        "ListenAddress 127.0.0.1", f"Port {port}", f"HostKey {d / 'host'}",
        f"PidFile {d / 'sshd.pid'}", f"AuthorizedKeysFile {d / 'authorized_keys'}",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
        "StrictModes no", "PermitRootLogin prohibit-password", "",
    ]) + setup.snippet())  # the snippet as `mifin ssh-setup` writes it, Match block last
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    subprocess.run([sshd, "-t", "-f", str(config)], check=True)
    server = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)],
                              stderr=open(d / "sshd.log", "w"))
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail((d / "sshd.log").read_text())
                time.sleep(0.05)
        term = Pty([ssh, "-t", "-p", str(port), "-i", str(d / "client"),
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "LogLevel=ERROR", "-o", "SetEnv=MIFIN_WORKSTATION=guichet-2",
                    "root@127.0.0.1"], _environment(tmp_path))
        _print_and_quit(term)
    finally:
        server.terminate()
        server.wait(timeout=10)
    _check_slip(term.seen, doc, 58)
    assert not (tmp_path / "slips").exists()  # nothing for the desk at the address
