"""Provision rates (administrator): each arrears class of the regulator profile, the
rate its text fixes with the article, and a field for each rate the text leaves to the
institution (setting loan_provision_rates). The nightly closing refuses to run while
one of those is empty and a loan is late."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.services.kernel import institution, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.widgets import FieldError, TextField


def _percent(bp: int) -> str:
    return f"{bp // 100}" if bp % 100 == 0 else f"{bp // 100}.{bp % 100:02d}".rstrip("0")


def _days(f: settings.RateField) -> str:
    if f.max_days is None:
        return _("{lo}+ days").format(lo=f.min_days)
    return _("{lo}-{hi} days").format(lo=f.min_days, hi=f.max_days)


class ProvisionRatesScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Provision rates")
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="provision_rates.save")]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.fields = settings.provision_rate_fields(institution.info().regulator)
        self.rates = settings.get("loan_provision_rates") or {}

    def compose_body(self) -> ComposeResult:
        asked = [f for f in self.fields if f.asked]
        with VerticalScroll(classes="form"):
            yield Static(_("Percent of the provisioning base, by arrears class. The "
                           "regulator's text fixes some; the others are the "
                           "institution's to set.") if asked else
                         _("The regulator's text fixes every rate."), markup=False)
            for n, f in enumerate(self.fields):
                label = f"{f.label} ({_days(f)})"
                if f.asked:
                    current = self.rates.get(f.key)
                    field = TextField(_percent(current) if current is not None else "",
                                      id=f"rate-{f.key}", max_length=6,
                                      placeholder=_("%"),
                                      classes="submit-on-enter" if f is asked[-1] else "")
                    yield from self.field_row(label, field, f.key)
                else:
                    # a whole line of its own, wrapped: label, rate and article
                    yield Static(_("{label}: {rate} % ({source})").format(
                        label=label, rate=_percent(f.text_rate_bp or 0),
                        source=f.source or _("regulator's text")), markup=False,
                        id=f"fixed-{n}")
            yield FieldError(id="error-form")

    def on_mount(self) -> None:
        first = next((f for f in self.fields if f.asked), None)
        if first is not None:
            self.query_one(f"#rate-{first.key}", TextField).focus()

    def action_submit(self) -> None:
        self.clear_errors()
        typed = {f.key: self.query_one(f"#rate-{f.key}", TextField).value
                 for f in self.fields if f.asked}
        if not typed:
            return
        ok, _rates = self.call_service(settings.change_provision_rates, self.ctx, typed)
        if ok:
            self.notify(_("Provision rates saved."))
            self.dismiss()
