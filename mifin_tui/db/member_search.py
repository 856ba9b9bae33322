"""The member picker's full-text index (SQLite FTS5, schema 4), behind named functions.

`member_fts` mirrors `member.search_key` through triggers; services hand these functions
folded, alphanumeric tokens and get member ids back. A PostgreSQL head office would
answer the same two functions with a trigram or tsvector index.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mifin_tui.db.connection import database

_TOKEN = re.compile(r"^[0-9a-z]+$")


def match_member_ids(tokens: Sequence[str], limit: int) -> list[int]:
    """Ids of members whose key has a word starting with each token (all of them),
    in id order, at most `limit`. Tokens must be folded letters and digits."""
    clean = [t for t in tokens if _TOKEN.match(t)]
    if not clean:
        return []
    query = " AND ".join(f'"{t}"*' for t in clean)
    rows = database.execute_sql(
        'SELECT rowid FROM "member_fts" WHERE "member_fts" MATCH ? LIMIT ?',
        (query, int(limit)),
    ).fetchall()
    return [int(r[0]) for r in rows]


def rebuild_member_index() -> None:
    """Rebuild the index from every member's key (after a bulk load done without triggers)."""
    database.execute_sql('INSERT INTO "member_fts" ("member_fts") VALUES (\'rebuild\')')
