"""Member screens: adhésion, the member card and list, corrections, groups, second records,
account lookup."""
