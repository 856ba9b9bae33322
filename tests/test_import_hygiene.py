"""The core never pulls in the interface: services run headless (CLI, batch, sync agent)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CODE = """
import importlib, pkgutil, sys
import mifin_tui.services as pkg
for info in pkgutil.walk_packages(pkg.__path__, "mifin_tui.services."):
    importlib.import_module(info.name)
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
    code = ("import sys; import mifin_tui.services.loans.engine.schedule, "
            "mifin_tui.services.loans.engine.teg, "
            "mifin_tui.services.kernel.working_days, mifin_tui.services.loans.engine.documents; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('peewee', 'textual', 'rich') or m.startswith('mifin_tui.db'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"the engine pulled in: {out}"


def test_the_repayment_engine_imports_neither_peewee_nor_textual():
    """Allocation, arrears and penalties run in the counter, the closing and the bench alike."""
    code = ("import sys; import mifin_tui.services.loans.engine.allocation, "
            "mifin_tui.services.loans.engine.penalties; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('peewee', 'textual', 'rich') or m.startswith('mifin_tui.db'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"the engine pulled in: {out}"


# What the login screen must not wait for: the store (opened just after the first paint),
# documents, reports, the loan engines, spreadsheets and tables of the CLI, and the
# modules of the CLI's other commands (`mifin --db FILE` parses its own options only), and
# what serves a session only (the menu registry, the palette's providers, permissions,
# money formatting, the status line).
HEAVY_AT_STARTUP = ("peewee", "sqlite3", "fpdf", "printers", "babel", "openpyxl",
                    "tabulate", "mifin_tui.db", "mifin_tui.output.reports",
                    "mifin_tui.services.reports.registry",
                    "mifin_tui.services.loans.engine.schedule",
                    "mifin_tui.services.imports.members", "mifin_tui.services.loans.applications",
                    "mifin_tui.screens.session.main_menu", "mifin_tui.cli.admin_commands",
                    "mifin_tui.cli.closing_commands", "mifin_tui.cli.members_commands",
                    "mifin_tui.cli.payments_commands", "mifin_tui.cli.remote_commands",
                    "mifin_tui.cli.report_commands", "mifin_tui.cli.schedule_commands",
                    "mifin_tui.menu", "mifin_tui.screens.session.palette",
                    "mifin_tui.services.kernel.permissions",
                    "mifin_tui.services.kernel.money", "mifin_tui.widgets.status_line",
                    "mifin_tui.widgets.choices")

STARTUP = """
import asyncio, sys, tempfile
from mifin_tui.app import MifinApp
from mifin_tui.cli import main
from mifin_tui.screens.session.login import LoginScreen

heavy = {heavy!r}
loaded = []

def at_first_paint(self):
    # The App opens its database just after the first frame: what is loaded then is
    # what the login screen waited for.
    loaded.extend(m for m in sys.modules if m in heavy or m.startswith(
        tuple(h + '.' for h in heavy)))
    return True

MifinApp.open_database = at_first_paint

async def first_frame(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen), app.screen

# Through the command's own entry point (argument parsing, error handling, the App),
# headless: what `mifin --db FILE` runs before its first frame.
MifinApp.run = lambda self, *a, **k: asyncio.run(first_frame(self))
import mifin_tui.hangup  # headless, without a terminal: the CLI would refuse to start
mifin_tui.hangup.no_terminal = lambda: False
with tempfile.NamedTemporaryFile(suffix='.db') as db:  # exists; never opened here
    assert main(['--lang', 'en', '--db', db.name]) == 0
print('painted:' + ','.join(sorted(loaded)))
"""


def test_the_login_screen_is_drawn_without_the_heavy_modules():
    """`mifin` builds its parser and draws the login screen before loading the store,
    documents, reports or engines (old machines: issue 12)."""
    code = STARTUP.format(heavy=HEAVY_AT_STARTUP)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out.startswith("painted:"), out  # the login screen was drawn
    assert out == "painted:", f"loaded before the login screen: {out}"


def test_the_import_help_still_lists_the_columns(capsys):
    """The import epilog is built lazily, yet `mifin import members --help` shows it."""
    from mifin_tui.cli import build_parser

    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["import", "members", "--help"])
    text = capsys.readouterr().out
    assert "surname" in text and "cp1252" in text
