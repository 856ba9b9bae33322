"""The base of every model and the ids that survive merging branches' databases."""

from __future__ import annotations

import uuid

import peewee as pw

from mifin_tui.db.connection import database


def new_uid() -> str:
    """An id that stays unique when branches' databases are merged at head office."""
    return uuid.uuid4().hex


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False
