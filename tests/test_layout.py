"""The house stays tidy (issue 18): small modules, rooms of a readable size, the raw SQL
of every area in `db/`, and the screens away from the store. What import-linter cannot
see (sizes, SQL text) is checked here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "mifin_tui"
MAX_LINES = 600
MAX_MODULES = 20
# SQL text: a statement keyword followed by what makes it one, or a direct execute.
SQL = re.compile(r"execute_sql\(|\bSELECT\s+.+\s+FROM\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b"
                 r"|\bUPDATE\s+\"?\w+\"?\s+SET\b|database\.param\b")


def modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_module_is_over_600_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_folder_holds_more_than_20_modules() -> None:
    crowded = {}
    for folder in {p.parent for p in modules()}:
        count = len([p for p in folder.glob("*.py") if p.name != "__init__.py"])
        if count > MAX_MODULES:
            crowded[str(folder.relative_to(ROOT))] = count
    assert not crowded, f"folders over {MAX_MODULES} modules: {crowded}"


@pytest.mark.parametrize("layer", ["services", "screens", "widgets", "output", "cli", "demo"])
def test_raw_sql_lives_in_db_only(layer: str) -> None:
    found = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / layer).rglob("*.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if SQL.search(line)]
    assert not found, f"SQL text outside mifin_tui/db/: {found}"


def test_the_check_sees_sql_text() -> None:
    """The pattern is not vacuous: the store's own query modules are full of it."""
    assert sum(bool(SQL.search(line)) for p in (ROOT / "db" / "queries").glob("*.py")
               for line in p.read_text(encoding="utf-8").splitlines()) > 20
