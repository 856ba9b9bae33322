"""No animation, spinner or clock repaints while nobody types (issue 12: 2G links). The
real `mifin` in a pseudo-terminal of 80x24: once the cashier's main menu (or the gérant's
dashboard) is drawn, the terminal receives not one byte for several seconds."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time

import pytest

from tests.cli.helpers import MIFIN
from tests.e2e.test_tui_tmux import demo  # noqa: F401

pytestmark = pytest.mark.e2e

ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")
QUIET_SECONDS = 4.0


class Pty:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.seen = b""

    def read(self, timeout: float) -> bytes:
        if not select.select([self.master], [], [], timeout)[0]:
            return b""
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            pytest.fail(f"mifin ended: {self.text()[-600:]}")
        self.seen += chunk
        return chunk

    def text(self) -> str:
        return ANSI.sub(b"", self.seen).decode("utf-8", "replace")

    def wait_for(self, pattern: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.text()):
            if time.monotonic() > deadline:
                pytest.fail(f"{pattern!r} not seen: {self.text()[-600:]}")
            self.read(0.1)

    def settle(self, quiet: float = 1.0, timeout: float = 20.0) -> None:
        """Read until the terminal has received nothing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while self.read(quiet):
            if time.monotonic() > deadline:
                pytest.fail("the screen never stopped changing")

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())
        time.sleep(0.05)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        os.close(self.master)


@pytest.mark.parametrize("user,landing,key", [
    # (in English: --lang en holds over the users' own French)
    ("caissier1", "Main menu", "\x1b[B"),  # Down: the next entry
    ("gerant", "Dashboard", "\x1b"),  # Escape: to the main menu
])
def test_an_idle_session_sends_nothing(demo, tmp_path, user, landing, key):  # noqa: F811
    path, users = demo
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "MIFIN"))}
    env.update({"TERM": "xterm-256color", "HOME": str(tmp_path),
                "XDG_DATA_HOME": str(tmp_path / "xdg"), "LANG": "C.UTF-8"})
    term = Pty([*MIFIN, "--lang", "en", "--db", str(path)], env)
    try:
        term.wait_for("User name")
        term.settle()
        term.type(user + "\r")
        term.type(users[user] + "\r")
        term.wait_for(landing)
        term.settle()  # the landing screen drawn whole (footer, figures read in a worker)
        before = len(term.seen)
        end = time.monotonic() + QUIET_SECONDS
        while (left := end - time.monotonic()) > 0:
            term.read(left)
        sent = term.seen[before:]
        assert sent == b"", f"{len(sent)} bytes while idle: {sent[:200]!r}"
        # still alive and answering: a key is drawn at once
        term.type(key)
        assert term.read(5.0), "no answer to a key after the idle time"
    finally:
        term.close()
