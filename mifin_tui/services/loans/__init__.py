"""Loans: products, the life up to the decision, disbursement, repayments, arrears,
rescheduling, write-off, what the loan screens show. `engine/` holds the pure rules."""
