"""The audit log: who did what and when, newest first, with a search."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.screens.common.paged_search import PagedSearchMixin
from mifin_tui.services.kernel import audit
from mifin_tui.services.kernel.audit import AuditRow
from mifin_tui.widgets import PagedTable
from mifin_tui.widgets.formatting import fmt_date, fmt_timestamp


class AuditLogScreen(PagedSearchMixin, MifinScreen):
    TITLE_MSGID = N_("Audit log")
    AUTO_FOCUS = "#rows"
    BINDINGS = [
        Binding("f2,ctrl+f", "search", N_("Search"), id="audit.search"),
        Binding("f5", "refresh", N_("Refresh"), id="audit.refresh"),
    ]

    def compose_body(self) -> ComposeResult:
        yield self.search_row(_("user, action, account, voucher..."))
        yield PagedTable(
            id="rows",
            columns=[(N_("No."), 6), (N_("When"), 19), (N_("User"), 10), (N_("Action"), 18),
                     (N_("Subject"), 11)],
            fetch=lambda after, limit: audit.list_rows(
                self.ctx, before_seq=after, limit=limit, search=self.search_text),
            key=lambda row: row.seq,
            cells=lambda row: ((str(row.seq), "right"), fmt_timestamp(row.at), row.username,
                               row.action, row.entity_id),
        )
        yield Static("", id="detail", classes="detail", markup=False)

    def show_detail(self) -> None:
        row: AuditRow | None = self.query_one(PagedTable).current
        detail = self.query_one("#detail", Static)
        if row is None:
            detail.update(_("No audit row matches.") if self.search_text
                          else _("The audit log is empty."))
            return
        day = fmt_date(date.fromisoformat(row.business_date)) if row.business_date else "-"
        parts = [_("Row {seq}: {action} on {entity} {id}, business date {date}, "
                   "branch {branch}.").format(seq=row.seq, action=row.action, entity=row.entity,
                                              id=row.entity_id, date=day,
                                              branch=row.branch_code or "-")]
        if row.before:
            parts.append(_("Before: {data}").format(data=row.before))
        if row.after:
            parts.append(_("After: {data}").format(data=row.after))
        detail.update(" ".join(parts))
