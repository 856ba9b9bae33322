"""The checks that open the nightly closing: tills closed and counted, no blocking
approval waiting, the day's journal balanced and sealed. Nothing is written here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from mifin_tui.db.models import (
    JournalTransaction,
    Till,
    TillBalance,
    TillSession,
    TransferRequest,
    TxnSeal,
    User,
)
from mifin_tui.db.queries import closing as queries
from mifin_tui.i18n import N_, Translator, _, current_language, ngettext
from mifin_tui.services.closing import savings as closing_savings
from mifin_tui.services.closing.document import Finding
from mifin_tui.services.closing.steps import StepRun
from mifin_tui.services.kernel import settings
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.money import format_amount

# --- the checks ------------------------------------------------------------------------


def _check_tills(branch_id: int, day: date) -> list[Finding]:
    found = []
    for s in (TillSession.select(TillSession, Till, User).join(Till)
              .switch(TillSession).join(User)
              .where((Till.branch == branch_id) & (TillSession.status == "open"))
              .order_by(Till.code)):
        found.append(Finding(
            "tills",
            _("Till {till} is still open (cashier {name}, since {day}).").format(
                till=s.till.code, name=s.cashier.full_name,
                day=format_date(s.business_date)),
            _("The cashier counts his till and closes it (Close my till)."), True))
    counted = TillBalance.select(TillBalance.session).where(TillBalance.moment == "close")
    for s in (TillSession.select(TillSession, Till).join(Till)
              .where((Till.branch == branch_id) & (TillSession.business_date == day)
                     & (TillSession.status == "closed") & (TillSession.id.not_in(counted)))):
        found.append(Finding(
            "tills", _("Till {till} was closed without a count.").format(till=s.till.code),
            _("Count the till and record the count before closing the day."), True))
    return found


def _check_vault(branch_id: int, day: date) -> list[Finding]:
    """The vault counted by two people on the day, and holding what they counted."""
    from mifin_tui.services.cash import vault

    state, moved = vault.closing_state(branch_id, day)
    if state == "missing":
        return [Finding("vault", _("The vault was not counted today."),
                        _("Count the vault with a second person (Count the vault)."), True)]
    if state == "pending":
        return [Finding("vault", _("The vault count waits for the second person."),
                        _("The manager, or another user allowed to, confirms it with his "
                          "password (Count the vault)."), True)]
    lang = current_language()
    return [Finding("vault", _("The vault moved after its count in {cur}: counted {counted}, "
                               "books now {book}.").format(
        cur=cur, counted=format_amount(counted, cur, lang), book=format_amount(book, cur, lang)),
        _("Count the vault again, with a second person."), True)
        for cur, (counted, book) in sorted(moved.items())]


def _check_differences(branch_id: int, day: date) -> list[Finding]:
    """Cash differences still in suspense or owed by a cashier: named, not blocking
    (a gérant may take days to hear the cashier; the suspense account carries them)."""
    from mifin_tui.services.cash import differences

    lang = current_language()
    found = []
    for d in differences.unresolved(branch_id):
        what = (_("owed by {name}, {owed} still to repay").format(
            name=d.cashier, owed=format_amount(d.still_owed, d.currency, lang))
            if d.status == differences.RECEIVABLE_STATUS
            else _("on {name}'s name, waiting for the manager").format(name=d.cashier))
        found.append(Finding(
            "differences", _("Cash difference of {amount} at {till} on {day}: {what}.").format(
                amount=format_amount(d.amount, d.currency, lang), till=d.till,
                day=format_date(d.business_date), what=what),
            _("The manager decides it (Cash differences); the cashier repays at a till.")
            if d.status == differences.PENDING else
            _("The cashier repays it at a till (My cash differences)."), False))
    return found


def _pending_transfers(branch_id: int, day: date) -> list[str]:
    out = []
    for r in (TransferRequest.select().where((TransferRequest.branch == branch_id)
                                             & (TransferRequest.status == "pending"))
              .order_by(TransferRequest.id)):
        frm, to = Till.get_by_id(r.from_till_id), Till.get_by_id(r.to_till_id)
        out.append(_("{src} to {dst}: {amount}, requested by {name}").format(
            src=frm.code, dst=to.code, amount=format_amount(r.amount, r.currency,
                                                            current_language()),
            name=User.get_by_id(r.requested_by_id).full_name))
    return out


# Requests that wait for an approval and would change the day if approved; the setting
# closing_pending_approvals says which block the closing and which only warn. Later
# issues add their kinds (loan approvals, ...) here: kind -> (label, what is waiting).
def _pending_manual_entries(branch_id: int, day: date) -> list[str]:
    from mifin_tui.db.models import ManualEntry

    return [_("{label}, entered by {name}").format(
        label=m.label, name=User.get_by_id(m.entered_by_id).full_name)
        for m in ManualEntry.select().where((ManualEntry.branch == branch_id)
                                            & (ManualEntry.status == "pending"))
        .order_by(ManualEntry.id)]


APPROVAL_KINDS: dict[str, tuple[str, Callable[[int, date], list[str]]]] = {
    "vault_transfer": (N_("Vault transfer waiting for approval"), _pending_transfers),
    "savings_withdrawal": (N_("Withdrawal waiting for the manager"),
                           closing_savings.pending_withdrawals),
    "manual_entry": (N_("Manual journal entry waiting for validation"),
                     _pending_manual_entries),
}


def _check_approvals(branch_id: int, day: date) -> list[Finding]:
    modes = settings.get("closing_pending_approvals")
    found = []
    for kind, (label, waiting) in APPROVAL_KINDS.items():
        blocking = modes.get(kind, "block") != "warn"
        for what in waiting(branch_id, day):
            found.append(Finding(
                "approvals", _("{label}: {what}.").format(label=_(label), what=what),
                _("The manager approves or rejects it (Pending approvals).") if blocking
                else _("It stays waiting for the next day."), blocking))
    return found


def _check_ledger(branch_id: int, day: date) -> list[Finding]:
    found = []
    for cur, debit, credit in queries.unbalanced_day(branch_id, day):
        found.append(Finding(
            "ledger", _("The journal of the day does not balance in {cur}: debits {d}, "
                        "credits {c}.").format(cur=cur, d=debit, c=credit),
            _("Run `mifin check` and call the accountant: the books must be repaired "
              "before the closing."), True))
    unsealed = (JournalTransaction.select(JournalTransaction.id)
                .where((JournalTransaction.branch == branch_id)
                       & (JournalTransaction.business_date == day)
                       & JournalTransaction.id.not_in(TxnSeal.select(TxnSeal.txn)))
                .count())
    if unsealed:
        found.append(Finding(
            "ledger", ngettext(
                "{n} transaction of the day is not sealed.",
                "{n} transactions of the day are not sealed.", unsealed).format(n=unsealed),
            _("Run `mifin check` and call the accountant."), True))
    return found


def _check_provision_rates(branch_id: int, day: date) -> list[Finding]:
    """A provision rate the regulator's text leaves to the institution and the
    institution left empty, while a loan is late: the ageing would have to book a
    provision it has no rate for. Blocking, naming the setting to fill."""
    from mifin_tui.services.kernel import institution
    from mifin_tui.services.loans.risk import classification
    from mifin_tui.services.loans.states import SERVICED

    missing = settings.missing_provision_rates(institution.info().regulator)
    if not missing or not queries.any_late(
            branch_id, SERVICED, day, penalties=classification.penalties_age_loans()):
        return []
    return [Finding(
        "provisions",
        _("No provision rate for {classes}: the regulator's text leaves it to the "
          "institution.").format(classes=", ".join(f"\u201c{f.label}\u201d"
                                                    for f in missing)),
        _("Fill the setting loan_provision_rates (Administration > Provision rates) "
          "before the closing: a late loan would be provisioned at no rate."), True)]


def checks(branch_id: int, day: date) -> list[Finding]:
    """What stands in the way of closing `day` (blocking) or deserves a word (warning)."""
    return _check_tills(branch_id, day) + _check_vault(branch_id, day) + \
        _check_approvals(branch_id, day) + _check_ledger(branch_id, day) + \
        _check_provision_rates(branch_id, day) + _check_differences(branch_id, day)


def _start_checks(r: StepRun) -> None:
    """Done when the run starts, in the transaction that marks the day closing."""


def _describe_checks(_: Translator, language: str, detail: Mapping[str, Any],
                     items: int, amounts: Mapping[str, int]) -> list[str]:
    n = detail.get("warnings", 0)
    done = _("Tills closed and counted, the vault counted by two people, no blocking "
             "approval, the day's journal balanced, every provision rate set.")
    return [done] + ([_.ngettext(
        "{n} warning (see below).",
        "{n} warnings (see below).", n).format(n=n)] if n else [])
