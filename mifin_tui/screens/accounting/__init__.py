"""Screens of the accountant's books: the general journal, manual entries (opérations diverses)."""
