"""`mifin --check-terminal` fits the narrowest terminal Mifin runs in: 80 columns."""

from __future__ import annotations

import pytest

from tests.cli.helpers import run


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_check_terminal_fits_80_columns(lang):
    # the longest report: the Linux console over SSH, no colour, a too short Escape delay
    env = {"TERM": "linux", "LANG": "C.UTF-8", "SSH_CONNECTION": "10.0.0.2 5 10.0.0.1 22",
           "ESCDELAY": "10", "MIFIN_THIN_OUTPUT": "1", "TEXTUAL_ANIMATIONS": "none"}
    proc = run("--check-terminal", env=env, lang=lang)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) > 10 and "ESCDELAY" in proc.stdout
    assert max(len(line) for line in lines) <= 80, [ln for ln in lines if len(ln) > 80]
