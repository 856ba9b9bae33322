"""Documents read back as a reader would: pdftotext, pdfinfo, pdftoppm (poppler-utils)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mifin_tui.i18n import translator
from mifin_tui.services.kernel.documents import AmountLine, VoucherDoc
from tests.printers.cups import find

WAT = timezone(timedelta(hours=1))  # Kinshasa

PACKAGES = {"pdftotext": "poppler-utils", "pdfinfo": "poppler-utils",
            "pdftoppm": "poppler-utils", "cupsd": "cups", "lp": "cups-client",
            "lpstat": "cups-client", "lpadmin": "cups-client"}


def tr(msgid: str, language: str = "fr") -> str:
    """A document label as printed: documents use their own language, not the user's."""
    return translator(language)(msgid)


def need(*binaries: str) -> None:
    """Skip (fail in CI) when a system tool is missing."""
    missing = [b for b in binaries if not find(b)]
    if not missing:
        return
    packages = sorted({PACKAGES.get(b, b) for b in missing})
    message = (f"missing {', '.join(missing)}: apt-get install --no-install-recommends "
               f"{' '.join(packages)}")
    if os.environ.get("CI"):
        pytest.fail(f"{message} (scripts/test installs them in CI)")
    pytest.skip(message)


def pdf_text(pdf: bytes | Path, tmp_path: Path, *, layout: bool = True) -> str:
    need("pdftotext")
    path = pdf if isinstance(pdf, Path) else _write(pdf, tmp_path)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def page_sizes_mm(pdf: bytes | Path, tmp_path: Path) -> list[tuple[float, float]]:
    need("pdfinfo")
    path = pdf if isinstance(pdf, Path) else _write(pdf, tmp_path)
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", str(path)],
                         capture_output=True, text=True, check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)
    return [(round(float(w) * 25.4 / 72, 1), round(float(h) * 25.4 / 72, 1)) for w, h in sizes]


def render_png(pdf: bytes | Path, tmp_path: Path, name: str, dpi: int = 150) -> Path:
    """Page 1 as PNG in tmp_path, also copied to $MIFIN_ARTIFACTS when set."""
    need("pdftoppm")
    path = pdf if isinstance(pdf, Path) else _write(pdf, tmp_path)
    stem = tmp_path / name
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                    str(path), str(stem)], check=True, capture_output=True)
    png = stem.with_suffix(".png")
    artifacts = os.environ.get("MIFIN_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(artifacts) / png.name)
    return png


def ink_ratio(png: Path) -> float:
    """Share of the page's pixels that are not white (0 for a blank page)."""
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    dark = sum(histogram[:200])
    return dark / (grey.width * grey.height)


_counter = iter(range(1_000_000))


def _write(data: bytes, tmp_path: Path) -> Path:
    path = tmp_path / f"doc-{next(_counter)}.pdf"
    path.write_bytes(data)
    return path


def squash(text: str) -> str:
    """Text with runs of whitespace made one space (to find phrases across layout gaps)."""
    return " ".join(text.split())


@pytest.fixture
def make_voucher() -> Callable[..., VoucherDoc]:
    base = VoucherDoc(
        institution="COOPEC « Espoir » de Kalamu",
        branch_code="KIN",
        branch_name="Kalamu",
        series="BE",
        title="BON D'ENTRÉE CAISSE",
        number="BE-KIN-2026-000123",
        business_date=date(2026, 11, 23),
        posted_at=datetime(2026, 11, 23, 14, 5, 12, tzinfo=WAT),
        currency="USD",
        amount=150000,
        amount_words="mille cinq cents dollars américains",
        purpose="Dépôt d’épargne – cotisation «tontine» de novembre",
        party_label="Déposant",
        party_name="Françoise Mbuyi",
        party_id="CNI 1-2345-678",
        account_number="KIN-EP-0001234",
        account_holder="Jean-Baptiste Kabasele",
        balance_after=1234550,
        cashier="Agnès Lukusa",
        till="Caisse 2",
        signatures=("Signature du déposant", "Signature du caissier"),
        copies=("Exemplaire client", "Exemplaire caisse"),
        language="fr",
    )

    def make(**changes: object) -> VoucherDoc:
        return replace(base, **changes)  # type: ignore[arg-type]

    return make


@pytest.fixture
def xof_voucher(make_voucher) -> VoucherDoc:
    return make_voucher(
        series="BS", title="BON DE SORTIE CAISSE", number="BS-KIN-2026-000045",
        currency="XOF", amount=15000, amount_words="quinze mille francs CFA",
        party_label="Bénéficiaire", party_name="Aïssatou Ndiaye", balance_after=None,
        breakdown=(AmountLine("Retrait", 14500), AmountLine("Frais de retrait", 500)),
        purpose="Retrait sur compte à vue — reçu par l’intéressée",
    )
