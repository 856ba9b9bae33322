"""The real `mifin` in a real terminal: tmux at 80x24, keys sent, the screen read back.

The pane is polled for the text a person would wait for; nothing sleeps a fixed time.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import MIFIN

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 80, 24
# The screen speaks the language given with --lang (en here), after login too, over the
# user's own (the demo users' is French); without --lang, the user's own.
LOGIN = re.compile(r"User name|Nom d.utilisateur", re.I)
PASSWORD_LABEL = re.compile(r"Password|Mot de passe", re.I)
MAIN_MENU = re.compile(r"Main menu|Menu principal", re.I)
WRONG = "Wrong user name"  # the start of the one answer every refused login gets
CASHIER = re.compile(r"Cashier|Caissier", re.I)
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def reverse_video(params: str) -> bool:
    """Whether an SGR sequence's parameters switch reverse video on (7), skipping the
    arguments of extended colours (38;5;N, 48;2;R;G;B)."""
    codes = [int(c) if c else 0 for c in params.split(";")]
    i = 0
    while i < len(codes):
        if codes[i] in (38, 48, 58) and i + 1 < len(codes):
            i += 3 if codes[i + 1] == 5 else 5
            continue
        if codes[i] == 7:
            return True
        i += 1
    return False


def tmux_binary() -> str:
    found = shutil.which("tmux")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("tmux is missing in CI: scripts/test installs it (apt-get install tmux)")
    pytest.skip("tmux is not installed (apt-get install tmux); CI installs it")


class Terminal:
    """One tmux server of our own (private socket) running one command in an 80x24 pane."""

    def __init__(self, tmux: str, command: list[str], env: dict[str, str]):
        self.tmux = tmux
        self.dir = tempfile.mkdtemp(prefix="mifin-tmux-")  # short: socket paths are limited
        self.socket = os.path.join(self.dir, "sock")
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # The shell line says how the command ended, and keeps the pane to read it.
        line = f"env {exports} {shlex.join(command)}; echo MIFIN-EXIT=$?; sleep 600"
        self.tmux_cmd("new-session", "-d", "-s", "t", "-x", str(WIDTH), "-y", str(HEIGHT),
                      line)

    def tmux_cmd(self, *args: str) -> str:
        proc = subprocess.run([self.tmux, "-S", self.socket, *args], capture_output=True,
                              text=True, timeout=30)
        assert proc.returncode == 0, (args, proc.stderr)
        return proc.stdout

    def screen(self) -> str:
        return self.tmux_cmd("capture-pane", "-p", "-t", "t")

    def wait_for(self, pattern: str | re.Pattern, timeout: float = 30.0) -> str:
        """Poll the pane until `pattern` shows; fail with the last screen otherwise."""
        deadline = time.monotonic() + timeout
        delay = 0.02
        while True:
            text = self.screen()
            found = (pattern.search(text) if isinstance(pattern, re.Pattern)
                     else pattern in text)
            if found:
                return text
            if time.monotonic() > deadline:
                pytest.fail(f"{pattern!r} not on screen after {timeout:.0f} s:\n{text}")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)

    def focused_row(self) -> int | None:
        """The row of the text cursor (Textual draws it in reverse video), if any."""
        for row, line in enumerate(self.tmux_cmd("capture-pane", "-p", "-e", "-t", "t")
                                   .splitlines()):
            if any(reverse_video(params) for params in SGR.findall(line)):
                return row
        return None

    def wait_for_cursor_under(self, label: re.Pattern, timeout: float = 30.0) -> None:
        """Wait until the cursor is in the field under `label`, as a typist would."""
        deadline = time.monotonic() + timeout
        while True:
            rows = self.screen().splitlines()
            labels = [n for n, line in enumerate(rows) if label.search(line)]
            if labels and self.focused_row() == labels[0] + 1:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"the cursor never reached the field under {label.pattern!r}:\n"
                            + "\n".join(rows))
            time.sleep(0.02)

    def type(self, text: str) -> None:
        self.tmux_cmd("send-keys", "-t", "t", "-l", text)

    def press(self, *keys: str) -> None:
        self.tmux_cmd("send-keys", "-t", "t", *keys)

    def size(self) -> tuple[int, int]:
        w, h = self.tmux_cmd("display-message", "-p", "-t", "t",
                             "#{pane_width} #{pane_height}").split()
        return int(w), int(h)

    def close(self) -> None:
        subprocess.run([self.tmux, "-S", self.socket, "kill-server"], capture_output=True,
                       timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, mifin_demos) -> tuple[Path, dict[str, str]]:
    """A demo database and the users/passwords `mifin demo` printed."""
    path, stdout = mifin_demos.copy(tmp_path_factory.mktemp("tui") / "demo.db",
                                    "--members", "20", "--seed", "7")
    lines = stdout.splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.split()[:2] == ["user", "password"])
    users = {}
    for line in lines[header + 2:]:
        parts = line.split()
        if len(parts) >= 2:
            users[parts[0]] = parts[1]
    assert "caissier1" in users, stdout
    return path, users


def open_till(db: Path, users: dict[str, str], username: str = "caissier1",
              code: str = "C01") -> None:
    """The demo's working day begins with the tills closed: the cashier opens his with
    the count of what it holds (the opening screen has its own pilot test)."""
    from mifin_tui import db as store
    from mifin_tui.db.models import Till
    from mifin_tui.services.cash import tills
    from mifin_tui.services.kernel import auth

    store.open_database(db)
    try:
        ctx = auth.login(username, users[username])
        till = Till.get(Till.code == code)
        tills.open_session(ctx, till.id, {cur: tills.breakdown(bal, cur)
                                          for cur, bal in tills.till_balances(till).items()})
    finally:
        store.close()


@pytest.fixture
def terminal(demo, tmp_path) -> Iterator[Terminal]:
    tmux = tmux_binary()
    path, _users = demo
    env = {
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "TEXTUAL_ANIMATIONS": "none",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
    }
    term = Terminal(tmux, [*MIFIN, "--lang", "en", "--db", str(path)], env)
    try:
        yield term
    finally:
        term.close()


def log_in(term: Terminal, user: str, password: str) -> None:
    """Type as a person would: look at where the cursor is before typing."""
    term.wait_for(LOGIN)
    term.wait_for_cursor_under(LOGIN)
    term.type(user)
    term.wait_for(user)
    term.press("Enter")  # Enter moves to the password field
    term.wait_for_cursor_under(PASSWORD_LABEL)
    term.type(password)
    term.wait_for("\u2022" * len(password))  # masked, never in clear
    term.press("Enter")  # ... and on the last field logs in


def test_log_in_see_the_main_menu_and_quit(terminal, demo):
    _path, users = demo
    assert terminal.size() == (WIDTH, HEIGHT)
    log_in(terminal, "caissier1", users["caissier1"])
    screen = terminal.wait_for(MAIN_MENU)
    # the status line: institution, branch, business date, the user and his role
    status = screen.splitlines()[0]
    assert "COOPEC Tujenge" in status and "KIN" in status, status
    assert re.search(r"\d\d/\d\d/\d{4}", status), status
    assert CASHIER.search(status), status
    assert WRONG not in screen
    assert users["caissier1"] not in screen
    terminal.press("C-q")
    screen = terminal.wait_for("MIFIN-EXIT=", timeout=15)
    assert "MIFIN-EXIT=0" in screen, screen
    assert "Traceback" not in screen


def test_wrong_password_shows_the_message_and_stays_on_login(terminal, demo):
    _path, users = demo
    log_in(terminal, "caissier2", users["caissier2"] + "-wrong")
    screen = terminal.wait_for(WRONG)
    assert LOGIN.search(screen)
    assert not MAIN_MENU.search(screen)
    assert users["caissier2"] not in screen
    terminal.press("C-q")
    assert "MIFIN-EXIT=0" in terminal.wait_for("MIFIN-EXIT=", timeout=15)


def test_login_typed_in_one_burst(terminal, demo):
    """A fast typist, or an SSH link that bunches keys: everything arrives at once.

    The keys typed behind Enter must follow the focus to the password field; they
    once stayed in the user-name field, showing the password in clear."""
    _path, users = demo
    terminal.wait_for(LOGIN)
    terminal.wait_for_cursor_under(LOGIN)
    terminal.type(f"comptable\r{users['comptable']}\r")  # one write: \r is Enter
    screen = terminal.wait_for(re.compile(f"{MAIN_MENU.pattern}|!"), timeout=15)
    assert users["comptable"] not in screen, "the password shows in clear"
    assert MAIN_MENU.search(screen), screen
