"""The branch's workstations: which desk a session sits at, and that desk's printers.

Printer settings of a Unix account (mifin_tui.config) serve every session of that
account: over SSH every remote cashier logs in as the same account, so without this
table every receipt prints on one printer. A workstation names a desk, how its sessions
are recognised and its two printers:

- by name: the `MIFIN_WORKSTATION` variable the client sends (`SendEnv` in the cashier's
  ssh_config, `AcceptEnv` in the server's, written by `mifin ssh-setup`); set by hand on
  a local machine too;
- by address: the SSH client's IP address (the first field of SSH_CONNECTION/SSH_CLIENT).

`for_session(environ)` finds the desk: by name first, then by address; None leaves the
account's settings in force. The name is what the client says it is: it chooses where a
slip prints, nothing more (no permission follows it).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Workstation
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires

__all__ = [
    "DOCUMENT_KINDS",
    "NAME_VARIABLE",
    "PAPER_WIDTHS",
    "RECEIPT_KINDS",
    "SessionIdentity",
    "WorkstationDraft",
    "WorkstationView",
    "add_workstation",
    "for_session",
    "list_workstations",
    "normalize_address",
    "remove_workstation",
    "resolve",
    "session_identity",
    "update_workstation",
]

NAME_VARIABLE = "MIFIN_WORKSTATION"
# The terminal's pass-through carries ESC/POS text for a roll: receipts only.
RECEIPT_KINDS = ("cups", "folder", "ask", "terminal")
DOCUMENT_KINDS = ("cups", "folder", "ask")
PAPER_WIDTHS = (58, 80)
_NAME = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")


@dataclass(frozen=True)
class WorkstationDraft:
    """What the administrator types for a workstation."""

    name: str
    address: str = ""
    location: str = ""
    receipt_kind: str = "cups"
    receipt_target: str = ""
    paper_mm: int = 80
    document_kind: str = "cups"
    document_target: str = ""
    active: bool = True


@dataclass(frozen=True)
class WorkstationView:
    id: int
    name: str
    address: str  # "" when found by name only
    location: str
    receipt_kind: str
    receipt_target: str
    paper_mm: int
    document_kind: str
    document_target: str
    active: bool


@dataclass(frozen=True)
class SessionIdentity:
    """How this session may be recognised: the name its client sent, its address."""

    name: str = ""
    address: str = ""


def _view(row: Workstation) -> WorkstationView:
    return WorkstationView(row.id, row.name, row.address or "", row.location,
                           row.receipt_kind, row.receipt_target, row.paper_mm,
                           row.document_kind, row.document_target, bool(row.active))


def normalize_name(text: str) -> str:
    return text.strip().upper()


def normalize_address(text: str) -> str:
    """The canonical text of an IP address ("10.0.3.21", "fe80::1"); an IPv4 address in
    its IPv6-mapped form ("::ffff:10.0.3.21", as sshd may report it) as IPv4. Raises
    ValueError when `text` is no address."""
    address = ipaddress.ip_address(text.strip().split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def session_identity(environ: Mapping[str, str]) -> SessionIdentity:
    """This session's workstation name and SSH client address, from its environment
    ("" for what it does not say, or says in a form that matches no workstation)."""
    name = normalize_name(environ.get(NAME_VARIABLE, ""))
    if not _NAME.match(name):
        name = ""
    address = ""
    for variable in ("SSH_CONNECTION", "SSH_CLIENT"):
        fields = environ.get(variable, "").split()
        if fields:
            try:
                address = normalize_address(fields[0])
            except ValueError:
                continue
            break
    return SessionIdentity(name, address)


def resolve(identity: SessionIdentity) -> WorkstationView | None:
    """The active workstation with the session's name, else the one at its address."""
    if identity.name:
        row = Workstation.get_or_none((Workstation.name == identity.name)
                                      & (Workstation.active == True))  # noqa: E712
        if row is not None:
            return _view(row)
    if identity.address:
        row = Workstation.get_or_none((Workstation.address == identity.address)
                                      & (Workstation.active == True))  # noqa: E712
        if row is not None:
            return _view(row)
    return None


def for_session(environ: Mapping[str, str]) -> WorkstationView | None:
    """The workstation of the session whose environment is `environ`, or None."""
    return resolve(session_identity(environ))


