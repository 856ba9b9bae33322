"""What every screen shares: the base screen and form, dialogs, paged search, print jobs,
the base of the gérant's lists of requests."""
