"""The accountant's area: the chart beyond the profile, manual entries, the books' reports
(journal, trial balance, balance sheet, income statement)."""
