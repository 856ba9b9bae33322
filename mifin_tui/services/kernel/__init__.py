"""What every area stands on: money and words, the ledger and its accounts, audit, permissions,
settings, the context, errors, the business day and calendar, numbering, regulators' profiles.
The kernel imports no other area."""
