"""Printer back-ends without a real scheduler: folders, the factory, lp's failures."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from printers.backends import (
    AskPrinter,
    CupsPrinter,
    FolderPrinter,
    PrintError,
    media_for_pdf,
    printer_from_settings,
)

PDF = b"%PDF-1.4\n% a tiny stand-in\n%%EOF\n"


def test_folder_writes_whole_files_with_unique_names(tmp_path):
    printer = FolderPrinter(tmp_path / "out")
    first = printer.print_pdf(PDF, title="BON D'ENTRÉE BE/2026 n°12", copies=2)
    second = printer.print_pdf(PDF, title="BON D'ENTRÉE BE/2026 n°12")
    assert first.path != second.path
    for result in (first, second):
        assert result.kind == "folder"
        assert result.path is not None and result.path.read_bytes() == PDF
        assert result.path.parent == tmp_path / "out"
        assert result.path.name.startswith("BON-D-ENTREE-BE-2026-n12-")
        assert result.path.suffix == ".pdf"
        assert str(result.path) in result.message
        # members' names and balances: this account's alone, in a folder of its own
        assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o700
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [first.path.name, second.path.name])  # no temporary file left


def test_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(PrintError, match="Cannot write to the folder"):
        FolderPrinter(blocker / "sub").print_pdf(PDF, title="x")


def test_ask_returns_the_path_to_show(tmp_path):
    result = AskPrinter(tmp_path).print_pdf(PDF, title="Journal de caisse")
    assert result.kind == "ask" and result.path and result.path.exists()
    assert str(result.path) in result.message


def test_factory(tmp_path):
    cups = printer_from_settings("cups", " CAISSE1 ")
    assert isinstance(cups, CupsPrinter) and cups.queue == "CAISSE1"
    assert isinstance(printer_from_settings("folder", str(tmp_path)), FolderPrinter)
    ask = printer_from_settings("ask", "")
    assert isinstance(ask, AskPrinter) and ask.directory.name.startswith("mifin-documents")
    for kind, target, message in (("cups", "", "No printer queue"),
                                  ("folder", "", "No folder"),
                                  ("fax", "x", "Unknown printer type: fax")):
        with pytest.raises(PrintError, match=message):
            printer_from_settings(kind, target)


def test_bad_arguments_are_programming_errors(tmp_path):
    printer = FolderPrinter(tmp_path)
    with pytest.raises(TypeError):
        printer.print_pdf(b"not a pdf", title="x")
    with pytest.raises(ValueError):
        printer.print_pdf(PDF, title="x", copies=0)


def test_lp_command_line():
    printer = CupsPrinter("THERMAL80", server="/run/cups/other.sock")
    assert printer.command(title="Reçu\nBE-1", copies=2, media="Custom.80x200mm") == [
        "lp", "-h", "/run/cups/other.sock", "-d", "THERMAL80", "-n", "2", "-t", "Reçu BE-1",
        "-o", "media=Custom.80x200mm"]
    assert CupsPrinter("Q").command(title="t") == ["lp", "-d", "Q", "-n", "1", "-t", "t"]


def test_lp_not_installed():
    printer = CupsPrinter("Q", lp_command="/nonexistent/bin/lp")
    with pytest.raises(PrintError, match="lp command of CUPS is missing"):
        printer.print_pdf(PDF, title="x")


def test_no_queue_set():
    with pytest.raises(PrintError, match="No printer queue"):
        CupsPrinter("  ").print_pdf(PDF, title="x")


def _fake(tmp_path: Path, name: str, script: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(("scheduler", "expected"), [
    ("scheduler is running", "The printer queue GHOST does not exist"),
    ("scheduler is not running", "The print server (CUPS) is not running"),
])
def test_lp_failures_become_one_translated_line(tmp_path, scheduler, expected):
    lp = _fake(tmp_path, "lp", "cat >/dev/null\n"
               'echo "lp: The printer or class does not exist." >&2\nexit 1\n')
    lpstat = _fake(tmp_path, "lpstat", f'echo "{scheduler}"\n')
    printer = CupsPrinter("GHOST", lp_command=lp, lpstat_command=lpstat)
    with pytest.raises(PrintError) as info:
        printer.print_pdf(PDF, title="x")
    assert str(info.value).startswith(expected)
    assert "\n" not in str(info.value)


def test_other_lp_errors_keep_lp_detail(tmp_path):
    lp = _fake(tmp_path, "lp", 'cat >/dev/null\necho "lp: Destination \\"Q\\" is not accepting '
                               'jobs." >&2\nexit 1\n')
    with pytest.raises(PrintError, match="not accepting jobs"):
        CupsPrinter("Q", lp_command=lp).print_pdf(PDF, title="x")
    lp2 = _fake(tmp_path, "lp2", 'cat >/dev/null\necho "lp: error - paper jam\nsecond" >&2\n'
                                 "exit 1\n")
    with pytest.raises(PrintError, match=r"^Printing on Q failed: paper jam second$"):
        CupsPrinter("Q", lp_command=lp2).print_pdf(PDF, title="x")


def test_lp_gets_the_pdf_on_stdin_and_a_c_locale(tmp_path):
    received = tmp_path / "received.pdf"
    lp = _fake(tmp_path, "lp", f'cat > {received}\necho "$LC_ALL $*" > {tmp_path}/args\n'
                               'echo "request id is Q-42 (0 file(s))"\n')
    result = CupsPrinter("Q", lp_command=lp).print_pdf(PDF, title="Bon", copies=2)
    assert received.read_bytes() == PDF
    assert (tmp_path / "args").read_text().split() == ["C.UTF-8", "-d", "Q", "-n", "2", "-t",
                                                       "Bon"]
    assert result.job_id == "Q-42" and "Q-42" in result.message


def test_server_from_the_environment_is_left_to_lp(tmp_path, monkeypatch):
    monkeypatch.setenv("CUPS_SERVER", "/tmp/some.sock")
    lp = _fake(tmp_path, "lp", f'cat >/dev/null\necho "$CUPS_SERVER" > {tmp_path}/env\n'
                               'echo "request id is Q-1 (0 file(s))"\n')
    CupsPrinter("Q", lp_command=lp).print_pdf(PDF, title="x")
    assert (tmp_path / "env").read_text().strip() == "/tmp/some.sock"
    assert os.environ["CUPS_SERVER"] == "/tmp/some.sock"


def test_media_follows_the_document():
    from datetime import date

    from mifin_tui.services.kernel.documents import CashJournalDoc
    from printers.journal import cash_journal_pdf

    roll = b"/MediaBox [0 0 226.77 283.46]\n/MediaBox [0 0 226.77 482.46]\n"
    assert media_for_pdf(roll) == "Custom.80x170.3mm"
    assert media_for_pdf(b"%PDF-1.4 nothing") is None
    journal = CashJournalDoc("I", "B", "Branch", "Till", date(2026, 1, 2), "XOF", 0, (), 0, 0, 0)
    assert media_for_pdf(cash_journal_pdf(journal)) == "A4"


def test_cups_media_defaults_to_the_document_size(tmp_path, make_voucher):
    from printers.receipt import voucher_pdf

    lp = _fake(tmp_path, "lp", f'cat >/dev/null\necho "$*" > {tmp_path}/args\n'
                               'echo "request id is Q-7 (0 file(s))"\n')
    pdf = voucher_pdf(make_voucher(), 58)
    CupsPrinter("Q", lp_command=lp).print_pdf(pdf, title="t")
    assert (tmp_path / "args").read_text().split()[-2:] == ["-o", f"media={media_for_pdf(pdf)}"]
    assert media_for_pdf(pdf).startswith("Custom.58x")
    CupsPrinter("Q", lp_command=lp).print_pdf(pdf, title="t", media="")
    assert "-o" not in (tmp_path / "args").read_text().split()
