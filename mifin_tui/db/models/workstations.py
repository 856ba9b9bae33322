"""The branch's workstations: a desk, how its sessions are recognised, its printers."""

from __future__ import annotations

import peewee as pw

from mifin_tui.db.models.base import BaseModel


class Workstation(BaseModel):
    """A desk. Its sessions are found by `name` (the MIFIN_WORKSTATION its SSH client
    sends) or by `address` (the client's IP address); its printers serve every user
    working there."""

    name = pw.CharField(max_length=32, unique=True)  # upper case, e.g. GUICHET-1
    address = pw.CharField(max_length=64, null=True, unique=True)  # canonical IP text
    location = pw.CharField(max_length=80, default="")  # where it stands, for the admin
    receipt_kind = pw.CharField(max_length=16)  # cups | folder | ask | terminal
    receipt_target = pw.CharField(max_length=200, default="")
    paper_mm = pw.IntegerField(default=80)
    document_kind = pw.CharField(max_length=16)  # cups | folder | ask
    document_target = pw.CharField(max_length=200, default="")
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField()
    updated_at = pw.DateTimeField()
