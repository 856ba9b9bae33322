"""Savings: products, accounts at the counter, credits without cash, interest and dormancy,
the passbook, statements."""
