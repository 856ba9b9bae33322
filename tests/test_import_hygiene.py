"""The core never pulls in the interface: services run headless (CLI, batch, sync agent)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import mifin_tui.services as pkg
for info in pkgutil.iter_modules(pkg.__path__):
    importlib.import_module(f"mifin_tui.services.{info.name}")
import printers
bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')
             or m.startswith(('mifin_tui.screens', 'mifin_tui.widgets', 'mifin_tui.app')))
print(','.join(bad))
"""


def test_services_import_neither_textual_nor_screens():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"services pulled in: {out}"


def test_cli_help_does_not_import_textual_or_fpdf():
    """`mifin --help`, `mifin check` stay fast on old machines."""
    code = ("import sys; from mifin_tui.cli import build_parser; build_parser(); "
            "print(','.join(m for m in ('textual', 'fpdf') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


def test_the_schedule_engine_imports_neither_peewee_nor_textual():
    """The engine runs wherever schedules are recomputed: no database, no interface."""
    code = ("import sys; import mifin_tui.services.schedule, mifin_tui.services.teg, "
            "mifin_tui.services.working_days, mifin_tui.services.loan_documents; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('peewee', 'textual', 'rich') or m.startswith('mifin_tui.db'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"the engine pulled in: {out}"


def test_the_repayment_engine_imports_neither_peewee_nor_textual():
    """Allocation, arrears and penalties run in the counter, the closing and the bench alike."""
    code = ("import sys; import mifin_tui.services.repayment_engine, "
            "mifin_tui.services.penalties; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('peewee', 'textual', 'rich') or m.startswith('mifin_tui.db'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"the engine pulled in: {out}"
