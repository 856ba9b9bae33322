"""Savings screens: deposit, withdrawal and its approval, transfers between accounts, opening
and closing an account, holds and mandataires, statements, the passbook, savings products."""