def list_workstations() -> list[WorkstationView]:
    return [_view(row) for row in Workstation.select().order_by(Workstation.name)]


def _checked(draft: WorkstationDraft) -> WorkstationDraft:
    """The draft in canonical form, or ValidationError naming each wrong field."""
    errors: dict[str, str] = {}
    name = normalize_name(draft.name)
    if not name:
        errors["name"] = _("Required.")
    elif not _NAME.match(name):
        errors["name"] = _("Letters, digits, dot, dash and underscore, up to 32, e.g. "
                           "GUICHET-1.")
    address = ""
    if draft.address.strip():
        try:
            address = normalize_address(draft.address)
        except ValueError:
            errors["address"] = _("An IP address, e.g. 10.0.3.21 (or leave it empty).")
    if draft.receipt_kind not in RECEIPT_KINDS:
        errors["receipt_kind"] = _("One of {kinds}.").format(kinds=", ".join(RECEIPT_KINDS))
    elif draft.receipt_kind == "cups" and not draft.receipt_target.strip():
        errors["receipt_target"] = _("The CUPS queue name is required.")
    if draft.paper_mm not in PAPER_WIDTHS:
        errors["paper_mm"] = _("58 or 80.")
    if draft.document_kind not in DOCUMENT_KINDS:
        errors["document_kind"] = _("A printer queue, a folder or ask: the terminal's "
                                    "printer takes receipts only.")
    elif draft.document_kind == "cups" and not draft.document_target.strip():
        errors["document_target"] = _("The CUPS queue name is required.")
    if errors:
        raise ValidationError(errors)
    target = {"terminal": ""}  # the terminal has no queue or folder
    return WorkstationDraft(
        name=name, address=address, location=" ".join(draft.location.split()),
        receipt_kind=draft.receipt_kind,
        receipt_target=target.get(draft.receipt_kind, draft.receipt_target.strip()),
        paper_mm=draft.paper_mm, document_kind=draft.document_kind,
        document_target=draft.document_target.strip(), active=bool(draft.active))


def _check_unique(draft: WorkstationDraft, exclude: int | None) -> None:
    query = Workstation.select()
    if exclude is not None:
        query = query.where(Workstation.id != exclude)
    if query.where(Workstation.name == draft.name).exists():
        raise ValidationError({"name": _("A workstation {name} exists already.").format(
            name=draft.name)})
    if draft.address and query.where(Workstation.address == draft.address).exists():
        other = query.where(Workstation.address == draft.address).get()
        raise ValidationError({"address": _("The workstation {name} has this address "
                                            "already.").format(name=other.name)})


@requires("settings.manage")
def add_workstation(ctx: Context, draft: WorkstationDraft) -> WorkstationView:
    draft = _checked(draft)
    with write_transaction():
        _check_unique(draft, None)
        now = clock.now()
        row = Workstation.create(**{**asdict(draft), "address": draft.address or None},
                                 created_at=now, updated_at=now)
        audit.record(ctx, "workstation.add", "workstation", draft.name,
                     after=asdict(draft))
    return _view(row)


@requires("settings.manage")
def update_workstation(ctx: Context, workstation_id: int,
                       draft: WorkstationDraft) -> WorkstationView:
    draft = _checked(draft)
    with write_transaction():
        row = Workstation.get_or_none(Workstation.id == workstation_id)
        if row is None:
            raise NotFound(_("This workstation no longer exists."))
        before = _view(row)
        _check_unique(draft, workstation_id)
        for field, value in asdict(draft).items():
            setattr(row, field, value)
        row.address = draft.address or None
        row.updated_at = clock.now()
        row.save()
        audit.record(ctx, "workstation.update", "workstation", draft.name,
                     before={k: v for k, v in asdict(before).items() if k != "id"},
                     after=asdict(draft))
    return _view(row)


@requires("settings.manage")
def remove_workstation(ctx: Context, workstation_id: int) -> None:
    """Forget a workstation: its sessions print with the account's settings again.
    Nothing refers to it (vouchers keep no printer), so it may go."""
    with write_transaction():
        row = Workstation.get_or_none(Workstation.id == workstation_id)
        if row is None:
            raise NotFound(_("This workstation no longer exists."))
        before = _view(row)
        audit.record(ctx, "workstation.remove", "workstation", row.name,
                     before={k: v for k, v in asdict(before).items() if k != "id"})
        row.delete_instance()
