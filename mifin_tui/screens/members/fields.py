"""The fields of the fiche d'adhésion, shared by the adhésion and the correction screens.

Each field's widget id is the name the members service uses, so a ValidationError shows
at its field. Rows of a natural person and of a legal person show by the kind chosen.
Dates are typed DD/MM/YYYY (the service reads them and says what is wrong).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Select, Static

from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.members import register as members
from mifin_tui.widgets import FieldError, FormSelect, TextField
from mifin_tui.widgets.formatting import fmt_date

# (field, label msgid, placeholder msgid, which kind: "" both, "person", "legal")
ROWS = (
    ("surname", N_("Surname (nom)"), "", "person"),
    ("postname", N_("Post-name"), "", "person"),
    ("first_name", N_("First name"), "", "person"),
    ("sex", N_("Sex (H/F)"), N_("H or F"), "person"),
    ("birth_date", N_("Birth date"), N_("DD/MM/YYYY"), "person"),
    ("birth_place", N_("Birth place"), "", "person"),
    ("civil_status", N_("Civil status"), N_("e.g. Married"), "person"),
    ("profession", N_("Profession"), N_("activity, trade"), "person"),
    ("legal_name", N_("Name (legal)"), N_("raison sociale"), "legal"),
    ("legal_form", N_("Legal form"), N_("ASBL, GIE, coopérative..."), "legal"),
    ("registration", N_("Registration"), N_("RCCM, F92, ..."), "legal"),
    ("representative_name", N_("Representative"), N_("member number or name"), "legal"),
    ("representative_phone", N_("Repr. phone"), "", "legal"),
    ("address", N_("Address"), N_("no., avenue, quartier"), ""),
    ("commune", N_("Commune"), "", ""),
    ("city", N_("City"), "", ""),
    ("province", N_("Province"), "", ""),
    ("phone", N_("Phone"), N_("e.g. +243 81 234 5678"), ""),
    ("id_type", N_("ID document"), N_("e.g. voter's card"), "person"),
    ("id_number", N_("ID number"), "", "person"),
    ("id_issued_at", N_("ID issued at"), "", "person"),
    ("id_issued_on", N_("ID issued on"), N_("DD/MM/YYYY"), "person"),
    ("category", N_("Category"), "", ""),
    ("zone", N_("Zone"), "", ""),
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return fmt_date(value)
    return str(value)


class MemberFieldsMixin:
    """For a FormMixin screen: `compose_member_fields(values)` and `member_values()`."""

    ctx: Any

    def compose_member_fields(self, values: Mapping[str, Any] | None = None,
                              *, kind_fixed: bool = False) -> ComposeResult:
        values = values or {}
        kind = values.get("kind", "person")
        with Horizontal(classes="row"):
            yield Label(_("Kind"), markup=False)
            yield FormSelect([(_(label), key) for key, label in members.KINDS.items()],
                             id="kind", value=kind, allow_blank=False, disabled=kind_fixed)
        yield FieldError(id="error-kind", classes="row-error")
        with Horizontal(classes="row"):
            yield Label(_("Status"), markup=False)
            yield FormSelect([(_(members.STATUSES[k]), k) for k in ("member", "founder",
                                                                     "client")],
                             id="status", value=values.get("status") or "member",
                             allow_blank=False)
        yield FieldError(id="error-status", classes="row-error")
        for name, label, placeholder, only in ROWS:
            classes = "row" + (f" only-{only}" if only else "")
            with Horizontal(classes=classes):
                yield Label(_(label), markup=False)
                yield TextField(_text(values.get(name)), id=name, max_length=120,
                                placeholder=_(placeholder) if placeholder else "")
            yield FieldError(id=f"error-{name}",
                             classes="row-error" + (f" only-{only}" if only else ""))
        try:
            officers = members.officers(self.ctx)
        except MifinError:
            officers = []
        with Horizontal(classes="row"):
            yield Label(_("Officer"), markup=False)
            yield FormSelect([(name, uid) for uid, name in officers], id="officer_id",
                             value=values.get("officer_id") or Select.NULL,
                             prompt=_("(none)"))
        yield FieldError(id="error-officer_id", classes="row-error")
        yield Static("", id="kind-hint", classes="hint", markup=False)

    def on_mount_member_fields(self) -> None:
        self.show_kind()

    @property
    def member_kind(self) -> str:
        return str(self.query_one("#kind", Select).value)  # type: ignore[attr-defined]

    def show_kind(self) -> None:
        kind = self.member_kind
        other = "legal" if kind == "person" else "person"
        for widget in self.query(f".only-{kind}"):  # type: ignore[attr-defined]
            widget.display = True
        for widget in self.query(f".only-{other}"):  # type: ignore[attr-defined]
            widget.display = False

    def on_select_changed(self, event: Select.Changed) -> None:
        # (a plain method, not @on: the mixin is no MessagePump, its @on would be lost)
        if event.select.id == "kind":
            self.show_kind()

    def member_values(self) -> dict[str, Any]:
        """The fields as typed, for the service (it checks and tidies them)."""
        status = self.query_one("#status", Select).value  # type: ignore[attr-defined]
        out: dict[str, Any] = {"kind": self.member_kind, "status": str(status)}
        for name, *_rest in ROWS:
            out[name] = self.query_one(f"#{name}", TextField).value  # type: ignore[attr-defined]
        officer = self.query_one("#officer_id", Select).value  # type: ignore[attr-defined]
        out["officer_id"] = None if officer is Select.NULL else officer
        # A representative typed as a member number is that member.
        rep = out["representative_name"].strip()
        out["representative_id"] = None
        if out["kind"] == "legal" and rep and "-" in rep and " " not in rep:
            try:
                out["representative_id"] = members.by_number(self.ctx, rep).id
                out["representative_name"] = ""
            except MifinError:
                pass
        return out
