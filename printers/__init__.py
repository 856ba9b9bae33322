"""Documents and printers: fpdf2 builders for vouchers, contracts, statements, journals,
and the back-ends that send them (CUPS queue, folder).

This package receives plain dataclasses from the services and never imports the
database (an import-linter contract enforces it).
"""
