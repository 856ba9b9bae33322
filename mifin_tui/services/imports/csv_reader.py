"""What the CSV imports (members, payments) share: the file read as a spreadsheet or a
bank's export writes it, and its columns found by their English or French headers.

A header is compared folded (`members.compact`: no case, accents or separators) with the
aliases of each field; the first column of a field wins, and a header of no field is
reported as ignored, never guessed.
"""

from __future__ import annotations

import csv
import io
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mifin_tui.i18n import _
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.members import register as members

# A member register of 50,000 rows is about 10 MB, a bank's month of payments less: a
# larger file is a mistake (a database, a video, a device) and is not read into memory.
MAX_IMPORT_BYTES = 50 * 1024 * 1024

# field -> (headers accepted, folded without separators; what the column holds)
Columns = Mapping[str, tuple[tuple[str, ...], str]]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_file(path: str | Path, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; MifinError for anything else
    (a folder, /dev/zero, a pipe: never read, never waited on)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise MifinError(_("Cannot read {path}: {error}.").format(
            path=path, error=exc.strerror or exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise MifinError(_("{path} is not a file.").format(path=path))
    if st.st_size > limit:
        raise MifinError(_("{path} is too large to import ({size} MB; at most {limit} MB).")
                         .format(path=path, size=st.st_size // 2**20, limit=limit // 2**20))
    with path.open("rb") as fh:
        data = fh.read(limit + 1)  # a file that grew since: still bounded
    if len(data) > limit:
        raise MifinError(_("{path} is too large to import (at most {limit} MB).").format(
            path=path, limit=limit // 2**20))
    return data


def read_table(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a CSV file (comma, semicolon or tab; UTF-8 or Excel's cp1252)."""
    text = _decode(read_file(path))
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return [], []
    return [h.strip() for h in rows[0]], rows[1:]


def require_rows(table: Table, path: str | Path) -> None:
    """MifinError for a file with no row under its header (or only blank ones): an
    import of nothing is a mistake to say, not a success to report."""
    if not any(any(cell.strip() for cell in row) for row in table.rows):
        raise MifinError(_("{name}: no rows under the header line, nothing to import.")
                         .format(name=Path(path).name))


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]  # after the header line: row n is line n + 2 of the file
    where: dict[str, int]  # field -> index of its column
    ignored: list[str]  # headers of no field, in the file's order

    def values(self, row: list[str]) -> dict[str, str]:
        """The row's cell of every field found, stripped ("" where the row is short)."""
        return {name: row[i].strip() if i < len(row) else "" for name, i in self.where.items()}


def read_columns(path: str | Path, columns: Columns) -> Table:
    """The file's rows, with where each field of `columns` stands in them."""
    headers, rows = read_table(path)
    by_header = {alias: name for name, (aliases, _h) in columns.items() for alias in aliases}
    where: dict[str, int] = {}
    ignored: list[str] = []
    for i, header in enumerate(headers):
        name = by_header.get(members.compact(header))
        if name is None:
            if header:
                ignored.append(header)
        elif name not in where:
            where[name] = i
    return Table(headers, rows, where, ignored)
