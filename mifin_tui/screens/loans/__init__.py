"""Loan screens: application, committee, decisions, disbursement, the loan card, repayments
and their reversal, rescheduling, write-off, arrears, products, the simulator."""
