"""Administration screens: users, holidays, printers, the audit log, the books' verification."""
