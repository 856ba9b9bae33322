"""Members: the register (fiche, checks, search), the member card and list, groups,
the adhésion, the fiche as a document."""
