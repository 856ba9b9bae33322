"""Bytes on the wire: what a cashier's operation costs over a slow link (SSH, 2G).

    python bench/wire_bytes.py            # on a fresh demo database

`mifin` runs in a real 80x24 pseudo-terminal, as sshd would give it. A cashier
logs in; from the first paint of the main menu on, every byte Mifin writes to
the terminal is counted while he takes a cash deposit (F11, the account number,
the amount, F2 on the confirmation, the BE printed to a folder, back to the menu),
then a vault supply of cash the same way. Then 20 s of idle are counted (goal: nothing: no clock, no
spinner). Prints figures; asserts nothing. Goal (issue 12): one operation <= 30 KB.

The flow runs twice: with Textual's output as it is (MIFIN_THIN_OUTPUT=0) and with
Mifin's thin driver (only changed cells sent; mifin_tui/thin_driver.py).
BENCH_TERM=linux measures the Linux console's 16 colours.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)"
                  rb"|P[^\x1b]*\x1b\\|[()][0-9A-Za-z]|[=>78DEHM])")
HERE = Path(__file__).resolve().parent.parent


class Pty:
    def __init__(self, argv: list[str], env: dict[str, str]):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.raw = b""

    def text(self) -> str:
        return ANSI.sub(b"", self.raw).decode("utf-8", "replace")

    def pump(self, seconds: float) -> int:
        """Read for `seconds`; return the bytes read."""
        got = 0
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            if select.select([self.master], [], [], left)[0]:
                chunk = os.read(self.master, 65536)
                got += len(chunk)
                self.raw += chunk
        return got

    def wait_for(self, pattern: str, timeout: float = 30, since: int | None = None) -> int:
        """Read until `pattern` shows in what was written since `since` (default: now)."""
        got = 0
        deadline = time.monotonic() + timeout
        start = len(self.raw) if since is None else since
        while not re.search(pattern, ANSI.sub(b"", self.raw[start:]).decode("utf-8",
                                                                              "replace")):
            if time.monotonic() > deadline:
                raise SystemExit(f"{pattern!r} not seen; screen: {self.text()[-600:]!r}")
            got += self.pump(0.05)
        return got

    def send(self, data: str) -> None:
        os.write(self.master, data.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        os.close(self.master)


def step(term: Pty, steps: list[tuple[str, int]], label: str, keys: list[str],
         wait: str, timeout: float = 15) -> None:
    """Send `keys` one by one as a typist would, wait for `wait`, count what came."""
    mark = len(term.raw)
    for key in keys:
        term.send(key)
        term.pump(0.3)
    term.wait_for(wait, timeout, since=mark)
    term.pump(0.5)
    steps.append((label, len(term.raw) - mark))


def deposit(term: Pty, account: str) -> tuple[str, list[tuple[str, int]]]:
    """A cash deposit: F11, the account number, the amount, F2, the BE printed, back."""
    steps: list[tuple[str, int]] = []
    step(term, steps, "open the deposit screen (F11)", ["\x1b[23~"], r"N° compte|Account no")
    step(term, steps, "type the account number; its holder and balance shown",
         [account.replace("-", ""), "\r"], r"Solde|Balance")
    step(term, steps, "depositor, ID, amount, purpose; the confirmation",
         ["\r", "\r", "47", "\r", "\r"], r"Nouveau solde|Balance after")
    step(term, steps, "F2: posted, voucher printed", ["\x1bOQ"], r"\.pdf")
    step(term, steps, "back to the menu", ["\x1b"], r"Menu principal|Main menu")
    return "one deposit, confirm, BE voucher, back", steps


def vault_supply(term: Pty) -> tuple[str, list[tuple[str, int]]]:
    steps: list[tuple[str, int]] = []
    step(term, steps, "open the transfer screen (F6)", ["\x1b[17~"], r"Transfert|transfer")
    step(term, steps, "type direction, currency, amount, reason; the confirmation",
         ["\r", "\r", "50000", "\r", "Fond de caisse", "\r"], r"Confirm")
    step(term, steps, "confirm: posted, voucher printed", ["\r"], r"\.pdf")
    step(term, steps, "back to the menu", ["\x1b"], r"Menu principal|Main menu")
    return "one vault supply, confirm, TC voucher, back", steps


def measure(thin: bool) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="mifin-wire-"))
    db = tmp / "demo.db"
    mifin = [sys.executable, "-m", "mifin_tui"]
    out = subprocess.run([*mifin, "--lang", "en", "--db", str(db), "demo", "--no-open",
                          "--members", "30"], capture_output=True, text=True, check=True)
    password = next(line.split()[1] for line in out.stdout.splitlines()
                    if line.startswith("caissier1 "))
    account = sqlite3.connect(db).execute(
        "SELECT a.number FROM account a JOIN savings_account s ON s.account_id = a.id "
        "JOIN savings_product p ON p.id = s.product_id WHERE a.currency = 'USD' "
        "AND a.status = 'active' AND p.kind = 'free' AND NOT s.dormant ORDER BY a.id"
    ).fetchone()[0]
    env = {**os.environ, "TERM": os.environ.get("BENCH_TERM", "xterm-256color"), "LANG": "C.UTF-8",
           "MIFIN_RECEIPT_PRINTER": f"folder:{tmp}", "TEXTUAL_ANIMATIONS": "none",
           "MIFIN_THIN_OUTPUT": "1" if thin else "0"}
    env.pop("NO_COLOR", None)
    term = Pty([*mifin, "--lang", "en", "--db", str(db)], env)
    try:
        login = term.wait_for(r"User name|Nom d.utilisateur")
        term.pump(0.5)
        term.send("caissier1\r")
        term.pump(0.3)
        term.send(password + "\r")
        term.wait_for(r"Menu principal|Main menu")
        term.pump(1.0)  # the rest of the first paint
        first_paint = len(term.raw)
        operations = [deposit(term, account), vault_supply(term)]
        idle = term.pump(20.0)
    finally:
        term.close()
    print(f"== {'thin driver (default)' if thin else 'Textual output as is (MIFIN_THIN_OUTPUT=0)'}"
          f", TERM={env['TERM']}")
    print(f"login screen first paint: {login / 1024:6.1f} KB")
    print(f"log in to the first paint of the menu: {first_paint / 1024:6.1f} KB (total so far)")
    for (name, steps), series in zip(operations, ("BE", "TC"), strict=True):
        printed = "yes" if sorted(tmp.glob(f"{series}-*.pdf")) else "NO"
        print(f"{name}: {sum(size for _l, size in steps) / 1024:6.1f} KB (goal <= 30 KB); "
              f"voucher printed: {printed}")
        for label, size in steps:
            print(f"   {label}: {size / 1024:.1f} KB")
    print(f"20 s idle on the menu: {idle} bytes (goal: 0)")


def main() -> int:
    measure(thin=False)
    measure(thin=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
