"""Dead links end: a Mifin whose terminal is gone exits, and lets go of the database.

Seen on a branch server: every `scp`, `sftp` or `ssh host cmd` (no `-t`) that reached the
forced command left a 45 MB `mifin` adopted by init, the database open, for hours. And a
terminal can die under a running session: the SSH client killed, the link dropped (sshd
notices within ClientAliveInterval x ClientAliveCountMax), the pty closed. Three guards:

- `no_terminal()`: without a terminal on both ends the interface does not start at all;
  the CLI says so in one line and exits.
- `HangUpDriver` answers SIGHUP (and SIGTERM) by ending the session cleanly: the logout
  audited, the database closed. A cashier's till is not touched: it stays open, his, to
  resume at his next login; a form he was filling posted nothing (one operation, one
  transaction, taken at its confirmation only).
- The same driver takes a failed write (EIO, EPIPE) or read (EIO) on the terminal for a
  hang-up too; Textual's writer thread would otherwise die and leave the app blocked on a
  full queue, and its reader would panic with a traceback nobody sees.
A last resort ends the process if the clean exit itself hangs: within 60 s, whatever
happens, the process is gone.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import IO, Any

from textual.drivers.linux_driver import LinuxDriver

# The clean exit (logout, close the store, restore the terminal) takes well under a
# second; if something blocks it, the process ends anyway this long after the hang-up.
LAST_RESORT_SECONDS = 20.0
EXIT_HANG_UP = 129  # 128 + SIGHUP, as a shell reports it


def no_terminal() -> bool:
    """Whether the interface has no terminal to run in: its keys come from standard input
    and Textual draws on standard error (a web driver needs neither)."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return False
    return not (sys.stdin.isatty() and sys.stderr.isatty())


class _GuardedOutput:
    """The terminal as Textual's writer thread sees it: a write that fails calls
    `on_dead` once, and everything after is dropped (the thread keeps draining its queue,
    so the app never blocks on it)."""

    def __init__(self, file: IO[str], on_dead: Callable[[], None]) -> None:
        self._file = file
        self._on_dead = on_dead
        self.dead = False

    def _failed(self) -> None:
        if not self.dead:
            self.dead = True
            # What Python flushes at exit goes nowhere rather than failing again.
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, self._file.fileno())
                os.close(null)
            except OSError:
                pass
            self._on_dead()

    def write(self, text: str) -> int:
        if self.dead:
            return len(text)
        try:
            return self._file.write(text)
        except OSError:
            self._failed()
            return len(text)

    def flush(self) -> None:
        if self.dead:
            return
        try:
            self._file.flush()
        except OSError:
            self._failed()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return not self.dead and self._file.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class HangUpDriver(LinuxDriver):
    """LinuxDriver that ends the app when its terminal hangs up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._file = _GuardedOutput(self._file, self._lost_from_thread)
        self._hang_up_loop: asyncio.AbstractEventLoop | None = None
        self._hung_up = False

    def start_application_mode(self) -> None:
        loop = self._hang_up_loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(signum, self.terminal_lost)
        super().start_application_mode()

    def stop_application_mode(self) -> None:
        super().stop_application_mode()
        if self._hang_up_loop is not None:
            for signum in (signal.SIGHUP, signal.SIGTERM):
                self._hang_up_loop.remove_signal_handler(signum)

    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        except OSError:  # EIO: the pty's other end is closed
            self._lost_from_thread()

    def _lost_from_thread(self) -> None:
        loop = self._hang_up_loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.terminal_lost)

    def terminal_lost(self) -> None:
        """In the app's loop: end the session (the App's `terminal_lost` when it has one)
        and make sure the process goes even if the clean exit blocks."""
        if self._hung_up:
            return
        self._hung_up = True
        timer = threading.Timer(LAST_RESORT_SECONDS, os._exit, args=(EXIT_HANG_UP,))
        timer.daemon = True
        timer.start()
        lost = getattr(self._app, "terminal_lost", None)
        if lost is not None:
            lost()
        else:
            self._app.exit(return_code=EXIT_HANG_UP)
