"""The member list: every member in name order, read a page at a time as the cursor
goes down (200,000 members open as fast as 200), a search box, Enter opens the card."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui import menu
from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.screens.common.paged_search import PagedSearchMixin
from mifin_tui.services.members import listing as member_list
from mifin_tui.services.members import register as members
from mifin_tui.services.members.listing import MemberLine
from mifin_tui.widgets import PagedTable
from mifin_tui.widgets.formatting import fmt_date


class MemberListScreen(PagedSearchMixin, MifinScreen):
    TITLE_MSGID = N_("Member list")
    AUTO_FOCUS = "#members"
    BINDINGS = [
        Binding("f2,ctrl+f", "search", N_("Search"), id="members.search"),
        Binding("f5", "refresh", N_("Refresh"), id="members.refresh"),
        Binding("enter", "open_card", N_("Card"), id="members.card"),
    ]

    def compose_body(self) -> ComposeResult:
        yield self.search_row(_("name, member no., phone, ID..."))
        yield PagedTable(
            id="members",
            columns=[(N_("Member no."), 11), (N_("Name"), 30), (N_("Phone"), 14),
                     (N_("Joined"), 10), (N_("Status"), 8)],
            fetch=self.fetch,
            key=lambda line: line.key,
            cells=lambda line: (line.member.number, line.member.display_name,
                                line.member.phone, fmt_date(line.member.joined_on),
                                _(members.STATUSES.get(line.member.status,
                                                       line.member.status))),
            page_size=member_list.PAGE_SIZE,
        )
        yield Static("", id="members-summary", classes="summary", markup=False)

    def fetch(self, after, limit: int) -> list[MemberLine]:
        if self.search_text:
            # A search shows its best matches at once: one page, no more to load.
            return [] if after is not None else member_list.search(
                self.ctx, self.search_text, size=limit)
        return member_list.page(self.ctx, after=after, size=limit)

    def show_detail(self) -> None:
        table = self.query_one(PagedTable)
        summary = self.query_one("#members-summary", Static)
        if not table.records:
            summary.update(_("No member matches.") if self.search_text
                           else _("The register holds no member."))
        elif self.search_text:
            summary.update(ngettext("{n} member matches.",
                                    "{n} members match (the best first).",
                                    len(table.records)).format(n=len(table.records)))
        else:
            summary.update(_("Member {row} of the {n} shown; more load as you go down.")
                           .format(row=table.cursor_row + 1, n=len(table.records))
                           if not table.exhausted else
                           _("Member {row} of {n}.").format(row=table.cursor_row + 1,
                                                            n=len(table.records)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # Enter on a row (the table's own binding)
        self.action_open_card()

    def action_open_card(self) -> None:
        line: MemberLine | None = self.query_one(PagedTable).current
        entry = menu.get("member_card")
        if line is None or entry is None or not entry.allowed(self.ctx):
            return
        self.app.push_screen(entry.build(self.ctx, member_id=line.member.id))
