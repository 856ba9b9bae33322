"""A voucher through a real CUPS queue: private cupsd, cups-pdf, lp, read back with poppler.

Needs the Debian packages cups, cups-client, printer-driver-cups-pdf and poppler-utils
(scripts/test installs them in CI). Outside CI the test skips when they are missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from printers.backends import CupsPrinter, PrintError
from printers.receipt import voucher_pdf
from tests.printers import cups
from tests.printers.conftest import (
    ink_ratio,
    need,
    page_sizes_mm,
    pdf_text,
    render_png,
    squash,
    tr,
)


@pytest.fixture
def private_cups(tmp_path: Path) -> Iterator[cups.PrivateCups]:
    need("cupsd", "lp", "lpstat", "lpadmin", "pdftotext", "pdftoppm")
    if os.geteuid() == 0 and not Path("/usr/lib/cups/backend/cups-pdf").exists():
        message = "printer-driver-cups-pdf is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = cups.start(tmp_path / "out")
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("via", ["env", "argument"])
def test_voucher_prints_through_cups(private_cups, make_voucher, tmp_path, monkeypatch, via):
    doc = make_voucher(duplicate=True)
    if via == "env":
        monkeypatch.setenv("CUPS_SERVER", private_cups.socket)
        printer = CupsPrinter(private_cups.queue)
    else:
        monkeypatch.delenv("CUPS_SERVER", raising=False)
        printer = CupsPrinter(private_cups.queue, server=private_cups.socket)
    pdf = voucher_pdf(doc, 80)
    # media: the receipt's own size, by default
    result = printer.print_pdf(pdf, title=f"{doc.title} {doc.number}")
    assert result.job_id and result.job_id.startswith(private_cups.queue + "-")
    private_cups.wait_idle()
    printed = private_cups.newest_pdf()

    # The media asked for is the receipt's own size: no A4 page, no blank paper fed.
    ours = page_sizes_mm(pdf, tmp_path)
    assert [(round(w), round(h)) for w, h in page_sizes_mm(printed, tmp_path)] == [
        (round(w), round(h)) for w, h in ours]

    text = pdf_text(printed, tmp_path)
    flat = squash(text)
    assert "BE-KIN-2026-000123" in text
    assert "1 500,00 USD" in text and "12 345,50 USD" in text
    assert "Mille cinq cents dollars américains" in flat
    for phrase in ("BON D'ENTRÉE CAISSE", "« Espoir »", "Françoise", "d’épargne", "«tontine»",
                   "Exemplaire client", "Exemplaire caisse"):
        assert phrase in flat, phrase
    assert tr("DUPLICATE") in text

    png = render_png(printed, tmp_path, f"voucher-80mm-through-cups-{via}")
    assert png.exists()
    assert 0.01 < ink_ratio(png) < 0.5


def test_missing_queue_is_a_clear_error(private_cups, make_voucher):
    printer = CupsPrinter("MISSING", server=private_cups.socket)
    with pytest.raises(PrintError) as info:
        printer.print_pdf(voucher_pdf(make_voucher()), title="x")
    assert str(info.value) == ("The printer queue MISSING does not exist; check the printer in "
                               "the workstation settings.")


def test_settings_check_tells_a_missing_queue_from_a_real_one(private_cups):
    CupsPrinter(private_cups.queue, server=private_cups.socket).check()
    with pytest.raises(PrintError, match="MISSING does not exist"):
        CupsPrinter("MISSING", server=private_cups.socket).check()


def test_scheduler_not_running_is_a_clear_error(tmp_path, make_voucher):
    need("lp", "lpstat")
    printer = CupsPrinter("ANY", server=str(tmp_path / "no-cupsd.sock"))
    with pytest.raises(PrintError, match=r"print server \(CUPS\) is not running"):
        printer.print_pdf(voucher_pdf(make_voucher()), title="x")


def test_a_job_the_printer_cannot_print_is_reported_failed_not_sent(private_cups,
                                                                     make_voucher,
                                                                     monkeypatch):
    """lp takes the job, then the printer's backend cannot reach the device: the job
    stays in the queue with the printer's reason. That is said as a failure (never
    "sent"), and the job is cancelled so that a reprint is not printed twice."""
    from mifin_tui import config
    from mifin_tui.output.printing import _send

    broken = private_cups.queue + "X"
    private_cups.run("lpadmin", "-p", broken, "-v", "serial:/dev/mifin-no-such-port", "-E",
                     "-m", cups.GENERIC_PDF_PPD)
    printer = CupsPrinter(broken, server=private_cups.socket)
    with pytest.raises(PrintError) as info:
        printer.print_pdf(voucher_pdf(make_voucher()), title="BE-1")
    message = str(info.value)
    assert message.startswith(f"The printer {broken} did not print job {broken}-")
    assert "Unable to open serial port" in message and "cancelled" in message
    assert not private_cups.run("lpstat", "-o", broken, check=False).stdout.strip()
    # the screens' outcome: a failure, with the reason, and nothing "sent"
    monkeypatch.setenv("CUPS_SERVER", private_cups.socket)
    cfg = config.PrinterConfig(kind="cups", target=broken)
    outcome = _send(voucher_pdf(make_voucher()), "BE-2", cfg)
    assert not outcome.ok and "did not print" in outcome.message
    assert "Sent" not in outcome.message


def test_a_healthy_queue_says_printed_or_printing(private_cups, make_voucher):
    printer = CupsPrinter(private_cups.queue, server=private_cups.socket)
    result = printer.print_pdf(voucher_pdf(make_voucher()), title="BE-3")
    assert result.message.startswith(("Printed on", "Printing on")), result.message
