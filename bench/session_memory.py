"""A cashier's working day in one session: peak memory, growth per deposit, GC pauses,
and the deposit's time from F2 to the printed voucher, at a real terminal.

    python bench/session_memory.py                   # five screens, then 500 deposits
    python bench/session_memory.py --deposits 100 --members 30

The installed `mifin` runs in tmux at 80x24 (a real terminal: the driver, the output,
the keys as a typist sends them), on a fresh demo database whose cashier has his till
open. He logs in, then uses the five screens of a day at the counter: a deposit (F11),
the member card (and its membership form printed, F9), the statement of the account
(shown, printed), the cash journal (shown, printed) and a loan repayment; then he takes
N deposits one after the other (Escape to the menu, F11, account, amount, F2), on a few
accounts in turn. Documents go to a folder printer.

Printed, beside the figures at the login screen:
- peak RSS (VmHWM of the app's process, /proc/PID/status) after the five screens and at
  the end; the document renderer process (a child of the app, if any) on its own line;
- RSS growth per deposit, from the RSS after the first 20 deposits to the RSS at the end;
- the longest garbage-collection pause: the app writes each collection's duration to
  the file named by MIFIN_GC_LOG (gc.callbacks inside the app);
- the deposit's p50/p95/max from the F2 keypress (sent to tmux) to the voucher's PDF in
  the printer folder (its modification time).
Goals (issue 23): <= 80 MB peak, <= 5 MB over 500 deposits, pauses <= 50 ms, p95 <= 150 ms.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MENU = re.compile(r"Menu principal|Main menu")
ACCOUNT_FIELD = re.compile(r"N° compte|Account no")
AVAILABLE = re.compile(r"Disponible|Available")
CONFIRM = re.compile(r"Nouveau solde|Balance after")


def mifin_command() -> list[str]:
    beside = Path(sysconfig.get_path("scripts")) / "mifin"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    return [sys.executable, "-m", "mifin_tui"]


def proc_status(pid: int) -> dict[str, float]:
    out: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                key, _sep, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] = int(value.split()[0]) / 1024
    except FileNotFoundError:
        pass
    return out


def children(pid: int) -> list[int]:
    """The child processes of `pid`, whichever of its threads started them."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(p) for p in fh.read().split()]
    except FileNotFoundError:
        pass
    return found


class Tmux:
    """A private tmux server running one command in an 80x24 pane."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.tmux = shutil.which("tmux") or sys.exit("tmux is needed (apt-get install tmux)")
        self.dir = tempfile.mkdtemp(prefix="mifin-mem-")
        self.socket = os.path.join(self.dir, "sock")
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # exec: the pane's process is mifin itself, whose /proc entry is read.
        self.cmd("new-session", "-d", "-s", "m", "-x", "80", "-y", "24",
                 f"exec env {exports} {shlex.join(command)}")
        self.pid = int(self.cmd("display-message", "-p", "-t", "m", "#{pane_pid}"))

    def cmd(self, *args: str) -> str:
        proc = subprocess.run([self.tmux, "-S", self.socket, *args], capture_output=True,
                              text=True, timeout=30)
        if proc.returncode != 0:
            raise SystemExit(f"tmux {args[0]}: {proc.stderr.strip()}")
        return proc.stdout

    def screen(self) -> str:
        return self.cmd("capture-pane", "-p", "-t", "m")

    def wait_for(self, pattern: re.Pattern | str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            text = self.screen()
            if (pattern.search(text) if isinstance(pattern, re.Pattern) else pattern in text):
                return text
            if time.monotonic() > deadline:
                raise SystemExit(f"{pattern!r} not on screen after {timeout} s:\n{text}")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.1)

    def keys(self, *keys: str) -> None:
        self.cmd("send-keys", "-t", "m", *keys)

    def type(self, text: str) -> None:
        self.cmd("send-keys", "-t", "m", "-l", text)

    def close(self) -> None:
        subprocess.run([self.tmux, "-S", self.socket, "kill-server"], capture_output=True,
                       timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def build_demo(tmp: Path, members: int) -> tuple[Path, str, list[str], str]:
    """The demo database, the cashier's password, a few savings accounts, a loan."""
    db = tmp / "demo.db"
    out = subprocess.run([*mifin_command(), "--lang", "en", "--db", str(db), "demo",
                          "--no-open", "--members", str(members)], capture_output=True,
                         text=True, check=True, stdin=subprocess.DEVNULL)
    password = next(line.split()[1] for line in out.stdout.splitlines()
                    if line.startswith("caissier1 "))
    con = sqlite3.connect(db)
    accounts = [row[0] for row in con.execute(
        "SELECT a.number FROM account a JOIN savings_account s ON s.account_id = a.id "
        "JOIN savings_product p ON p.id = s.product_id WHERE a.currency = 'USD' "
        "AND a.status = 'active' AND p.kind = 'free' AND NOT s.dormant ORDER BY a.id "
        "LIMIT 8")]
    loan = con.execute("SELECT number FROM loan WHERE state = 'disbursed' AND currency = 'USD' "
                       "ORDER BY id").fetchone()[0]
    con.close()
    # The demo's day begins with the tills closed: the cashier opens his with its count.
    from mifin_tui import db as store
    from mifin_tui.db.models import Till
    from mifin_tui.services.cash import tills
    from mifin_tui.services.kernel import auth

    store.open_database(db)
    try:
        ctx = auth.login("caissier1", password)
        till = Till.get(Till.code == "C01")
        tills.open_session(ctx, till.id, {cur: tills.breakdown(bal, cur)
                                          for cur, bal in tills.till_balances(till).items()})
    finally:
        store.close()
    return db, password, accounts, loan


