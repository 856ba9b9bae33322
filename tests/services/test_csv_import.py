"""The CSV reading both imports share: delimiters, encodings, headers found by alias."""

from __future__ import annotations

from pathlib import Path

import pytest

from mifin_tui.services.imports.csv_reader import read_columns, read_table

COLUMNS = {
    "surname": (("surname", "nom"), "surname"),
    "first_name": (("firstname", "prenom"), "first name"),
    "amount": (("amount", "montant"), "amount"),
}


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_delimiter_is_the_one_the_header_line_uses(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text(delimiter.join(["Nom", "Prénom"]) + "\nKABILA" + delimiter + " Joseph \n",
                    encoding="utf-8")
    assert read_table(path) == (["Nom", "Prénom"], [["KABILA", " Joseph "]])


def test_excel_cp1252_and_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("Nom;Prénom\nMBUYI;Thérèse\n".encode("cp1252"))
    assert read_table(path)[1] == [["MBUYI", "Thérèse"]]
    path.write_bytes("\ufeffNom;Prénom\n".encode())
    assert read_table(path) == (["Nom", "Prénom"], [])


def test_an_empty_file_has_no_headers_and_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"")
    table = read_columns(path, COLUMNS)
    assert (table.headers, table.rows, table.where, table.ignored) == ([], [], {}, [])


def test_headers_are_found_folded_the_first_column_wins_others_are_ignored(tmp_path: Path
                                                                          ) -> None:
    path = tmp_path / "f.csv"
    path.write_text("PRÉNOM;Remarque;nom;;Nom;Montant\n"
                    " Joseph ;x;KABILA;;OTHER\n", encoding="utf-8")
    table = read_columns(path, COLUMNS)
    assert table.where == {"first_name": 0, "surname": 2, "amount": 5}
    assert table.ignored == ["Remarque"]  # an empty header is not reported
    # Cells stripped; a row shorter than the header gives "" for the missing fields.
    assert table.values(table.rows[0]) == {"first_name": "Joseph", "surname": "KABILA",
                                           "amount": ""}
