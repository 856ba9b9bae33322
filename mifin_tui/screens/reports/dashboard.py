"""The gérant's dashboard (#11): the first screen after his login.

The figures are read in a worker thread (the screen shows at once, then fills in) and
again on F5 or when the gérant comes back to it: no timer repaints it.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from mifin_tui.i18n import N_, _, current_language, ngettext
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.kernel.money import format_amount, format_percent
from mifin_tui.services.kernel.threads import release_connection
from mifin_tui.services.reports import dashboard

GROUP = "dashboard"
CHART_HEIGHT = 7


def percent(bp: int) -> str:
    """Basis points as a percentage with one decimal, in the current language:
    1234 -> fr '12,3 %', en '12.3%'."""
    return format_percent(bp, current_language(), decimals=1)


def par_chart(points: tuple[dashboard.ParPoint, ...], width: int) -> str:
    """PAR30 per month as a bar chart in plain characters (plotext, imported here: the
    other screens never pay for it). Without plotext, one line of figures."""
    labels = [p.month.strftime("%m/%y") for p in points]
    values = [p.ratio_bp / 100 for p in points]
    try:
        import plotext as plt
    except ImportError:
        return "  ".join(f"{lab} {percent(p.ratio_bp)}" for lab, p in zip(labels, points,
                                                                           strict=True))
    plt.clear_figure()
    plt.plot_size(width, CHART_HEIGHT)
    plt.theme("clear")
    plt.bar(labels, values, width=0.6)
    plt.yfrequency(3)
    return str(plt.uncolorize(plt.build())).rstrip("\n")


class DashboardScreen(MifinScreen):
    TITLE_MSGID = N_("Dashboard")
    BINDINGS = [*MifinScreen.BINDINGS,
                Binding("f5", "refresh_figures", N_("Refresh"), id="refresh")]
    DEFAULT_CSS = """
    DashboardScreen Static { text-wrap: nowrap; text-overflow: ellipsis; }
    DashboardScreen .dash-line { height: 1; padding: 0 1; }
    DashboardScreen #dash-flows { height: 2; padding: 0 1; }
    DashboardScreen #dash-chart { height: 7; padding: 0 1; }
    DashboardScreen #dash-tills { height: auto; max-height: 3; padding: 0 1; }
    DashboardScreen #dash-arrears { height: auto; max-height: 5; padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        yield Static(_("Reading the figures, please wait..."), id="dash-portfolio",
                     classes="dash-line", markup=False)
        yield Static("", id="dash-chart", markup=False)
        yield Static("", id="dash-flows", markup=False)
        yield Static("", id="dash-tills", markup=False)
        yield Static("", id="dash-waiting", classes="dash-line", markup=False)
        yield Static("", id="dash-arrears", markup=False)

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.load()

    def action_refresh_figures(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group=GROUP, exit_on_error=False)
    def load(self) -> dashboard.Dashboard:
        try:
            return dashboard.build(self.ctx)
        finally:
            release_connection()  # this worker thread's own connection

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != GROUP:
            return
        if event.state == WorkerState.SUCCESS:
            self.show(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#dash-portfolio", Static).update(
                _("The figures could not be read: {error}").format(error=event.worker.error))

    def show(self, d: dashboard.Dashboard) -> None:
        cur = d.currency

        def m(amount: int) -> str:
            return format_amount(amount, cur, current_language())

        self.query_one("#dash-portfolio", Static).update(
            ngettext("Outstanding {amount} ({n} loan) · PAR30 {par} ({risk})",
                     "Outstanding {amount} ({n} loans) · PAR30 {par} ({risk})",
                     d.loans_serviced).format(
                amount=m(d.outstanding), n=d.loans_serviced, par=percent(d.par_bp),
                risk=m(d.at_risk)))
        width = max(40, (self.size.width or 80) - 2)
        self.query_one("#dash-chart", Static).update(par_chart(d.par_trend, width))
        self.query_one("#dash-flows", Static).update("\n".join((
            _("Disbursed this month {now} (last month {before})").format(
                now=m(d.disbursed_this_month), before=m(d.disbursed_last_month)),
            _("Collected this month {now} (last month {before})").format(
                now=m(d.collected_this_month), before=m(d.collected_last_month)))))
        tills = []
        for t in d.tills:
            cash = ", ".join(format_amount(v, c, current_language())
                             for c, v in sorted(t.balances.items()))
            who = (_("open by {user}").format(user=t.open_by) if t.open_by
                   else _("closed"))
            tills.append(f"{t.code} {t.name[:16]} ({who}): {cash}")
        self.query_one("#dash-tills", Static).update("\n".join(tills[:3]))
        self.query_one("#dash-waiting", Static).update(
            _("Loans waiting for a decision: {n} · waiting for cash: {w}").format(
                n=d.waiting_decision, w=d.waiting_cash))
        lines = [_("Arrears to visit: {n}").format(n=d.arrears_count)]
        for a in d.arrears[:4]:
            lines.append(_("{days:>4} d  {loan}  {member}  {phone}  {amount}").format(
                days=a.days_past_due, loan=a.loan_number, member=a.member[:22],
                phone=a.phone, amount=m(a.outstanding)))
        self.query_one("#dash-arrears", Static).update("\n".join(lines))
