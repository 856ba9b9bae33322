"""Workstation settings: validated, with environment overrides, saved atomically."""

from __future__ import annotations

import pytest

from mifin_tui import config


def test_defaults_without_a_file(tmp_path):
    ws = config.load(tmp_path / "none.toml")
    assert ws.receipt_printer.kind == "folder" and ws.receipt_printer.paper_mm == 80
    assert ws.receipt_printer.resolved_target().endswith("prints")


def test_round_trip(tmp_path):
    path = tmp_path / "w.toml"
    ws = config.Workstation(
        receipt_printer=config.PrinterConfig("cups", 'TM "T20"', 58),
        document_printer=config.PrinterConfig("folder", str(tmp_path / "pdf"), 80),
        theme="high-contrast")
    config.save(ws, path)
    assert config.load(path) == ws


@pytest.mark.parametrize("text, words", [
    ('[receipt_printer]\nkind = "laser"\n', "kind"),
    ('[receipt_printer]\nkind = "cups"\n', "CUPS queue"),
    ('[receipt_printer]\npaper_mm = 70\n', "58 or 80"),
    ('[receipt_printer]\ncolour = 1\n', "unknown key colour"),
    ('[printers]\n', "unknown section"),
    ('[display]\ntheme = "pink"\n', "theme"),
    ('not toml at all [', "w.toml"),
])
def test_bad_files_name_the_key(tmp_path, text, words):
    path = tmp_path / "w.toml"
    path.write_text(text)
    with pytest.raises(config.ConfigError, match=words):
        config.load(path)


def test_environment_overrides_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MIFIN_RECEIPT_PRINTER", "cups:COUNTER1")
    ws = config.load(tmp_path / "none.toml")
    assert (ws.receipt_printer.kind, ws.receipt_printer.target) == ("cups", "COUNTER1")
    monkeypatch.setenv("MIFIN_RECEIPT_PRINTER", "cups:")
    with pytest.raises(config.ConfigError):
        config.load(tmp_path / "none.toml")


def test_errors_name_their_field_and_the_file_can_be_read_without_overrides(tmp_path,
                                                                            monkeypatch):
    path = tmp_path / "w.toml"
    path.write_text('[receipt_printer]\nkind = "cups"\n')
    with pytest.raises(config.ConfigError) as err:
        config.load(path)
    assert err.value.field == "receipt_printer.target"
    path.write_text('[receipt_printer]\nkind = "folder"\ntarget = "/x"\n')
    monkeypatch.setenv("MIFIN_RECEIPT_PRINTER", "cups:Q")
    assert config.load(path, environment=False).receipt_printer.kind == "folder"
    assert config.load(path).receipt_printer.kind == "cups"
