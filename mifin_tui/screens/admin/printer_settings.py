"""Printer settings of this workstation (every user: they belong to the machine).

The receipt printer prints vouchers on a 58 or 80 mm roll; the document printer
prints A4 (cash journals). Each is a CUPS queue, a folder of PDF files, or "ask"
(save the PDF and show where). F2 saves to the workstation file, once CUPS says
the queue exists (a queue that does not shows at its field, nothing is saved);
F6 and F7 print a test page with what the form says, before saving.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import replace
from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Select, Static
from textual.worker import Worker, WorkerState

from mifin_tui import config
from mifin_tui.config import ConfigError, PrinterConfig, Workstation
from mifin_tui.i18n import N_, _, current_language
from mifin_tui.output.printing import PrintOutcome, print_cash_journal, print_voucher
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.screens.common.print_jobs import run_print_jobs
from mifin_tui.services.admin import workstations
from mifin_tui.services.kernel import clock, institution
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import CashJournalDoc, CashJournalLine, VoucherDoc
from mifin_tui.services.kernel.words import amount_in_words
from mifin_tui.widgets import FieldError, FormSelect, TextField

KIND_LABELS = {
    "cups": N_("Printer queue (CUPS)"),
    "folder": N_("PDF files in a folder"),
    "ask": N_("Save the PDF and show where"),
    "terminal": N_("Printer of my terminal (pass-through)"),
}
PRINTERS = (("receipt", "receipt_printer", "MIFIN_RECEIPT_PRINTER"),
            ("document", "document_printer", "MIFIN_DOCUMENT_PRINTER"))


def file_settings() -> tuple[Workstation, str]:
    """What the workstation file says (without the environment's overrides), and the
    problem with it if it cannot be used ("" when fine)."""
    try:
        config.load()  # validates the file (and the overrides)
    except ConfigError as exc:
        return Workstation(), str(exc)
    path = config.config_path()
    if not path.exists():
        return Workstation(), ""
    data = tomllib.loads(path.read_text("utf-8"))
    printers = {}
    for _prefix, section, _env in PRINTERS:
        values = data.get(section, {})
        default = PrinterConfig()
        printers[section] = PrinterConfig(
            kind=values.get("kind", default.kind), target=str(values.get("target", "")),
            paper_mm=values.get("paper_mm", default.paper_mm))
    return Workstation(receipt_printer=printers["receipt_printer"],
                       document_printer=printers["document_printer"],
                       theme=data.get("display", {}).get("theme", "default")), ""


def field_errors(cfg: PrinterConfig, prefix: str, section: str) -> dict[str, str]:
    """config.validate_printer's refusals, each at its field: every field is tried with
    the others set to values known to pass."""
    errors: dict[str, str] = {}
    trials = (("kind", replace(cfg, target="x", paper_mm=80)),
              ("target", replace(cfg, paper_mm=80)),
              ("paper", replace(cfg, kind="folder", target="x")))
    for name, trial in trials:
        if name == "target" and "kind" in errors:
            continue
        try:
            config.validate_printer(trial, section)
        except ConfigError as exc:
            errors[f"{prefix}_{name}"] = str(exc)
    return errors


class PrinterSettingsScreen(FormMixin, MifinScreen):
    TITLE_MSGID = N_("Printer settings")
    AUTO_FOCUS = "#receipt_kind"
    BINDINGS = [
        Binding("f2", "submit", N_("Save"), id="printers.save"),
        Binding("f6", "test('receipt')", N_("Test receipt"), id="printers.test_receipt"),
        Binding("f7", "test('document')", N_("Test A4"), id="printers.test_document"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.ws, self.problem = file_settings()

    def compose_body(self) -> ComposeResult:
        kinds = [(_(KIND_LABELS[k]), k) for k in config.PRINTER_KINDS]
        with VerticalScroll(classes="form", can_focus=False):
            for prefix, section, _env in PRINTERS:
                cfg: PrinterConfig = getattr(self.ws, section)
                yield Static(_("Receipt printer (vouchers, roll)") if prefix == "receipt"
                             else _("Document printer (A4: cash journals)"),
                             classes="group-title", markup=False)
                with Horizontal(classes="compact-row"):
                    yield Label(_("Kind"), markup=False)
                    # the terminal's printer takes receipts only: not offered for A4
                    offered = [(label, k) for label, k in kinds if prefix == "receipt"
                               or k not in config.RECEIPT_ONLY_KINDS]
                    yield FormSelect(offered, id=f"{prefix}_kind", value=cfg.kind,
                                     allow_blank=False)
                yield FieldError(id=f"error-{prefix}_kind", classes="row-error")
                with Horizontal(classes="compact-row"):
                    yield Label(_("Queue or folder"), markup=False)
                    yield TextField(cfg.target, id=f"{prefix}_target", max_length=200,
                                    placeholder=_("queue name, or folder (empty: default)"),
                                    classes="submit-on-enter" if prefix == "document" else "")
                yield FieldError(id=f"error-{prefix}_target", classes="row-error")
                if prefix == "receipt":
                    with Horizontal(classes="compact-row"):
                        yield Label(_("Paper width"), markup=False)
                        yield FormSelect([(_("{mm} mm").format(mm=mm), str(mm))
                                          for mm in config.PAPER_WIDTHS],
                                         id="receipt_paper", value=str(cfg.paper_mm),
                                         allow_blank=False)
                    yield FieldError(id="error-receipt_paper", classes="row-error")
            yield FieldError(id="error-form")
            yield Static("", id="settings-notes", classes="hint", markup=False)
            yield Static("", id="settings-result", classes="summary", markup=False)

    def on_mount(self) -> None:
        notes = [_("Saved in {path}, for this workstation only.").format(
            path=config.config_path())]
        for prefix, _section, env in PRINTERS:
            if os.environ.get(env):
                notes.append(_("Now {name}={value} overrides the {printer} printer.").format(
                    name=env, value=os.environ[env],
                    printer=_("receipt") if prefix == "receipt" else _("document")))
        desk = workstations.for_session(os.environ)
        if desk is not None:
            # the desk's printers win over these: say so, or a change here seems lost
            notes.append(_("This session is workstation {name}: it prints on that desk's "
                           "printers (Workstations screen), not on these.").format(
                name=desk.name))
        self.query_one("#settings-notes", Static).update("\n".join(notes))
        if self.problem:
            self.show_form_error(_("The settings file cannot be used ({error}); saving "
                                   "replaces it.").format(error=self.problem))

    # --- reading the form ---------------------------------------------------------------

    def _printer(self, prefix: str, current: PrinterConfig) -> PrinterConfig:
        kind = str(self.query_one(f"#{prefix}_kind", Select).value)
        target = self.query_one(f"#{prefix}_target", TextField).value.strip()
        paper = current.paper_mm
        if prefix == "receipt":
            paper = int(str(self.query_one("#receipt_paper", Select).value))
        return PrinterConfig(kind=kind, target=target, paper_mm=paper)

    def read_form(self) -> Workstation | None:
        """The settings as typed, or None after showing what is wrong at each field."""
        self.clear_errors()
        printers: dict[str, PrinterConfig] = {}
        errors: dict[str, str] = {}
        for prefix, section, _env in PRINTERS:
            cfg = self._printer(prefix, getattr(self.ws, section))
            errors.update(field_errors(cfg, prefix, section))
            printers[section] = cfg
        if errors:
            self.show_errors(errors)
            return None
        return replace(self.ws, receipt_printer=printers["receipt_printer"],
                       document_printer=printers["document_printer"])

    def action_submit(self) -> None:
        ws = self.read_form()
        if ws is None:
            return
        queues = {prefix: getattr(ws, section).target for prefix, section, _env in PRINTERS
                  if getattr(ws, section).kind == "cups"}
        if not queues:
            self.save(ws)
            return
        self.query_one("#settings-result", Static).update(
            _("Checking the printer queue, please wait..."))
        self.check_queues(ws, queues)

    @work(thread=True, exclusive=True, group="printer-check", exit_on_error=False)
    def check_queues(self, ws: Workstation, queues: dict[str, str]
                     ) -> tuple[Workstation, dict[str, str]]:
        """Ask CUPS whether each queue exists (lpstat can take seconds: not on the loop)."""
        from printers.backends import CupsPrinter, PrintError

        errors: dict[str, str] = {}
        for prefix, queue in queues.items():
            try:
                CupsPrinter(queue).check()
            except PrintError as exc:
                errors[f"{prefix}_target"] = str(exc)
        return ws, errors

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "printer-check":
            return
        if event.state == WorkerState.SUCCESS:
            ws, errors = event.worker.result
            if errors:
                self.query_one("#settings-result", Static).update("")
                self.show_errors(errors)  # nothing saved: the queue does not exist
            else:
                self.save(ws)
        elif event.state == WorkerState.ERROR:
            self.query_one("#settings-result", Static).update("")
            self.show_form_error(str(event.worker.error))

    def save(self, ws: Workstation) -> None:
        try:
            path = config.save(ws)
        except ConfigError as exc:
            self.show_form_error(str(exc))
            return
        except OSError as exc:
            self.show_form_error(_("Cannot write {path}: {error}").format(
                path=config.config_path(), error=exc.strerror or exc))
            return
        self.ws = ws
        self.problem = ""
        self.query_one("#settings-result", Static).update(
            _("Saved in {path}.").format(path=path))

    # --- test pages ---------------------------------------------------------------------

    def action_test(self, which: str) -> None:
        ws = self.read_form()
        if ws is None:
            return
        self.query_one("#settings-result", Static).update(_("Printing a test page..."))
        info = institution.info(self.ctx.branch_id)
        now = clock.now().astimezone()
        if which == "receipt":
            doc = sample_voucher(info.name, info.branch_code, info.branch_name,
                                 info.currency, now, self.ctx.full_name)

            def job() -> PrintOutcome:
                try:
                    return print_voucher(doc, ws)
                except Exception as exc:  # a test page: say what went wrong, nothing more
                    return PrintOutcome(False, str(exc))
        else:
            journal = sample_journal(info.name, info.branch_code, info.branch_name,
                                     info.currency, now, self.ctx.full_name)

            def job() -> PrintOutcome:
                try:
                    return print_cash_journal(journal, ws)
                except Exception as exc:
                    return PrintOutcome(False, str(exc))

        def done(outcome: PrintOutcome) -> None:
            self.tested(which, outcome)

        run_print_jobs(self.app, [job], f"test {which}", on_done=done)

    def tested(self, which: str, outcome: PrintOutcome) -> None:
        if not self.is_attached:
            return
        result = self.query_one("#settings-result", Static)
        if outcome.ok:
            self.query_one(f"#error-{which}_target", FieldError).clear()
            result.update(_("Test page: {message}").format(message=outcome.message))
        else:
            self.show_errors({f"{which}_target": outcome.message})
            result.update("")


def sample_voucher(institution_name: str, branch_code: str, branch_name: str, currency: str,
                   now: datetime, user: str) -> VoucherDoc:
    """A voucher that says it is a test; no money moved, no number taken."""
    language = current_language()
    return VoucherDoc(
        institution=institution_name, branch_code=branch_code, branch_name=branch_name,
        series="BE", title=_("TEST PAGE"), number=_("TEST"), business_date=now.date(),
        posted_at=now, currency=currency, amount=123456,
        amount_words=amount_in_words(123456, currency, language),
        purpose=_("Printer test: no money moved."), party_label=_("Printed by"),
        party_name=user, cashier=user, till="-", copies=(_("Test"),), language=language)


def sample_journal(institution_name: str, branch_code: str, branch_name: str, currency: str,
                   now: datetime, user: str) -> CashJournalDoc:
    return CashJournalDoc(
        institution=institution_name, branch_code=branch_code, branch_name=branch_name,
        scope=_("Printer test: no money moved."), business_date=now.date(), currency=currency,
        opening_balance=0, total_in=123456, total_out=0, closing_balance=123456,
        lines=(CashJournalLine(_("TEST"), now.strftime("%H:%M"), _("Printer test"), "-",
                               123456, 0, 123456, user),),
        printed_by=user, printed_at=now, copies=(_("Test"),), language=current_language())
