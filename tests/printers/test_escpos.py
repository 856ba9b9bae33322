"""Vouchers as ESC/POS text for the terminal's printer (#23): what a 58 or 80 mm thermal
printer gets, byte for byte, and the pass-through that carries it."""

from __future__ import annotations

import re

import pytest

from mifin_tui.services.kernel.documents import AmountLine
from printers.backends import PrintError, TerminalPrinter, pass_through, printer_from_settings
from printers.escpos import CUT, INIT, encode, voucher_escpos, voucher_lines, wrap

COMMANDS = re.compile(rb"\x1b@|\x1b[taE!].|\x1dV..", re.DOTALL)


def printed_lines(data: bytes, codec: str = "cp850") -> list[str]:
    return [COMMANDS.sub(b"", line).decode(codec) for line in data.split(b"\n")]


@pytest.mark.parametrize("paper_mm,width", [(58, 32), (80, 48)])
def test_every_copy_is_initialised_printed_within_the_roll_and_cut(make_voucher, paper_mm,
                                                                     width):
    doc = make_voucher()
    data = voucher_escpos(doc, paper_mm)
    copies = data.split(CUT)
    assert copies[-1] == b"" and len(copies) == 3  # two copies, each ends on its cut
    for copy, label in zip(copies[:2], doc.copies, strict=True):
        assert copy.startswith(INIT + b"\x1bt\x02")
        text = " ".join(" ".join(printed_lines(copy)).split())
        assert label in text
        assert "Françoise Mbuyi" in text and "KIN-EP-0001234" in text
        assert "1 500,00 USD" in text  # the French group mark printed as a space
        assert "Mille cinq cents dollars américains" in text
        assert "12 345,50 USD" in text
        # the amount in figures: bold and double height
        assert re.search(rb"\x1bE\x01\x1b!\x10 *1 500,00 USD\x1b!\x00\x1bE\x00\n", copy)
    lines = printed_lines(data)
    assert max(map(len, lines)) == width  # the rules span the roll, nothing goes past it


def test_accents_print_in_the_code_page_and_what_it_lacks_prints_plain(make_voucher):
    doc = make_voucher(party_name="Aïssatou Ndiaye\x1b@",
                       purpose="Dépôt « tontine » – ½ — “x” ≠ €")
    data = voucher_escpos(doc, 80)
    assert "Aïssatou".encode("cp850") in data
    text = " ".join(" ".join(printed_lines(data)).split())
    assert 'Dépôt « tontine » - ½ - "x" = ?' in text  # ≠ without its stroke, € unknown
    assert data.count(INIT) == 2  # the ESC of the name became a space: no command
    euro = voucher_escpos(doc, 80, codec="cp858")
    assert b"\x1bt\x13" in euro and "€".encode("cp858") in euro
    assert encode("Gérant") == b"G\x82rant"


def test_a_duplicate_a_breakdown_and_a_loans_remaining_figures(make_voucher):
    doc = make_voucher(duplicate=True, balance_after=None, reversal_of="BR-KIN-2026-000007",
                       breakdown=(AmountLine("Intérêts", 2500), AmountLine("Capital", 12500)),
                       remaining=(AmountLine("Capital restant dû", 87500),))
    lines = voucher_lines(doc, "Exemplaire client", 32)
    texts = [text for text, _style in lines]
    assert ("*** DUPLICATA ***".center(32).rstrip(), "tall") in lines
    assert any("BR-KIN-2026-000007" in t for t in texts)
    assert any(t.startswith("Intérêts") and t.endswith("25,00 USD") for t in texts)
    assert any(t.endswith("875,00 USD") for t in texts)
    assert all(len(t) <= 32 for t in texts)


def test_long_words_are_cut_and_nothing_is_lost():
    assert wrap("KIN-EP-000000000000123456789012345678", 16) == [
        "KIN-EP-000000000", "0001234567890123", "45678"]
    assert wrap("", 10) == [""]
    assert wrap("un deux trois", 8) == ["un deux", "trois"]


def test_the_terminal_printer_frames_the_bytes_and_says_what_it_cannot_do():
    sent: list[bytes] = []
    printer = printer_from_settings("terminal", "", terminal=sent.append)
    result = printer.print_raw(b"\x1b@abc\n\x1dVB\x00")
    assert sent == [b"\x1b[5i\x1b@abc\n\x1dVB\x00\x1b[4i"]
    assert result.kind == "terminal" and "terminal" in result.message
    with pytest.raises(PrintError, match="no terminal"):
        TerminalPrinter(None).print_raw(b"abc")
    with pytest.raises(PrintError, match="receipts only"):
        printer.print_pdf(b"%PDF-1.4 ...", title="A4")
    with pytest.raises(ValueError):
        pass_through(b"abc\x1b[4idef")

    def broken(data: bytes) -> None:
        raise RuntimeError("App is not running")

    with pytest.raises(PrintError, match="App is not running"):
        TerminalPrinter(broken).print_raw(b"abc")


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_the_slip_carries_its_verification_code_and_the_printers_qr_code(make_voucher,
                                                                         paper_mm):
    """#22 on the terminal's printer too: the code in letters (cut at a dash on 58 mm, as
    the PDF slip does) and the printer's own QR code of it (GS ( k, model 2)."""
    code = "KIN-BE-000123-20261123-150000-ERNA4FE48"
    data = voucher_escpos(make_voucher(receipt_code=code), paper_mm)
    for copy in data.split(CUT)[:2]:
        store = b"\x1d(k" + bytes([len(code) + 3, 0, 49, 80, 48]) + code.encode()
        assert store in copy
        assert copy.index(store) < copy.index(b"\x1d(k\x03\x001Q0")  # stored, then printed
        text = "".join(printed_lines(copy.split(b"\x1d(k")[0]))
        assert code in "".join(text.split())
    assert b"\x1d(k" not in voucher_escpos(make_voucher(), paper_mm)
