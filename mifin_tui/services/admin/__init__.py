"""Administration: a new institution, users, backups, the books' verification (`mifin check`)."""
