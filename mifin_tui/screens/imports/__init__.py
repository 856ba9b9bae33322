"""CSV import screens (members, payments) and the unmatched payments."""
