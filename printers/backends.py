"""Where a finished PDF goes: a CUPS queue, a folder, or a path shown to the user.

Every back-end takes the PDF bytes and returns a PrintResult, or raises PrintError with
a translated one-line message fit for the status bar. Printing never undoes a posting:
the caller has already committed, keeps the voucher reprintable, and decides what to
tell the cashier.

The workstation settings choose the back-end: printer_from_settings("cups", "CAISSE1"),
("folder", "/srv/mifin/pdf") or ("ask", "") — the last writes the file and lets the
screen show its path.
"""

from __future__ import annotations

import errno
import math
import os
import re
import subprocess
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mifin_tui.i18n import _

__all__ = [
    "PrintError",
    "PrintResult",
    "Printer",
    "CupsPrinter",
    "FolderPrinter",
    "AskPrinter",
    "TerminalPrinter",
    "PRINTER_KINDS",
    "media_for_pdf",
    "pass_through",
    "printer_from_settings",
]

PRINTER_KINDS = ("cups", "folder", "ask", "terminal")


class PrintError(Exception):
    """Printing failed; str(error) is a translated, one-line message for the user."""


@dataclass(frozen=True)
class PrintResult:
    kind: str  # "cups", "folder" or "ask"
    destination: str  # the queue, or the directory
    message: str  # translated, one line: what happened
    job_id: str | None = None  # CUPS request id, e.g. "CAISSE1-42"
    path: Path | None = None  # the PDF written (folder, ask)


class Printer:
    """A place documents are sent to."""

    kind = ""

    def print_pdf(self, data: bytes, *, title: str, copies: int = 1,
                  media: str | None = None) -> PrintResult:
        raise NotImplementedError

    def describe(self) -> str:
        """A short, translated description for settings screens."""
        raise NotImplementedError


def _check_args(data: bytes, copies: int) -> None:
    if not isinstance(data, (bytes, bytearray)) or not bytes(data[:5]) == b"%PDF-":
        raise TypeError("print_pdf() takes the bytes of a PDF document")
    if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
        raise ValueError(f"copies must be a positive int, not {copies!r}")


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# ---------------------------------------------------------------- media

_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
_MM_PER_PT = 25.4 / 72


def media_for_pdf(data: bytes) -> str | None:
    """The CUPS `media` that fits a PDF made by printers/: "A4", or "Custom.80x170.2mm" for
    a receipt (its tallest page). Without it CUPS puts a receipt on the queue's default
    page (A4, Letter, a fixed roll length) and the roll feeds blank paper."""
    sizes = []
    for match in _MEDIA_BOX.finditer(data):
        x0, y0, x1, y1 = (float(v) for v in match.groups())
        sizes.append((abs(x1 - x0) * _MM_PER_PT, abs(y1 - y0) * _MM_PER_PT))
    if not sizes:
        return None
    if all(sorted((round(w), round(h))) == [210, 297] for w, h in sizes):
        return "A4"
    # Rounded up to 0.1 mm, so that CUPS never shrinks the page to fit.
    width = math.ceil(max(w for w, _h in sizes) * 10 - 0.01) / 10
    height = math.ceil(max(h for _w, h in sizes) * 10 - 0.01) / 10
    return f"Custom.{width:g}x{height:g}mm"


# ---------------------------------------------------------------- CUPS

_REQUEST_ID = re.compile(r"request id is (\S+)")
# What a printer's status line says when it cannot print (lpstat -p, in the C locale).
_FAILURE_WORDS = re.compile(r"unable|not connected|error|fail|offline|cannot|can't|refused|"
                            r"unreachable|not responding|out of paper|jam", re.IGNORECASE)


def _printer_failure(status: str) -> str | None:
    """Why the queue of `lpstat -p` output cannot print, None when it says nothing wrong:
    a disabled (stopped) printer, or a status line with a failure in it."""
    lines = status.splitlines()
    if not lines:
        return None
    reasons = [line.strip() for line in lines[1:] if line.strip()]
    if " disabled " in f" {lines[0]} ":
        return _one_line("; ".join(reasons)) or _("the printer is stopped")
    for reason in reasons:
        if _FAILURE_WORDS.search(reason):
            return _one_line(reason)
    return None