class Session:
    def __init__(self, term: Tmux, prints: Path) -> None:
        self.term = term
        self.prints = prints

    def printed(self, prefix: str, before: set[str], timeout: float = 30.0) -> Path:
        """The new PDF whose name starts with `prefix`, waited for."""
        deadline = time.monotonic() + timeout
        while True:
            new = [n for n in os.listdir(self.prints)
                   if n.startswith(prefix) and n.endswith(".pdf") and n not in before]
            if new:
                return self.prints / new[0]
            if time.monotonic() > deadline:
                raise SystemExit(f"no {prefix}* printed; screen:\n{self.term.screen()}")
            time.sleep(0.002)

    def files(self) -> set[str]:
        return set(os.listdir(self.prints))

    def to_menu(self) -> None:
        """Escape until the main menu shows (a screen opened from another needs two)."""
        for _ in range(4):
            self.term.keys("Escape")
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline:
                if MENU.search(self.term.screen()):
                    return
                time.sleep(0.01)
        self.term.wait_for(MENU)

    def deposit(self, account: str, amount: str) -> float:
        """One deposit from the menu; returns F2 -> voucher PDF written, in ms."""
        t = self.term
        t.keys("F11")
        t.wait_for(ACCOUNT_FIELD)
        t.type(account.replace("-", ""))
        t.keys("Enter")
        t.wait_for(AVAILABLE)
        t.keys("Enter")  # depositor: the holder
        t.keys("Enter")  # no ID number
        t.type(amount)
        t.keys("Enter")
        t.keys("Enter")  # purpose as proposed: the confirmation
        t.wait_for(CONFIRM)
        before = self.files()
        sent = time.time()
        t.keys("F2")
        pdf = self.printed("BE-", before)
        elapsed = (pdf.stat().st_mtime - sent) * 1000
        t.wait_for(re.compile(r"BE-\w+-\d+-\d+"))
        self.to_menu()
        return elapsed

    def palette(self, search: str, title: re.Pattern) -> None:
        """Open a screen through the command palette, as a user who reads before typing."""
        t = self.term
        t.keys("C-p")
        t.wait_for("\U0001f50e")  # the palette's search field
        t.type(search)
        t.wait_for(re.compile(r"\n\s+" + re.escape(search)))  # the match listed
        t.keys("Enter")
        t.wait_for(title)

    def member_card(self, member: str) -> None:
        t = self.term
        self.palette("Fiche du membre", re.compile(r"^ Fiche du membre|^ Member card", re.M))
        t.wait_for(re.compile(r"n° de membre, nom|member number"))
        t.type(member)
        t.keys("Enter")
        t.wait_for(re.compile(r"Dernières opérations|Latest operations|Recent"))
        before = self.files()
        t.keys("F9")
        self.printed("fiche-", before)

    def statement(self) -> None:
        """From the member card: F6, the account's statement shown then printed."""
        t = self.term
        t.keys("F6")
        t.wait_for(re.compile(r"^ Relevé d'une période|^ Statement", re.M))
        t.keys("F2")
        t.wait_for(re.compile(r"^  \d\d/\d\d/\d{4}  [A-Z]{2}-", re.M))
        before = self.files()
        t.keys("F4")
        self.printed("releve-", before)
        self.to_menu()

    def cash_journal(self) -> None:
        t = self.term
        t.keys("F7")
        t.wait_for(re.compile(r"^ Journal de caisse|^ Cash journal", re.M))
        t.wait_for(re.compile(r"ouverture|opening"))
        before = self.files()
        t.keys("F6")
        self.printed("journal-caisse-", before)
        self.to_menu()

    def repayment(self, loan: str) -> None:
        t = self.term
        self.palette("Remboursement de crédit", re.compile(r"Numéro du crédit|Loan number"))
        t.type(loan)
        t.keys("Enter")
        t.wait_for(re.compile(r"Capital restant dû|Principal outstanding"))
        for _ in range(4):  # channel, debited account, reference, paid by
            t.keys("Enter")
        t.type("10")
        t.keys("Enter")
        t.wait_for(re.compile(r"passe l'opération|posts the"))
        before = self.files()
        t.keys("F2")
        self.printed("BR-", before)
        self.to_menu()


