"""A private CUPS scheduler with a PDF queue, for printing tests (see TESTING.md).

The scheduler lives in a short temporary directory (a Unix socket path must stay under
108 bytes), listens only on its socket, and is stopped by its PID. The queue prints to
PDF files in `out`: through the cups-pdf backend as root (its output directory comes
from /etc/cups/cups-pdf-<name>.conf, created and removed here), through a file: device
otherwise. Names are unique, so pytest-xdist workers never share a scheduler or queue.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

CUPS_PDF_PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
GENERIC_PDF_PPD = "lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd"


def find(binary: str) -> str | None:
    for candidate in (shutil.which(binary), f"/usr/sbin/{binary}", f"/usr/bin/{binary}"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@dataclass
class PrivateCups:
    root: Path
    queue: str
    out: Path
    process: subprocess.Popen
    cups_pdf_conf: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def socket(self) -> str:
        return str(self.root / "cups.sock")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), env=self.env, capture_output=True, text=True,
                              timeout=30, check=check)

    def wait_idle(self, timeout: float = 20.0) -> None:
        """Until the queue holds no job (lpstat -o prints nothing)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.run("lpstat", "-o", self.queue, check=False).stdout.strip():
                return
            time.sleep(0.05)
        raise TimeoutError(f"jobs still queued on {self.queue}: {self.log_tail()}")

    def newest_pdf(self, timeout: float = 20.0) -> Path:
        """The newest PDF the queue wrote, once its size stops changing."""
        deadline = time.monotonic() + timeout
        last: tuple[Path, int] | None = None
        while time.monotonic() < deadline:
            pdfs = sorted(self.out.glob("*.pdf"), key=lambda p: p.stat().st_mtime)
            if pdfs:
                size = pdfs[-1].stat().st_size
                if last == (pdfs[-1], size) and size > 0:
                    return pdfs[-1]
                last = (pdfs[-1], size)
            time.sleep(0.1)
        raise TimeoutError(f"no PDF in {self.out}: {self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        log = self.root / "log" / "error_log"
        if not log.exists():
            return "(no error_log)"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.cups_pdf_conf is not None:
            self.cups_pdf_conf.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)


def start(out: Path) -> PrivateCups:
    """Start cupsd with one PDF queue writing into `out`; caller must stop() it."""
    cupsd = find("cupsd")
    assert cupsd, "cupsd not installed"
    root = Path(tempfile.mkdtemp(prefix="mfcups-", dir="/tmp"))
    for sub in ("spool", "tmp", "state", "cache", "log", "ppd"):
        (root / sub).mkdir()
    os.chmod(root / "spool", 0o710)
    os.chmod(root / "tmp", 0o1777)
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o777)
    name = "mifin" + uuid.uuid4().hex[:10]
    queue = name.upper()
    as_root = os.geteuid() == 0
    (root / "cupsd.conf").write_text(f"""\
LogLevel warn
Listen {root}/cups.sock
Browsing Off
WebInterface No
DefaultAuthType None
MaxJobs 100
PreserveJobHistory No
<Location />
  Order allow,deny
  Allow all
</Location>
""")
    files = f"""\
ServerRoot {root}
RequestRoot {root}/spool
TempDir {root}/tmp
StateDir {root}/state
CacheDir {root}/cache
AccessLog {root}/log/access_log
ErrorLog {root}/log/error_log
PageLog {root}/log/page_log
SystemGroup root lpadmin
"""
    if not as_root:
        files += "FileDevice Yes\n"
    (root / "cups-files.conf").write_text(files)
    env = {**os.environ, "CUPS_SERVER": f"{root}/cups.sock", "LC_ALL": "C.UTF-8"}
    process = subprocess.Popen(
        [cupsd, "-f", "-c", f"{root}/cupsd.conf", "-s", f"{root}/cups-files.conf"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True,
    )
    cups = PrivateCups(root=root, queue=queue, out=out, process=process, env=env)
    try:
        deadline = time.monotonic() + 15
        while "is running" not in cups.run("lpstat", "-r", check=False).stdout:
            if process.poll() is not None:
                raise RuntimeError(f"cupsd exited: {process.stderr.read().decode()}"
                                   f" {cups.log_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"cupsd did not start: {cups.log_tail()}")
            time.sleep(0.05)
        if as_root:
            cups.cups_pdf_conf = Path(f"/etc/cups/cups-pdf-{name}.conf")
            cups.cups_pdf_conf.parent.mkdir(parents=True, exist_ok=True)
            cups.cups_pdf_conf.write_text(f"Out {out}\nAnonDirName {out}\nLabel 0\n")
            device, ppd = f"cups-pdf:/{name}", CUPS_PDF_PPD
        else:
            device, ppd = f"file://{out}/{name}.pdf", GENERIC_PDF_PPD
        cups.run("lpadmin", "-p", queue, "-v", device, "-E", "-m", ppd,
                 "-o", "pdftops-renderer-default=pdftocairo")
    except BaseException:
        cups.stop()
        raise
    return cups
