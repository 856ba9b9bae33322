"""The menu registry: every screen a user may open from the main menu or the palette.

One list serves the main menu, its keys and the command palette, so what a user
sees is what he may open, and nothing else. Hiding an entry is not security
(services check permissions); it keeps the menu to the user's work.

Screen modules are imported when an entry is opened, not at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from mifin_tui.i18n import N_
from mifin_tui.services.kernel import permissions
from mifin_tui.services.kernel.context import Context

if TYPE_CHECKING:
    from textual.screen import Screen

GROUPS: dict[str, str] = {
    "savings": N_("Savings"),
    "accounts": N_("Members and accounts"),
    "counter": N_("Counter"),
    "loans": N_("Loans"),
    "books": N_("Books"),
    "control": N_("Control"),
    "admin": N_("Administration"),
    "session": N_("My session"),
}


@dataclass(frozen=True)
class MenuEntry:
    id: str
    label: str  # English msgid, translated when shown
    help: str  # one sentence for the command palette (msgid)
    group: str  # a key of GROUPS
    # None: every logged-in user; a tuple: any one of them (reports of several kinds)
    permission: str | tuple[str, ...] | None
    key: str | None  # the F-key that opens it from the main menu
    screen: str | None = None  # "module:Class" under mifin_tui.screens, built with (ctx)
    action: str | None = None  # or an App action, e.g. "logout"
    # False: listed under "Other screens" (and the palette), not on the main menu itself,
    # which must fit an 80x24 terminal for every role.
    main: bool = True

    def allowed(self, ctx: Context) -> bool:
        if self.permission is None:
            return True
        wanted = (self.permission,) if isinstance(self.permission, str) else self.permission
        return any(permissions.may(ctx, p) for p in wanted)

    def build(self, ctx: Context, **kwargs: Any) -> Screen:
        """The entry's screen; `kwargs` go to it (a member card opens a deposit with
        `build(ctx, account_id=...)`)."""
        if self.screen is None:
            raise ValueError(f"menu entry {self.id} opens no screen")
        module, _sep, name = self.screen.partition(":")
        factory: Callable[..., Screen] = getattr(
            import_module(f"mifin_tui.screens.{module}"), name)
        return factory(ctx, **kwargs)


ENTRIES: tuple[MenuEntry, ...] = (
    # Savings first: a cashier's most frequent work, deposit and withdrawal, on 1 and 2.
    MenuEntry("deposit", N_("Deposit"),
              N_("Cash deposit on a savings account: a BE voucher."),
              "savings", "ledger.post", "f11", screen="savings.deposit:DepositScreen"),
    MenuEntry("withdrawal", N_("Withdrawal"),
              N_("Cash withdrawal from a savings account: a BS voucher."),
              "savings", "ledger.post", "f12", screen="savings.withdrawal:WithdrawalScreen"),
    MenuEntry("account_transfer", N_("Transfer between accounts"),
              N_("Move savings from one account to another, with a transfer voucher."),
              "savings", "ledger.post", None,
              screen="savings.account_transfer:AccountTransferScreen"),
    MenuEntry("statement", N_("Statement for a period"),
              N_("An account's statement between two dates: screen, PDF, CSV."),
              "savings", "account.read", None,
              screen="savings.period_statement:PeriodStatementScreen"),
    MenuEntry("passbook", N_("Print the passbook"),
              N_("Print the new lines of a passbook where the last print stopped."),
              "savings", "passbook.print", None, screen="savings.passbook:PassbookScreen"),
    MenuEntry("account_open", N_("Open a savings account"),
              N_("A new savings account for a member, with its opening deposit."),
              "savings", "account.open", None,
              screen="savings.account_open:AccountOpenScreen", main=False),
    MenuEntry("account_close", N_("Close a savings account"),
              N_("Close an account and pay its balance out with a BS."),
              "savings", "account.open", None, screen="savings.account_close:AccountCloseScreen",
              main=False),
    MenuEntry("holds", N_("Holds and mandataires"),
              N_("Block an amount on an account, release it; who may sign on it."),
              "savings", "account.mandate", None, screen="savings.holds:HoldsScreen", main=False),
    MenuEntry("standing_orders", N_("Standing orders"),
              N_("The accounts a member lets the closing debit for his loans."),
              "savings", "account.mandate", None,
              screen="savings.standing_orders:StandingOrdersScreen", main=False),
    MenuEntry("mandate_approvals", N_("Mandataires to approve"),
              N_("Approve or refuse the mandataires recorded at the counter."),
              "savings", "mandate.approve", None,
              screen="savings.mandate_approvals:MandateApprovalsScreen", main=False),
    MenuEntry("withdrawal_approvals", N_("Withdrawals to approve"),
              N_("Approve or reject withdrawals above the limit or on dormant accounts."),
              "savings", "withdrawal.approve", "f11",
              screen="savings.withdrawal_approvals:WithdrawalApprovalsScreen"),
    MenuEntry("account_lookup", N_("Account lookup"),
              N_("Find a member or an account; balances and statements."),
              "accounts", "account.read", "f2",
              screen="members.account_lookup:AccountLookupScreen"),
    MenuEntry("member_card", N_("Member card"),
              N_("A member's record, accounts, groups and last operations; edit, print, "
                 "resign."),
              "accounts", "member.read", None, screen="members.card:MemberCardScreen"),
    MenuEntry("member_list", N_("Member list"),
              N_("Every member in name order, with a search; Enter opens the card."),
              "accounts", "member.read", None, screen="members.listing:MemberListScreen",
              main=False),
    MenuEntry("adhesion", N_("New member (adhésion)"),
              N_("Enrol a member: the fiche d'adhésion, fees and shares paid at the till."),
              "accounts", "member.create", None, screen="members.adhesion:AdhesionScreen"),
    MenuEntry("groups", N_("Groups and associations"),
              N_("Solidarity groups and associations: their members and officers."),
              "accounts", "member.read", None, screen="members.groups:GroupsScreen", main=False),
    MenuEntry("resignation_approvals", N_("Démissions to approve"),
              N_("Approve or refuse a member's resignation before his shares are refunded."),
              "accounts", "member.leave_approve", None,
              screen="members.resignation_approvals:ResignationApprovalsScreen", main=False),
    MenuEntry("duplicate_approvals", N_("Second records to approve"),
              N_("Approve or refuse a second member record for the same person."),
              "accounts", "member.approve_duplicate", None,
              screen="members.duplicate_approvals:DuplicateApprovalsScreen"),
    # The counter. Keys are shared between entries no single role has together (a
    # cashier's F6 is the vault transfer, a manager's the approvals); when a user's roles
    # do bring two together, the first in menu order keeps the key (see keys_for).
    MenuEntry("open_till", N_("Open my till"),
              N_("Open a till for the day with a count of its notes and coins."),
              "counter", "till.operate", "f4", screen="cash.till_open:OpenTillScreen"),
    MenuEntry("close_till", N_("Close my till"),
              N_("Count the till at the end of the day and close it."),
              "counter", "till.operate", "f5", screen="cash.till_count:CloseTillScreen"),
    MenuEntry("vault_transfer", N_("Vault transfer"),
              N_("Bring cash from the vault to your till, or return cash to the vault."),
              "counter", "till.operate", "f6", screen="cash.vault_transfer:VaultTransferScreen"),
    MenuEntry("approvals", N_("Pending approvals"),
              N_("Approve or reject vault transfers above the limit."),
              "counter", "transfer.approve", "f6",
              screen="cash.transfer_approvals:ApprovalsScreen"),
    MenuEntry("cash_journal", N_("Cash journal"),
              N_("The cash vouchers of a till or of the branch for a day; print it."),
              "counter", "cashjournal.read", "f7", screen="cash.journal:CashJournalScreen"),
    MenuEntry("reprint", N_("Reprint a voucher"),
              N_("Find a voucher by its number and print it again, marked DUPLICATA."),
              "counter", "voucher.reprint", None, screen="cash.reprint:ReprintScreen", main=False),
    MenuEntry("till_differences", N_("Cash differences"),
              N_("Till and vault counts that did not match the books, held on the "
                 "counter's name: the manager decides each one."),
              "counter", "cashjournal.read", None,
              screen="cash.till_differences:TillDifferencesScreen", main=False),
    MenuEntry("my_differences", N_("My cash differences"),
              N_("The differences of my counts, what the manager decided, what I owe; "
                 "repay a shortage."),
              "counter", "till.operate", None,
              screen="cash.my_differences:MyDifferencesScreen", main=False),
    MenuEntry("vault_count", N_("Count the vault"),
              N_("Count the vault with a billetage, confirmed by a second person, before "
                 "the closing."),
              "counter", "vault.count", None, screen="cash.vault_count:VaultCountScreen",
              main=False),
    MenuEntry("loan_simulator", N_("Loan simulator"),
              N_("A loan's repayment schedule and TEG as you type the terms; print it."),
              "loans", "loan.simulate", None, screen="loans.simulator:SimulatorScreen", main=False),
    MenuEntry("loan_application", N_("Loan application"),
              N_("Take a member's loan application: eligibility, guarantors, home visit."),
              "loans", "loan.apply", None, screen="loans.application:LoanApplicationScreen"),
    MenuEntry("loan_committee", N_("Credit committee"),
              N_("Give your opinion on the applications in committee; print the minutes."),
              "loans", "loan.opinion", None, screen="loans.committee:LoanCommitteeScreen"),
    MenuEntry("loan_decisions", N_("Loans to decide"),
              N_("Approve or reject the applications, with the committee's opinions."),
              "loans", "loan.approve", None, screen="loans.decisions:LoanDecisionsScreen",
              main=False),
    MenuEntry("loan_disburse", N_("Loan disbursements"),
              N_("Pay approved loans at the till; the waiting list."),
              "loans", "loan.disburse", None, screen="loans.disburse:LoanDisburseScreen"),
    MenuEntry("repayment", N_("Loan repayment"),
              N_("Repayment of a loan: cash, savings, mobile money or bank; the split, the BR."),
              "loans", "ledger.post", None, screen="loans.repayment:RepaymentScreen"),
    MenuEntry("repayment_reversal", N_("Reverse a repayment"),
              N_("A repayment made in error: the same day with the manager, later by the "
                 "accountant."),
              "loans", "repayment.reverse", None,
              screen="loans.repayment_reversal:RepaymentReversalScreen", main=False),
    MenuEntry("loan_waiting_list", N_("Loans waiting for cash"),
              N_("The approved loans the tills have not paid yet, oldest approval first."),
              "loans", "loan.approve", None, screen="loans.disburse:LoanDisburseScreen",
              main=False),
    MenuEntry("loan_board", N_("Board decisions"),
              N_("Record the board's decision on loans above the manager's limit."),
              "loans", "loan.board", None, screen="loans.board:LoanBoardScreen", main=False),
    MenuEntry("loan_card", N_("Loan card"),
              N_("A loan's state, steps, schedule with what is paid, guarantees."),
              "loans", "loan.read", None, screen="loans.card:LoanCardScreen", main=False),
    MenuEntry("arrears_list", N_("Loans in arrears"),
              N_("The loans in arrears by officer and zone, with phones; print for visits."),
              "loans", "loan.read", None,
              screen="loans.arrears_list:ArrearsListScreen", main=False),
    MenuEntry("reschedule_request", N_("Reschedule a loan"),
              N_("Ask for a new schedule of a loan in difficulty; the manager decides."),
              "loans", "loan.apply", None, screen="loans.reschedule:RescheduleRequestScreen",
              main=False),
    MenuEntry("reschedule_decisions", N_("Reschedulings to decide"),
              N_("Approve or reject the rescheduling requests of the officers."),
              "loans", "loan.approve", None, screen="loans.reschedule:RescheduleDecisionsScreen",
              main=False),
    MenuEntry("write_off", N_("Propose a write-off"),
              N_("Propose to pass a loan in arrears to loss, with the reason (passage en "
                 "perte); another person decides."),
              "loans", "loan.write_off_propose", None, screen="loans.write_off:WriteOffScreen",
              main=False),
    MenuEntry("write_off_decisions", N_("Write-offs to decide"),
              N_("Approve or refuse the proposed write-offs; the board's decision above the "
                 "limit."),
              "loans", ("loan.write_off", "loan.board"), None,
              screen="loans.write_off:WriteOffDecisionsScreen", main=False),
    MenuEntry("recovery", N_("Recovery on a written-off loan"),
              N_("Cash recovered on a written-off loan at the till, with a BR voucher."),
              "loans", "ledger.post", None, screen="loans.write_off:RecoveryScreen", main=False),
    MenuEntry("journal", N_("General journal"),
              N_("The transactions of the branch, newest first."),
              "books", "ledger.read", "f4", screen="accounting.journal:JournalScreen"),
    MenuEntry("reports", N_("Reports"),
              N_("Accounting, portfolio (PAR, arrears, classification), savings and member "
                 "reports."),
              "books", ("report.accounting", "report.portfolio"), None,
              screen="reports.reports:ReportsScreen"),
    MenuEntry("dashboard", N_("Dashboard"),
              N_("Outstanding, PAR30 over 12 months, flows of the month, tills, arrears."),
              "books", "report.accounting", None, screen="reports.dashboard:DashboardScreen",
              main=False),
    MenuEntry("manual_entries", N_("Manual journal entries"),
              N_("Enter expenses and bank movements; validate the entries of others."),
              "books", "journal.validate", None,
              screen="accounting.manual_entries:ManualEntriesScreen"),
    MenuEntry("payment_import", N_("Import payments"),
              N_("Import a mobile-money or bank statement: match each payment and post it."),
              "books", "payment.import", None, screen="imports.payments:PaymentImportScreen",
              main=False),
    MenuEntry("payment_matching", N_("Unmatched payments"),
              N_("Payments of imported statements waiting for a loan or an account."),
              "books", "payment.import", None, screen="imports.matching:PaymentMatchingScreen",
              main=False),
    MenuEntry("payment_suspense", N_("Payments to allocate"),
              N_("Money received held in suspense: apply it to a loan or account, or "
                 "refund it."),
              "books", "payment.import", None, screen="imports.suspense:SuspenseScreen",
              main=False),
    MenuEntry("audit_log", N_("Audit log"),
              N_("Who did what and when, with a search."),
              "control", "audit.read", "f5", screen="admin.audit_log:AuditLogScreen"),
    MenuEntry("closing", N_("Close the day"),
              N_("The nightly closing: checks, batch steps, backup, next business day."),
              "control", "day.close", "f12", screen="closing.close_day:ClosingScreen"),
    MenuEntry("verify", N_("Verify the books"),
              N_("Check that the ledger balances and the audit chain is intact."),
              "control", "audit.verify", "f6", screen="admin.verify:VerifyScreen"),
    MenuEntry("verify_receipt", N_("Verify a receipt"),
              N_("Type the code under a voucher's QR: do the books hold exactly that "
                 "transaction?"),
              "control", "receipt.verify", None, screen="admin.verify_receipt:VerifyReceiptScreen",
              main=False),
    MenuEntry("users", N_("Users"),
              N_("Add users, reset passwords, lock, unlock, change roles."),
              "admin", "user.manage", "f7", screen="admin.users:UsersScreen"),
    MenuEntry("tills", N_("Tills"),
              N_("The branch's vault and tills: who holds each one, its cash; add a till."),
              "admin", "till.manage", "f6", screen="cash.tills_admin:TillsScreen"),
    MenuEntry("loan_products", N_("Loan products"),
              N_("Amounts, terms, rates, fees, penalties and eligibility of each loan product."),
              "admin", "product.manage", None, screen="loans.products_admin:LoanProductsScreen"),
    MenuEntry("savings_products", N_("Savings products"),
              N_("The savings products and their rules: limits, fees, rates."),
              "admin", "savings.products", "f4", screen="savings.products:ProductsScreen"),
    MenuEntry("holidays", N_("Public holidays"),
              N_("The days the branch is closed: no business day, no due date on them."),
              "admin", "settings.manage", None, screen="admin.holidays:HolidaysScreen", main=False),
    MenuEntry("settings", N_("Settings"),
              N_("The institution's settings: limits, fees, closing; each with what it "
                 "takes."),
              "admin", "settings.manage", None, screen="admin.settings:SettingsScreen",
              main=False),
    MenuEntry("provision_rates", N_("Provision rates"),
              N_("Provision rate of each arrears class: the regulator's, or the "
                 "institution's where its text leaves it open."),
              "admin", "settings.manage", None,
              screen="admin.provision_rates:ProvisionRatesScreen", main=False),
    MenuEntry("workstations", N_("Workstations"),
              N_("The branch's desks: how a remote session is recognised (name or SSH "
                 "address) and the receipt and document printers it prints on."),
              "admin", "settings.manage", None, screen="admin.workstations:WorkstationsScreen",
              main=False),
    MenuEntry("member_import", N_("Import members"),
              N_("Import a member register from a CSV file (spreadsheet)."),
              "admin", "member.import", None, screen="imports.members:MemberImportScreen",
              main=False),
    MenuEntry("printer_settings", N_("Printer settings"),
              N_("The printers of this workstation: receipts and A4 documents."),
              "session", None, None,
              screen="admin.printer_settings:PrinterSettingsScreen", main=False),
    MenuEntry("password", N_("My password"), N_("Change your own password."),
              "session", None, "f8", screen="session.password:PasswordScreen", main=False),
    MenuEntry("language", N_("Language"), N_("Work in French or in English."),
              "session", None, "f9", screen="session.language:LanguageScreen", main=False),
    MenuEntry("logout", N_("Log out"), N_("End your session and return to the login screen."),
              "session", None, "f10", action="logout"),
)

_BY_ID = {entry.id: entry for entry in ENTRIES}


def get(entry_id: str) -> MenuEntry | None:
    return _BY_ID.get(entry_id)


def entries_for(ctx: Context) -> list[MenuEntry]:
    """The entries `ctx`'s user may open, in menu order."""
    return [entry for entry in ENTRIES if entry.allowed(ctx)]


def keys_for(entries: list[MenuEntry]) -> dict[str, MenuEntry]:
    """The F-key of each entry of one user's menu: the first entry naming a key keeps it."""
    keys: dict[str, MenuEntry] = {}
    for entry in entries:
        if entry.key and entry.key not in keys:
            keys[entry.key] = entry
    return keys