def gc_pauses(path: Path) -> list[tuple[int, float, float]]:
    """(generation, wall ms, CPU ms) of each collection the app logged."""
    out = []
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3:
                out.append((int(parts[0]), float(parts[1]), float(parts[2])))
    return out


def memory_line(name: str, pid: int) -> str:
    s = proc_status(pid)
    return f"{name}: RSS {s.get('VmRSS', 0):6.1f} MB, peak (VmHWM) {s.get('VmHWM', 0):6.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deposits", type=int, default=500)
    parser.add_argument("--members", type=int, default=30, help="demo size")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mifin-session-"))
    db, password, accounts, loan = build_demo(tmp, args.members)
    prints = tmp / "prints"
    prints.mkdir()
    gc_log = tmp / "gc.log"
    env = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "TEXTUAL_ANIMATIONS": "none",
           "HOME": str(tmp), "XDG_DATA_HOME": str(tmp / "xdg"),
           "MIFIN_RECEIPT_PRINTER": f"folder:{prints}",
           "MIFIN_DOCUMENT_PRINTER": f"folder:{prints}", "MIFIN_GC_LOG": str(gc_log)}
    for key in ("PATH", "PYTHONPATH", "MIFIN_PRINT_RENDERER", "MALLOC_ARENA_MAX"):
        if key in os.environ:
            env[key] = os.environ[key]
    term = Tmux([*mifin_command(), "--lang", "en", "--db", str(db)], env)
    session = Session(term, prints)
    try:
        term.wait_for(re.compile(r"User name"))
        time.sleep(1.0)  # the login screen's first paint done, the store opened
        login = proc_status(term.pid)
        term.type("caissier1")
        term.keys("Enter")
        term.type(password)
        term.keys("Enter")
        term.wait_for(MENU)
        time.sleep(1.0)
        menu = proc_status(term.pid)

        session.deposit(accounts[0], "47")
        session.member_card("KIN-000001")
        session.statement()
        session.cash_journal()
        session.repayment(loan)
        time.sleep(0.5)
        five = proc_status(term.pid)
        renderer = children(term.pid)

        times: list[float] = []
        rss: list[tuple[int, float]] = []
        for n in range(1, args.deposits + 1):
            times.append(session.deposit(accounts[n % len(accounts)], str(20 + n % 50)))
            if n % 50 == 0 or n == 20:
                rss.append((n, proc_status(term.pid)["VmRSS"]))
                print(f"  {n:4d} deposits: RSS {rss[-1][1]:6.1f} MB", flush=True)
        end = proc_status(term.pid)
        renderer = renderer or children(term.pid)
        renderer_status = [memory_line(f"renderer pid {p}", p) for p in children(term.pid)]
    finally:
        term.close()
    pauses = gc_pauses(gc_log)

    print(f"\nmifin {' '.join(mifin_command())}; {os.cpu_count()} cores; "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"login screen      : RSS {login['VmRSS']:6.1f} MB, peak {login['VmHWM']:6.1f} MB")
    print(f"main menu (logged): RSS {menu['VmRSS']:6.1f} MB, peak {menu['VmHWM']:6.1f} MB")
    print(f"after five screens: RSS {five['VmRSS']:6.1f} MB, peak {five['VmHWM']:6.1f} MB")
    print(f"after {args.deposits} deposits: RSS {end['VmRSS']:6.1f} MB, "
          f"peak {end['VmHWM']:6.1f} MB   (goal: peak <= 80 MB)")
    for line in renderer_status or ["renderer: no child process (documents built in the app)"]:
        print(line)
    if len(rss) >= 2:
        (n0, r0), (n1, r1) = rss[0], (args.deposits, end["VmRSS"])
        per = (r1 - r0) / (n1 - n0) * 1024
        print(f"RSS growth: {r1 - r0:+.1f} MB from deposit {n0} to {n1} = {per:+.1f} KB per "
              f"deposit; over 500 deposits {per * 500 / 1024:+.1f} MB (goal <= 5 MB)")
    if pauses:
        worst = max(pauses, key=lambda p: p[1])
        cpu = max(pauses, key=lambda p: p[2])
        full = [p for p in pauses if p[0] == 2]
        print(f"GC: {len(pauses)} collections, longest pause {worst[1]:.1f} ms wall "
              f"(generation {worst[0]}), longest in CPU time {cpu[2]:.1f} ms (generation "
              f"{cpu[0]}); {len(full)} full collections, longest "
              f"{max((p[1] for p in full), default=0):.1f} ms wall   (goal <= 50 ms)")
    else:
        print("GC: no pause logged (the app does not honour MIFIN_GC_LOG)")
    ms = sorted(times)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    print(f"deposit F2 -> voucher PDF in the folder ({len(ms)}): p50 "
          f"{statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms "
          f"(goal p95 <= 150 ms)")
    if args.keep:
        print(f"kept: {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
