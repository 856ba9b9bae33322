"""StatusLine: who works where, on which business day — one line, repainted only on change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.widgets import Static

from mifin_tui.i18n import _
from mifin_tui.services.kernel.permissions import role_label
from mifin_tui.widgets.formatting import fmt_date


@dataclass(frozen=True)
class StatusInfo:
    institution: str
    branch_code: str
    branch_name: str
    business_date: date | None
    user_full_name: str
    roles: tuple[str, ...]
    till: str | None = None  # the cashier's till, once tills exist (counter issue)


class StatusLine(Static):
    """Institution, branch, business date, user and roles (and a cashier's till)."""

    DEFAULT_CSS = """
    StatusLine {
        dock: top;
        height: 1;
        width: 100%;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $panel;
        color: $foreground;
        text-style: bold;
    }
    """

    def __init__(self, info: StatusInfo | None = None, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.info = info
        self.update(self.describe(info))

    def show(self, info: StatusInfo | None) -> None:
        """Re-render (after login, a language switch, a new business day)."""
        self.info = info
        self.update(self.describe(info))

    @staticmethod
    def describe(info: StatusInfo | None) -> str:
        if info is None:
            return ""
        day = fmt_date(info.business_date) if info.business_date else _("day closed")
        roles = ", ".join(role_label(r) for r in info.roles)
        values = {
            "institution": info.institution, "branch": info.branch_code, "date": day,
            "user": info.user_full_name, "roles": roles, "till": info.till or "",
        }
        if info.till:
            return _("{institution} | {branch} | {date} | {user} ({roles}) | Till {till}").format(
                **values)
        return _("{institution} | {branch} | {date} | {user} ({roles})").format(**values)
