"""printers/ receives plain data: it never loads the database layer or the interface."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
import printers
assert "fpdf" not in sys.modules, "import printers must stay cheap (mifin --help)"
import printers.receipt, printers.journal, printers.backends
bad = sorted(m for m in sys.modules
             if m.split('.')[0] in ('peewee', 'textual', 'rich')
             or m.startswith('mifin_tui.db') or m.startswith('mifin_tui.screens'))
print(','.join(bad))
"""


def test_printers_import_neither_database_nor_interface():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


def test_fonts_are_shipped_with_their_licence():
    from importlib import resources

    fonts = resources.files("printers") / "fonts"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        assert (fonts / name).read_bytes()[:4] == b"\x00\x01\x00\x00"
    assert "Bitstream" in (fonts / "LICENSE.txt").read_text()
