"""Public holidays (administrator): the days the branch is closed. Due dates falling on
one move to the next working day, and the nightly closing never opens one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _, ngettext
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.services.kernel import calendar
from mifin_tui.services.kernel.calendar import HolidayView
from mifin_tui.services.kernel.context import Context
from mifin_tui.widgets import DateInput, FieldError, TextField
from mifin_tui.widgets.formatting import fmt_date

WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday"))


class HolidaysScreen(MifinScreen):
    TITLE_MSGID = N_("Public holidays")
    AUTO_FOCUS = "#holidays"
    BINDINGS = [Binding("f2,ctrl+n", "add", N_("Add"), id="holidays.add"),
                Binding("f8,delete", "remove", N_("Remove"), id="holidays.remove")]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.holidays: list[HolidayView] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="holidays", cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#holidays", DataTable)
        table.add_column(_("Date"), width=10)
        table.add_column(_("Day"), width=10)
        table.add_column(_("Holiday"), width=50)
        self.reload()

    def reload(self, select=None) -> None:  # noqa: ANN001 - a date or None
        self.holidays = calendar.list_holidays()
        table = self.query_one("#holidays", DataTable)
        table.clear()
        for h in self.holidays:
            table.add_row(Text(fmt_date(h.date)), Text(_(WEEKDAYS[h.date.weekday()])),
                          Text(h.label, no_wrap=True, overflow="ellipsis"),
                          key=h.date.isoformat())
        if select is not None:
            row = next((i for i, h in enumerate(self.holidays) if h.date == select), 0)
            table.move_cursor(row=row)
        self.query_one("#detail", Static).update(
            ngettext("{count} holiday. F2 adds one, F8 removes the one under the cursor.",
                     "{count} holidays. F2 adds one, F8 removes the one under the cursor.",
                     len(self.holidays)).format(count=len(self.holidays)) if self.holidays else
            _("No holiday yet: press F2 to add one."))

    @property
    def current(self) -> HolidayView | None:
        table = self.query_one("#holidays", DataTable)
        if not self.holidays or not 0 <= table.cursor_row < len(self.holidays):
            return None
        return self.holidays[table.cursor_row]

    def action_add(self) -> None:
        def added(day) -> None:  # noqa: ANN001
            if day is not None:
                self.reload(select=day)

        self.app.push_screen(AddHolidayScreen(self.ctx), callback=added)

    def action_remove(self) -> None:
        holiday = self.current
        if holiday is None:
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                try:
                    calendar.remove_holiday(self.ctx, holiday.date)
                except Exception as exc:  # noqa: BLE001 - a refusal is shown, not raised
                    self.notify(str(exc), severity="error")
                self.reload()

        self.app.push_screen(ConfirmDialog(
            _("Remove a holiday"),
            [_("{date}: {label}").format(date=fmt_date(holiday.date), label=holiday.label),
             _("Due dates will fall on this day again.")]), callback=confirmed)


class AddHolidayScreen(FormMixin, MifinScreen):
    """Dismissed with the new holiday's date, or None."""

    TITLE_MSGID = N_("Add a holiday")
    AUTO_FOCUS = "#day Input"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="holiday_form.save")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield from self.field_row(_("Date"), DateInput(id="day"), "day")
            yield from self.field_row(_("Holiday"), TextField(
                id="label", max_length=80, classes="submit-on-enter"), "label")
            yield FieldError(id="error-form")

    def action_submit(self) -> None:
        self.clear_errors()
        field = self.query_one("#day", DateInput)
        field.check()
        if field.value_date is None:
            if not field.error_message:
                field.set_error(_("Write the date as dd/mm/yyyy, e.g. 24/11/2026."))
            field.focus()
            return
        label = self.query_one("#label", TextField).value
        ok, holiday = self.call_service(calendar.add_holiday, self.ctx, field.value_date,
                                        label)
        if ok:
            self.dismiss(holiday.date)
