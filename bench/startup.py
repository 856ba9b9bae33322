"""Startup: time to the first painted login screen, and memory, against a bare Textual app.

    python bench/startup.py              # 10 runs of each, interleaved
    python bench/startup.py --runs 20 --lang fr

Each program runs in a real pseudo-terminal of 80x24 (not App.run_test: a
headless app skips the driver and the terminal output). The clock starts just
before the process is spawned and stops when the bytes it wrote to the terminal
first contain the expected text: the login screen's "User name" label for
`mifin --db DEMO`, the label of a minimal App with one Label for the bare app. The
CPU the process has used by then (user + system, /proc/PID/stat) is printed too: on a
machine shared with other work it is steadier than the wall time.
Memory is the process's peak resident set (VmHWM in /proc/PID/status), read a
moment after that first frame, before the process is killed. Same Python, same
machine, same run. Prints figures; asserts nothing.

Goals (issue 12): mifin within 1.5x the bare app's time, under 80 MB.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import sysconfig
import tempfile
import termios
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

# Escape sequences: CSI, OSC, DCS, charset selection, and the short ones.
ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)"
                  rb"|P[^\x1b]*\x1b\\|[()][0-9A-Za-z]|[=>78DEHM])")
BARE_LABEL = "Bare Textual app ready"
BARE_APP = f'''
from textual.app import App, ComposeResult
from textual.widgets import Label


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Label("{BARE_LABEL}")


Bare().run()
'''


@dataclass
class Sample:
    first_paint_ms: float
    cpu_ms: float  # user + system CPU of the process when its first frame was seen
    hwm_mb: float
    rss_mb: float


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu_ms(pid: int) -> float:
    """utime + stime of `pid` (fields 14 and 15 of /proc/PID/stat), in ms. On a machine
    shared with other work the wall time swings; the CPU a start costs is steadier."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / CLOCK_TICKS


def mifin_command() -> list[str]:
    beside = Path(sysconfig.get_path("scripts")) / "mifin"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    return [sys.executable, "-m", "mifin_tui"]


def proc_status(pid: int) -> dict[str, float]:
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0]) / 1024  # kB -> MB
    return out


def run_once(argv: list[str], marker: str, env: dict[str, str], timeout: float,
             settle: float) -> Sample:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True, close_fds=True)
    os.close(slave)
    seen = b""
    text = ""
    first = None
    try:
        deadline = started + timeout
        while first is None:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise SystemExit(f"{argv[0]}: {marker!r} not seen within {timeout} s; "
                                 f"last output: {text[-400:]!r}")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal: it died
                chunk = b""
            if not chunk:
                raise SystemExit(f"{argv[0]} exited before drawing {marker!r} "
                                 f"(exit {proc.wait()}): {text[-400:]!r}")
            seen += chunk
            text = ANSI.sub(b"", seen).decode("utf-8", "replace")
            if marker in text:
                first = (time.perf_counter() - started) * 1000
                cpu = proc_cpu_ms(proc.pid)
        # Let the first screen finish (mounts, the rest of the frame), draining output.
        until = time.perf_counter() + settle
        while (left := until - time.perf_counter()) > 0:
            if select.select([master], [], [], left)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        status = proc_status(proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)
    return Sample(first, cpu, status.get("VmHWM", 0.0), status.get("VmRSS", 0.0))


def summary(name: str, samples: list[Sample]) -> tuple[float, float, float]:
    times = [s.first_paint_ms for s in samples]
    hwm = [s.hwm_mb for s in samples]
    med_t, med_m = statistics.median(times), statistics.median(hwm)
    med_c = statistics.median(s.cpu_ms for s in samples)
    print(f"{name:<12} first paint median {med_t:7.1f} ms  (min {min(times):6.1f}, "
          f"max {max(times):6.1f}), CPU {med_c:6.1f} ms   peak RSS median {med_m:6.1f} MB  "
          f"(RSS after settle {statistics.median(s.rss_mb for s in samples):.1f} MB)")
    return med_t, med_m, med_c


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lang", default="en", choices=("en", "fr"),
                        help="language of mifin's login screen")
    parser.add_argument("--members", type=int, default=60, help="demo size")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=0.5,
                        help="seconds after the first frame before reading memory")
    args = parser.parse_args()
    marker = {"en": "User name", "fr": "utilisateur"}[args.lang]

    with tempfile.TemporaryDirectory(prefix="mifin-startup-") as tmp:
        demo = Path(tmp) / "demo.db"
        subprocess.run([*mifin_command(), "--db", str(demo), "demo", "--no-open",
                        "--members", str(args.members)], check=True,
                       stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(textwrap.dedent(BARE_APP))
        # As installed: byte-code cached for both programs. PYTHONDONTWRITEBYTECODE (set
        # in some shells and CI) would make mifin recompile its own modules on every start
        # while Textual's come precompiled from site-packages; one private cache folder
        # gives both the same footing (the unmeasured first run fills it).
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TEXTUAL", "MIFIN")) and k != "PYTHONDONTWRITEBYTECODE"}
        env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor", "HOME": tmp,
                    "XDG_DATA_HOME": str(Path(tmp) / "xdg"),
                    "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")})
        programs = {
            "mifin": ([*mifin_command(), "--lang", args.lang, "--db", str(demo)], marker),
            "bare Textual": ([sys.executable, str(bare)], BARE_LABEL),
        }
        import textual

        print(f"python {sys.version.split()[0]}, textual {textual.__version__}, "
              f"{os.cpu_count()} cores, 80x24 pty, {args.runs} runs each, interleaved")
        print(f"mifin: {' '.join(programs['mifin'][0])}")
        # One unmeasured run of each: the first start after an install compiles .pyc files.
        for argv, mark in programs.values():
            run_once(argv, mark, env, args.timeout, 0)
        samples: dict[str, list[Sample]] = {name: [] for name in programs}
        for _ in range(args.runs):
            for name, (argv, mark) in programs.items():
                samples[name].append(run_once(argv, mark, env, args.timeout, args.settle))
        t_app, m_app, c_app = summary("mifin", samples["mifin"])
        t_bare, m_bare, c_bare = summary("bare Textual", samples["bare Textual"])
        print(f"ratio mifin / bare: time {t_app / t_bare:.2f}x (goal <= 1.5x), "
              f"CPU {c_app / c_bare:.2f}x, peak RSS {m_app / m_bare:.2f}x; "
              f"mifin peak RSS {m_app:.1f} MB (goal <= 80 MB)")
        python = shutil.which("python3") or sys.executable
        t0 = time.perf_counter()
        subprocess.run([python, "-c", "pass"], check=True)
        print(f"for scale: `python3 -c pass` takes {(time.perf_counter() - t0) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