class CupsPrinter(Printer):
    """A CUPS queue, through the `lp` command (stdin takes the PDF).

    `media` defaults to the document's own page size (media_for_pdf): a receipt asks for
    exactly its roll width and height, an A4 document for A4. Pass media="" to leave the
    choice to the queue's defaults, or any CUPS media name.

    `server` is a host[:port] or a socket path passed as `lp -h`; without it `lp` uses
    CUPS_SERVER from the environment, then its own default. `lp` runs in the C.UTF-8
    locale so its error messages can be recognised.
    """

    kind = "cups"

    def __init__(self, queue: str, server: str | None = None, *, lp_command: str = "lp",
                 lpstat_command: str = "lpstat", cancel_command: str = "cancel",
                 timeout: float = 30.0, watch_seconds: float = 4.0) -> None:
        self.queue = queue.strip()
        self.server = server or None
        self.lp_command = lp_command
        self.lpstat_command = lpstat_command
        self.cancel_command = cancel_command
        self.timeout = timeout
        # how long a job is followed after `lp` took it, to tell a printer's failure
        self.watch_seconds = watch_seconds

    def describe(self) -> str:
        return _("Printer queue {queue}").format(queue=self.queue)

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["LC_ALL"] = env["LANG"] = "C.UTF-8"
        env.pop("LANGUAGE", None)
        return env

    def _server_args(self) -> list[str]:
        return ["-h", self.server] if self.server else []

    def command(self, *, title: str, copies: int = 1, media: str | None = None) -> list[str]:
        cmd = [self.lp_command, *self._server_args(), "-d", self.queue, "-n", str(copies),
               "-t", _one_line(title, 120) or "Mifin"]
        if media:
            cmd += ["-o", f"media={media}"]
        return cmd

    def print_pdf(self, data: bytes, *, title: str, copies: int = 1,
                  media: str | None = None) -> PrintResult:
        _check_args(data, copies)
        if not self.queue:
            raise PrintError(_("No printer queue is set for this workstation."))
        if media is None:
            media = media_for_pdf(bytes(data))
        cmd = self.command(title=title, copies=copies, media=media)
        try:
            proc = subprocess.run(cmd, input=bytes(data), capture_output=True,
                                  timeout=self.timeout, env=self._env(), check=False)
        except FileNotFoundError:
            raise PrintError(_("Printing is not installed on this computer "
                               "(the lp command of CUPS is missing).")) from None
        except subprocess.TimeoutExpired:
            raise PrintError(_("The print server did not answer within {seconds} seconds.")
                             .format(seconds=int(self.timeout))) from None
        except OSError as exc:
            raise PrintError(_("Could not start the lp command: {error}.")
                             .format(error=exc.strerror or exc)) from None
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        if proc.returncode != 0:
            raise self._error(err or out)
        match = _REQUEST_ID.search(out)
        job = match.group(1) if match else None
        state = self._watch(job) if job else None
        if state == "done":
            message = _("Printed on {queue} (job {job}).")
        elif state == "printing":
            message = _("Printing on {queue} (job {job}).")
        else:  # the scheduler could not be asked: handed over is all that is known
            message = _("Sent to printer {queue} (job {job}).")
        return PrintResult(kind=self.kind, destination=self.queue, job_id=job,
                           message=message.format(queue=self.queue, job=job or "?"))

    def _lpstat(self, *args: str) -> str | None:
        """lpstat's output, None when the scheduler cannot be asked."""
        try:
            proc = subprocess.run([self.lpstat_command, *self._server_args(), *args],
                                  capture_output=True, timeout=min(self.timeout, 10.0),
                                  env=self._env(), check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if proc.returncode != 0:
            return None
        return proc.stdout.decode("utf-8", "replace")

    def _watch(self, job: str) -> str | None:
        """Follow `job` for up to `watch_seconds`: "done" once it left the queue,
        "printing" while it prints with nothing wrong said, None when the scheduler
        cannot be asked. A printer that says it failed (disabled, or a status such as
        "Unable to open serial port", "Printer not connected"), or that stays idle with
        the job waiting, is a failure: the job is cancelled (so that a reprint is not
        printed twice) and PrintError says why."""
        deadline = time.monotonic() + self.watch_seconds
        while True:
            queued = self._lpstat("-o", self.queue)
            if queued is None:
                return None
            if not any(line.split()[:1] == [job] for line in queued.splitlines()):
                return "done"
            status = self._lpstat("-p", self.queue) or ""
            reason = _printer_failure(status)
            late = time.monotonic() >= deadline
            if reason is None and late and " is idle" in status:
                reason = _("the printer is idle and the job does not start")
            if reason is not None:
                self._cancel(job)
                raise PrintError(_("The printer {queue} did not print job {job}: {reason}. "
                                   "The job was cancelled.").format(
                    queue=self.queue, job=job, reason=reason))
            if late:
                return "printing"
            time.sleep(0.2)

    def _cancel(self, job: str) -> None:
        try:
            subprocess.run([self.cancel_command, *self._server_args(), job],
                           capture_output=True, timeout=min(self.timeout, 10.0),
                           env=self._env(), check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass  # the failure is said all the same

    def _error(self, stderr: str) -> PrintError:
        detail = _one_line(re.sub(r"^lp:\s*(error\s*-\s*)?", "", stderr.strip(),
                                  flags=re.IGNORECASE))
        lowered = stderr.lower()
        if "does not exist" in lowered or "no such file" in lowered \
                or "invalid destination" in lowered \
                or "unable to connect" in lowered or "connection refused" in lowered:
            # Without a scheduler, lp also says "The printer or class does not exist."
            if not self.scheduler_running():
                return PrintError(_("The print server (CUPS) is not running on this "
                                    "computer; start it or ask the administrator."))
            return PrintError(_("The printer queue {queue} does not exist; check the "
                                "printer in the workstation settings.").format(queue=self.queue))
        if "not accepting jobs" in lowered:
            return PrintError(_("The printer {queue} is not accepting jobs (stopped or "
                                "rejecting).").format(queue=self.queue))
        if "no default destination" in lowered:
            return PrintError(_("No printer queue is set for this workstation."))
        return PrintError(_("Printing on {queue} failed: {detail}").format(
            queue=self.queue, detail=detail or _("unknown error")))

    def check(self) -> None:
        """Raise PrintError unless the queue exists (settings screens check before saving)."""
        if not self.queue:
            raise PrintError(_("No printer queue is set for this workstation."))
        try:
            proc = subprocess.run([self.lpstat_command, *self._server_args(), "-p", self.queue],
                                  capture_output=True, timeout=min(self.timeout, 10.0),
                                  env=self._env(), check=False)
        except FileNotFoundError:
            raise PrintError(_("Printing is not installed on this computer "
                               "(the lp command of CUPS is missing).")) from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PrintError(_("Could not start the lp command: {error}.").format(
                error=exc)) from None
        if proc.returncode != 0:
            raise self._error(proc.stderr.decode("utf-8", "replace") or "does not exist")

    def scheduler_running(self) -> bool:
        """True when `lpstat -r` says the CUPS scheduler answers."""
        try:
            proc = subprocess.run([self.lpstat_command, *self._server_args(), "-r"],
                                  capture_output=True, timeout=min(self.timeout, 10.0),
                                  env=self._env(), check=False)
        except (OSError, subprocess.TimeoutExpired):
            return False
        text = proc.stdout.decode("utf-8", "replace").lower()
        return "scheduler is running" in text


# ---------------------------------------------------------------- files


def _safe_stem(title: str) -> str:
    """ASCII file-name part from a title: "Reçu BE-2026/12" -> "Recu-BE-2026-12"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_title).strip("-._")
    return stem[:80] or "document"


class FolderPrinter(Printer):
    """PDF files in a directory, for machines without a printer (or to archive).

    Each document becomes `<title>-<YYYYmmdd-HHMMSS-ffffff>.pdf`, written to a temporary
    file in the same directory and then linked into place, so a reader never sees half
    a file and two documents never overwrite each other. `copies` is not repeated in
    the file: the PDF already holds every copy's page.
    """

    kind = "folder"

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory).expanduser()

    def describe(self) -> str:
        return _("PDF files in {directory}").format(directory=self.directory)

    def _write(self, data: bytes, title: str) -> Path:
        try:
            # Vouchers and statements name members and their balances: the folder is
            # made 0700 and each file stays 0600 (mkstemp's mode), readable by this
            # account only.
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".mifin-", suffix=".part", dir=self.directory)
        except OSError as exc:
            raise PrintError(_("Cannot write to the folder {directory}: {error}.").format(
                directory=self.directory, error=exc.strerror or exc)) from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            stem = f"{_safe_stem(title)}-{datetime.now().astimezone().strftime('%Y%m%d-%H%M%S-%f')}"
            for n in range(1000):
                final = self.directory / (f"{stem}.pdf" if n == 0 else f"{stem}-{n}.pdf")
                try:
                    os.link(tmp, final)  # fails if the name is taken: never overwrites
                except FileExistsError:
                    continue
                except OSError as exc:
                    if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP,
                                         errno.EXDEV, errno.EMLINK):
                        raise
                    if final.exists():  # a file system without hard links (FAT, SMB)
                        continue
                    os.replace(tmp, final)
                    return final
                os.unlink(tmp)
                return final
            raise FileExistsError(errno.EEXIST, "no free file name", str(stem))
        except OSError as exc:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise PrintError(_("Cannot write to the folder {directory}: {error}.").format(
                directory=self.directory, error=exc.strerror or exc)) from None

    def print_pdf(self, data: bytes, *, title: str, copies: int = 1,
                  media: str | None = None) -> PrintResult:
        _check_args(data, copies)
        path = self._write(bytes(data), title)
        return PrintResult(kind=self.kind, destination=str(self.directory), path=path,
                           message=_("Saved as {path}.").format(path=path))


class AskPrinter(FolderPrinter):
    """Writes the PDF like FolderPrinter; the screen shows the returned path so the user
    can open or print it by hand."""

    kind = "ask"

    def describe(self) -> str:
        return _("Ask: save the PDF in {directory} and show it").format(
            directory=self.directory)

    def print_pdf(self, data: bytes, *, title: str, copies: int = 1,
                  media: str | None = None) -> PrintResult:
        _check_args(data, copies)
        path = self._write(bytes(data), title)
        return PrintResult(kind=self.kind, destination=str(self.directory), path=path,
                           message=_("The document is ready: {path}").format(path=path))


def default_ask_directory() -> Path:
    """A per-user folder under the system's temporary directory."""
    user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    return Path(tempfile.gettempdir()) / f"mifin-documents-{user}"


def printer_from_settings(kind: str, target: str,
                          terminal: Callable[[bytes], None] | None = None) -> Printer:
    """The back-end a workstation's settings name: ("cups", queue), ("folder", directory),
    ("ask", directory or "" for a per-user temporary folder), ("terminal", "") with
    `terminal` the session's writer of raw bytes. Raises PrintError."""
    kind = (kind or "").strip().lower()
    target = (target or "").strip()
    if kind == "cups":
        if not target:
            raise PrintError(_("No printer queue is set for this workstation."))
        return CupsPrinter(target)
    if kind == "folder":
        if not target:
            raise PrintError(_("No folder is set for saving documents on this workstation."))
        return FolderPrinter(target)
    if kind == "ask":
        return AskPrinter(target or default_ask_directory())
    if kind == "terminal":
        return TerminalPrinter(terminal)
    raise PrintError(_("Unknown printer type: {kind}. Use cups, folder, ask or terminal."
                       ).format(kind=kind))


# ---------------------------------------------------------------- the terminal's printer

# ANSI "media copy" (printer controller mode): what a terminal receives between these two
# goes to the printer of the PC it runs on (PuTTY, xterm), not to the screen.
PASS_THROUGH_ON = b"\x1b[5i"
PASS_THROUGH_OFF = b"\x1b[4i"


def pass_through(data: bytes) -> bytes:
    """`data` framed for the terminal's printer. The terminal ends the print at the first
    "ESC [ 4 i" (or its 8-bit form CSI 4 i) it sees: data holding one would be cut there
    and the rest shown on the screen, so it is refused."""
    if PASS_THROUGH_OFF in data or b"\x9b4i" in data:
        raise ValueError("the data holds the end of the pass-through (ESC [ 4 i)")
    return PASS_THROUGH_ON + bytes(data) + PASS_THROUGH_OFF


class TerminalPrinter(Printer):
    """The printer plugged into the cashier's own PC, reached through his terminal (PuTTY:
    Terminal > Printer; xterm: printerCommand): the document goes as raw printer bytes
    (ESC/POS for a thermal roll) inside the pass-through. `write` puts bytes on the
    session's terminal between two frames of the screen; the terminal does not answer,
    so "sent" is all that can be known.

    Receipts only: an A4 document needs a driver on the PC, which the pass-through does
    not have."""

    kind = "terminal"

    def __init__(self, write: Callable[[bytes], None] | None) -> None:
        self.write = write

    def describe(self) -> str:
        return _("The printer of the cashier's terminal (pass-through)")

    def print_raw(self, data: bytes, *, title: str = "") -> PrintResult:
        """Send printer-ready bytes (ESC/POS) to the terminal's printer."""
        if self.write is None:
            raise PrintError(_("This session has no terminal to print through (a browser "
                               "session or no screen); choose another receipt printer."))
        framed = pass_through(data)
        try:
            self.write(framed)
        except (OSError, RuntimeError) as exc:
            raise PrintError(_("The terminal could not take the print: {error}.").format(
                error=_one_line(str(exc)) or type(exc).__name__)) from None
        return PrintResult(kind=self.kind, destination="terminal",
                           message=_("Sent to the printer of your terminal ({size} bytes)."
                                     ).format(size=len(framed)))

    def print_pdf(self, data: bytes, *, title: str, copies: int = 1,
                  media: str | None = None) -> PrintResult:
        _check_args(data, copies)
        raise PrintError(_("The terminal's printer takes receipts only; choose a printer "
                           "queue or a folder for A4 documents."))
