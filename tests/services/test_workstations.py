"""Workstations: a session finds its desk by the name its client sends, then by its
address, else keeps the account's printer settings (#23)."""

from __future__ import annotations

import pytest

from mifin_tui import config
from mifin_tui.db.models import AuditLog
from mifin_tui.output import printing
from mifin_tui.services.admin import workstations
from mifin_tui.services.admin.workstations import SessionIdentity, WorkstationDraft
from mifin_tui.services.kernel.errors import PermissionDenied, ValidationError
from tests.printers.conftest import make_voucher  # noqa: F401

DESK1 = WorkstationDraft(name="guichet-1", address="10.0.3.21", location="Counter 1",
                         receipt_kind="cups", receipt_target="desk1",
                         document_kind="cups", document_target="office")
DESK2 = WorkstationDraft(name="GUICHET-2", address="10.0.3.22", receipt_kind="terminal",
                         receipt_target="ignored", paper_mm=58, document_kind="folder",
                         document_target="/srv/mifin/pdf")


def ssh_env(address: str, name: str = "") -> dict[str, str]:
    env = {"SSH_CONNECTION": f"{address} 50522 10.0.3.1 22",
           "SSH_CLIENT": f"{address} 50522 22"}
    if name:
        env["MIFIN_WORKSTATION"] = name
    return env


def test_the_session_is_found_by_name_then_by_address_then_not_at_all(admin):
    one = workstations.add_workstation(admin, DESK1)
    two = workstations.add_workstation(admin, DESK2)
    assert one.name == "GUICHET-1" and two.receipt_target == ""
    # the name wins over the address: the cashier of desk 2 behind desk 1's address
    assert workstations.for_session(ssh_env("10.0.3.21", "guichet-2")).id == two.id
    # no name (or one no workstation has): the address
    assert workstations.for_session(ssh_env("10.0.3.21")).id == one.id
    assert workstations.for_session(ssh_env("10.0.3.22", "GUICHET-9")).id == two.id
    # sshd may give an IPv4 client in its IPv6-mapped form
    assert workstations.for_session(ssh_env("::ffff:10.0.3.21")).id == one.id
    # SSH_CLIENT alone (an older sshd, or what `env` passed on)
    assert workstations.for_session({"SSH_CLIENT": "10.0.3.22 4000 22"}).id == two.id
    # neither: nobody's desk, the account's settings stay
    assert workstations.for_session(ssh_env("10.0.3.99")) is None
    assert workstations.for_session({}) is None
    assert workstations.for_session({"MIFIN_WORKSTATION": "bad name!"}) is None


def test_an_inactive_workstation_is_not_found(admin):
    one = workstations.add_workstation(admin, DESK1)
    workstations.update_workstation(admin, one.id, WorkstationDraft(
        **{**DESK1.__dict__, "active": False}))
    assert workstations.resolve(SessionIdentity("GUICHET-1", "10.0.3.21")) is None


def test_the_printing_path_takes_the_desks_printers_else_the_accounts(
        admin, monkeypatch, tmp_path):
    monkeypatch.setenv("MIFIN_CONFIG", str(tmp_path / "workstation.toml"))
    config.save(config.Workstation(
        receipt_printer=config.PrinterConfig("folder", str(tmp_path / "account"), 80)))
    workstations.add_workstation(admin, DESK2)
    monkeypatch.delenv("MIFIN_WORKSTATION", raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.3.22 50522 10.0.3.1 22")
    ws = printing.session_workstation()
    assert ws.receipt_printer == config.PrinterConfig("terminal", "", 58)
    assert ws.document_printer.kind == "folder"
    assert ws.document_printer.target == "/srv/mifin/pdf"
    monkeypatch.setenv("SSH_CONNECTION", "10.0.3.50 50522 10.0.3.1 22")
    ws = printing.session_workstation()
    assert ws.receipt_printer == config.PrinterConfig("folder", str(tmp_path / "account"), 80)


def test_what_a_workstation_needs_is_said_at_each_field(admin):
    with pytest.raises(ValidationError) as refused:
        workstations.add_workstation(admin, WorkstationDraft(
            name="desk 1", address="10.0.3", receipt_kind="cups", receipt_target="",
            paper_mm=70, document_kind="terminal"))
    assert set(refused.value.errors) == {"name", "address", "receipt_target", "paper_mm",
                                         "document_kind"}
    workstations.add_workstation(admin, DESK1)
    with pytest.raises(ValidationError) as taken:
        workstations.add_workstation(admin, WorkstationDraft(
            **{**DESK2.__dict__, "name": "Guichet-1"}))
    assert set(taken.value.errors) == {"name"}
    with pytest.raises(ValidationError) as same_address:
        workstations.add_workstation(admin, WorkstationDraft(
            **{**DESK2.__dict__, "address": "10.0.3.21"}))
    assert "GUICHET-1" in same_address.value.errors["address"]


def test_changes_are_the_administrators_and_audited(admin, make_user):
    cashier = make_user("cashier")
    with pytest.raises(PermissionDenied):
        workstations.add_workstation(cashier, DESK1)
    one = workstations.add_workstation(admin, DESK1)
    workstations.update_workstation(admin, one.id, WorkstationDraft(
        **{**DESK1.__dict__, "receipt_target": "desk1-new"}))
    workstations.remove_workstation(admin, one.id)
    assert workstations.list_workstations() == []
    actions = [row.action for row in AuditLog.select().where(
        AuditLog.entity == "workstation").order_by(AuditLog.seq)]
    assert actions == ["workstation.add", "workstation.update", "workstation.remove"]


def test_a_voucher_for_the_terminals_printer_goes_to_the_sessions_writer(make_voucher):
    """The printing path's side of the pass-through: ESC/POS bytes to whatever writes to
    this session's terminal; none attached (a browser, no screen): said, not printed."""
    from mifin_tui.output import terminal

    ws = config.Workstation(receipt_printer=config.PrinterConfig("terminal", "", 58))
    doc = make_voucher()
    outcome = printing.print_voucher(doc, ws)
    assert not outcome.ok and "no terminal to print through" in outcome.message
    sent: list[bytes] = []
    terminal.attach(sent.append)
    try:
        outcome = printing.print_voucher(doc, ws)
    finally:
        terminal.detach(sent.append)
    assert outcome.ok, outcome.message
    [data] = sent
    assert data.startswith(b"\x1b[5i\x1b@") and data.endswith(b"\x1dVB\x00\x1b[4i")
    assert terminal.writer() is None


def test_the_accounts_own_settings_may_print_receipts_through_the_terminal(tmp_path):
    assert config.validate_printer(config.PrinterConfig("terminal", "", 80),
                                   "receipt_printer").kind == "terminal"
    with pytest.raises(config.ConfigError, match="receipts only"):
        config.validate_printer(config.PrinterConfig("terminal", ""), "document_printer")
