"""`mifin init` asks for the provision rates the regulator's text leaves to the
institution (#20): one per class, read from standard input when it is no terminal, or
given as --provision-rate; none given, it stops with one line naming the class."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.helpers import run

ADMIN_PASSWORD = "Kalamu-pass-2026"


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MIFIN_DB", raising=False)
    return tmp_path


def _init(path: Path, regulator: str, currency: str, stdin: str, *extra: str):
    return run("init", "--name", "COOPEC Test", "--branch-code", "KIN", "--currency",
               currency, "--regulator", regulator, "--date", "2026-11-23", *extra,
               db=path, input=stdin)


def _rates(path: Path) -> dict[str, int] | None:
    with sqlite3.connect(path) as con:
        row = con.execute("SELECT value FROM setting WHERE key = 'loan_provision_rates'"
                          ).fetchone()
    return None if row is None else json.loads(row[0])


def test_init_asks_each_rate_the_text_leaves_open(home):
    path = home / "bcc.db"
    proc = _init(path, "bcc", "USD", f"{ADMIN_PASSWORD}\n5\n25\n50,5\n100 %\n")
    assert proc.returncode == 0, proc.stderr
    for key in ("impaye", "douteux", "contentieux", "irrecuperable"):
        assert f"({key}) %" in proc.stdout
    assert _rates(path) == {"impaye": 500, "douteux": 2500, "contentieux": 5050,
                            "irrecuperable": 10000}


def test_init_without_the_rates_stops_naming_the_class(home):
    path = home / "cobac.db"
    proc = _init(path, "cobac", "XAF", f"{ADMIN_PASSWORD}\n10\n")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "immobilisee" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert not path.exists() or _rates(path) is None
    bad = _init(home / "bad.db", "bcc", "USD", f"{ADMIN_PASSWORD}\nabc\n")
    assert bad.returncode == 1 and "percentage" in bad.stderr


def test_init_takes_the_rates_as_options_and_asks_none_under_bceao(home):
    path = home / "bcc2.db"
    proc = _init(path, "bcc", "USD", f"{ADMIN_PASSWORD}\n", "--provision-rate", "impaye=1",
                 "--provision-rate", "douteux=2", "--provision-rate", "contentieux=3",
                 "--provision-rate", "irrecuperable=4")
    assert proc.returncode == 0, proc.stderr
    assert _rates(path) == {"impaye": 100, "douteux": 200, "contentieux": 300,
                            "irrecuperable": 400}
    bceao = home / "bceao.db"
    proc = _init(bceao, "bceao", "XOF", f"{ADMIN_PASSWORD}\n")
    assert proc.returncode == 0, proc.stderr
    assert "Provision rate" not in proc.stdout
