"""Run the installed `mifin` command as a user or a script would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path


def mifin_command() -> list[str]:
    """The `mifin` installed for this Python, else the one on PATH, else `-m mifin_tui`."""
    beside = Path(sysconfig.get_path("scripts")) / "mifin"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("mifin")
    if found:
        return [found]
    return [sys.executable, "-m", "mifin_tui"]


MIFIN = mifin_command()


def run(*args: str, db: Path | None = None, input: str | None = None,
        env: dict[str, str] | None = None, lang: str = "en") -> subprocess.CompletedProcess:
    argv = [*MIFIN, "--lang", lang]
    if db is not None:
        argv += ["--db", str(db)]
    full_env = {k: v for k, v in os.environ.items() if k != "MIFIN_DB"}
    full_env.update(env or {})
    return subprocess.run([*argv, *args], input=input if input is not None else "",
                          capture_output=True, text=True, env=full_env, timeout=120)
