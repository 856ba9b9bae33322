"""The closing report as a file: the A4 PDF written beside the closing's backups.

Lives above services (it calls printers), for the CLI, the screens and the demo's
command."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mifin_tui.services.closing import nightly as closing
from mifin_tui.services.closing.document import ClosingReportDoc
from mifin_tui.services.kernel.context import Context


def report_pdf(doc: ClosingReportDoc) -> bytes:
    from mifin_tui.output.renderer import build_pdf

    return build_pdf("closing_report", doc)


def document_report(ctx: Context, day: date) -> ClosingReportDoc:
    """The report of the closing of `day` in the branch's document language."""
    from mifin_tui.services.kernel import settings

    return closing.report(ctx, day, language=settings.get("document_language"))


def save_report(doc: ClosingReportDoc) -> Path:
    """Write the report PDF into the closing folder; returns its path."""
    from mifin_tui.output.reports import save_private

    path = closing.closing_folder() / closing.report_name(doc.branch_code, doc.business_date)
    return save_private(path, report_pdf(doc))  # 0600 in a 0700 folder


def save_day_report(ctx: Context, day: date) -> Path:
    """The report of the closing of `day`, written as a PDF into the closing folder."""
    return save_report(document_report(ctx, day))
