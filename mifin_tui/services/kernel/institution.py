"""The institution as every screen, document and command sees it: its name, regulator,
currency, the branch and its business date (the status line, vouchers, reports), and the
operator's context at the server's shell.

`info` and `is_initialized` run at every start-up (the login screen): this module imports
nothing of the set-up (charts, tills, users), which lives in `admin.institution`.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from mifin_tui.db.models import Branch, Institution, User
from mifin_tui.i18n import _
from mifin_tui.services.kernel import business_day
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict
from mifin_tui.services.kernel.permissions import ADMIN, AUDITOR, permissions_for

if TYPE_CHECKING:
    from mifin_tui.services.kernel.regulators import RegulatorProfile


@dataclass(frozen=True)
class InstitutionInfo:
    name: str
    regulator: str
    currency: str
    branch_code: str
    branch_name: str
    business_date: date | None


def is_initialized() -> bool:
    return Institution.select().exists()


def info(branch_id: int | None = None) -> InstitutionInfo:
    inst = Institution.select().first()
    branch = Branch.get_by_id(branch_id) if branch_id else Branch.select().first()
    return InstitutionInfo(inst.name, inst.regulator, inst.currency, branch.code, branch.name,
                           business_day.open_date(branch.id))


def operator_context() -> Context:
    """The context of the person at the server's shell (`mifin user ...`, `mifin backup`).

    Whoever can open the database file can already do anything to it; acting as
    an administrator named after the OS account keeps the audit honest and lets
    a locked-out institution recover.
    """
    branch = Branch.select().first()
    if branch is None:
        raise Conflict(_("The database holds no institution: run `mifin init` first."))
    try:
        os_user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        os_user = "unknown"
    roles = frozenset({ADMIN, AUDITOR})
    return Context(0, f"os:{os_user}", os_user, roles, branch.id, branch.code, "fr",
                   permissions_for(roles))


def profile_teg_methods() -> tuple[str, ...]:
    """The TEG methods the institution's regulator profile allows."""
    from mifin_tui.services.kernel import regulators

    return tuple(regulators.get_profile(info().regulator).teg_methods_allowed)


def teg_method(profile: RegulatorProfile | None = None) -> str:
    """The TEG method of the institution's loans: the one its settings choose when the
    regulator profile allows it (setting `teg_method`), else the profile's own."""
    from mifin_tui.services.kernel import regulators, settings

    profile = profile or regulators.get_profile(info().regulator)
    chosen = settings.get("teg_method")
    return chosen if chosen in profile.teg_methods_allowed else profile.teg_method


def admin_exists() -> bool:
    return User.select().where(User.active == True).exists()  # noqa: E712
