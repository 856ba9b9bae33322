"""Every message the CLI writes goes through gettext (issue 12: French by default, English
complete). The catalogue tests (tests/test_i18n.py) check that each `_()` string of
mifin_tui, the CLI included, has its French; this checks the other half: no message text
is written without `_()`, and the same error reads in each language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.cli.helpers import run

ROOT = Path(__file__).resolve().parents[2] / "mifin_tui"
CLI_MODULES = [*sorted((ROOT / "cli").glob("*.py")), ROOT / "ssh_setup.py",
               ROOT / "terminal_check.py"]
# Calls that put text before the user: print, the CLI's error, argparse's error, exits.
WRITERS = {"print", "CliError", "error", "SystemExit", "write"}
WORD = re.compile(r"[A-Za-z]{2,}")
NOT_WORDS = {"mifin"}  # the command's own name prefixes every error line


def literal_words(node: ast.AST) -> list[str]:
    """Words written literally (not through a call such as `_()`) in a message."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        texts = [node.value]
    elif isinstance(node, ast.JoinedStr):
        texts = [str(v.value) for v in node.values if isinstance(v, ast.Constant)]
    elif isinstance(node, ast.BinOp):
        return literal_words(node.left) + literal_words(node.right)
    else:
        return []
    return [w for t in texts for w in WORD.findall(t) if w not in NOT_WORDS]


def untranslated(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(
                node.func, "attr", "")
            if name in WRITERS and literal_words(node.args[0]):
                found.append((node.lineno, ast.unparse(node.args[0])))
    return found


def test_the_check_finds_a_message_written_without_gettext():
    assert untranslated('print("Institution created.")\nraise CliError(f"No {x} here")\n'
                        'print(_("Fine."))\nprint(f"mifin: {exc}")\n') == [
        (1, "'Institution created.'"), (2, "f'No {x} here'")]


@pytest.mark.parametrize("path", CLI_MODULES, ids=lambda p: p.name)
def test_cli_messages_go_through_gettext(path):
    assert untranslated(path.read_text("utf-8")) == []


def test_the_same_error_in_french_and_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    missing = tmp_path / "none.db"
    fr = run("check", db=missing, lang="fr")
    en = run("check", db=missing, lang="en")
    assert fr.returncode == en.returncode == 1
    assert en.stderr.startswith("mifin: No database at"), en.stderr
    assert fr.stderr.startswith("mifin: ") and "No database" not in fr.stderr, fr.stderr
    assert str(missing) in fr.stderr and str(missing) in en.stderr
