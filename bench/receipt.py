"""Document build times: an 80 mm voucher receipt, and the cash journal of a busy day.

    python bench/receipt.py                     # 200 warm receipts, 5 journals of 2,000 lines
    python bench/receipt.py --runs 500 --journal-runs 10 --lines 5000 --cold 5

Cold: a fresh Python process imports printers.receipt (fpdf2, fontTools) and builds
its first receipt, which also cuts the shipped DejaVu faces down in memory (once per
process); timed inside that process, the median of --cold processes. Warm: the median
of --runs builds in this process, as a cashier's running terminal sees it. Each receipt
is the full voucher_pdf(): two copies (client, till), measured then drawn, PDF bytes out.
The journal is cash_journal_pdf() of --lines vouchers, two copies (accounting, gérant).
Prints figures; asserts nothing.

Goals (issue 4): receipt <= 30 ms, journal of 2,000 vouchers <= 2 s.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

WAT = timezone(timedelta(hours=1))  # Kinshasa
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def voucher(**changes):
    from dataclasses import replace

    from mifin_tui.services.kernel.documents import AmountLine, VoucherDoc

    doc = VoucherDoc(
        institution="COOPEC « Espoir » de Kalamu", branch_code="KIN", branch_name="Kalamu",
        series="BR", title="BON DE REMBOURSEMENT", number="BR-KIN-2026-004217",
        business_date=date(2026, 11, 23), posted_at=datetime(2026, 11, 23, 14, 5, 12, tzinfo=WAT),
        currency="USD", amount=150000, amount_words="mille cinq cents dollars américains",
        purpose="Remboursement de l’échéance n° 7 du prêt « Tontine » 2026-0012",
        party_label="Déposant", party_name="Françoise Mbuyi", party_id="CNI 1-2345-678",
        account_number="KIN-PR-0001234", account_holder="Jean-Baptiste Kabasele",
        balance_after=1234550,
        breakdown=(AmountLine("Capital", 120000), AmountLine("Intérêts", 25000),
                   AmountLine("Pénalités de retard", 5000)),
        cashier="Agnès Lukusa", till="Caisse 2",
        signatures=("Signature du déposant", "Signature du caissier"),
        copies=("Exemplaire client", "Exemplaire caisse"), language="fr",
    )
    return replace(doc, **changes)


def journal(n: int):
    from mifin_tui.services.kernel.documents import CashJournalDoc, CashJournalLine

    labels = ("Dépôt sur compte d’épargne", "Retrait sur compte à vue",
              "Remboursement prêt « Tontine » n° 2026-0012 – échéance 3/12 du groupement",
              "Approvisionnement de la caisse depuis le coffre")
    opening = balance = 5_000_000
    total_in = total_out = 0
    lines = []
    for i in range(n):
        amount = (i * 7919 % 500 + 1) * 500
        amount_in, amount_out = (amount, 0) if i % 3 else (0, min(amount, balance))
        balance += amount_in - amount_out
        total_in += amount_in
        total_out += amount_out
        lines.append(CashJournalLine(
            number=f"BE-KIN-2026-{i + 1:06d}", time=f"{8 + i * 10 // n:02d}:{i % 60:02d}",
            label=labels[i % len(labels)], account=f"KIN-EP-{i * 37 % 99991:07d}",
            amount_in=amount_in, amount_out=amount_out, balance=balance,
            cashier="Agnès Lukusa"))
    return CashJournalDoc(
        institution="COOPEC « Espoir » de Kalamu", branch_code="KIN", branch_name="Kalamu",
        scope="Caisse 2", business_date=date(2026, 11, 23), currency="XOF",
        opening_balance=opening, lines=tuple(lines), total_in=total_in, total_out=total_out,
        closing_balance=balance, counted_opening=opening, counted_closing=balance,
        difference=0, cashiers=("Agnès Lukusa",), printed_by="Marie Kalala",
        printed_at=datetime(2026, 11, 23, 18, 2, tzinfo=WAT),
        copies=("Exemplaire comptabilité", "Exemplaire gérant"),
        signatures=("Le caissier", "Le comptable", "Le gérant"), language="fr")


COLD = """
import json, sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from printers.receipt import voucher_pdf
t1 = time.perf_counter()
sys.path.insert(0, {bench!r})
from receipt import voucher
doc = voucher()
t2 = time.perf_counter()
voucher_pdf(doc, 80)
t3 = time.perf_counter()
voucher_pdf(doc, 80)
t4 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "first": t3 - t2, "second": t4 - t3}}))
"""


def cold(runs: int) -> dict[str, float]:
    code = COLD.format(root=str(ROOT), bench=str(Path(__file__).parent))
    results = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                         text=True, check=True).stdout)
               for _ in range(runs)]
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def timed(fn, runs: int) -> tuple[float, float, float, object]:
    times = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), max(times), out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="warm receipt builds")
    parser.add_argument("--cold", type=int, default=3, help="fresh processes for the cold build")
    parser.add_argument("--lines", type=int, default=2000, help="vouchers in the journal")
    parser.add_argument("--journal-runs", type=int, default=5)
    args = parser.parse_args()

    c = cold(args.cold)
    print(f"cold, fresh process (median of {args.cold}):")
    print(f"  {'import printers.receipt (fpdf2, fontTools)':<44} {ms(c['import'])}")
    print(f"  {'first 80 mm receipt (cuts the fonts)':<44} {ms(c['first'])}")
    print(f"  {'second receipt':<44} {ms(c['second'])}")

    from printers.journal import cash_journal_pdf
    from printers.receipt import voucher_a4_pdf, voucher_pdf

    doc = voucher()
    voucher_pdf(doc, 80)
    print(f"warm, median of {args.runs} (min / max), two copies each:")
    for label, fn in (
        ("80 mm receipt", lambda: voucher_pdf(doc, 80)),
        ("58 mm receipt", lambda: voucher_pdf(doc, 58)),
        ("A4 form (2 x A5)", lambda: voucher_a4_pdf(doc)),
    ):
        med, lo, hi, pdf = timed(fn, args.runs)
        print(f"  {label:<44} {ms(med)}  ({ms(lo).strip()} / {ms(hi).strip()}), "
              f"{len(pdf) / 1024:.0f} kB")  # type: ignore[arg-type]
    for label, changes in (
        ("80 mm, extended-Latin name (ŋ ɔ ɛ)", {"party_name": "Ŋgɔnɛ Ọlọ́run"}),
        ("80 mm, Cyrillic name (full fonts)", {"party_name": "Жанна Иванова"}),
    ):
        d = voucher(**changes)
        voucher_pdf(d, 80)  # the cut for these characters, once per process
        med, lo, hi, _ = timed(lambda d=d: voucher_pdf(d, 80), max(args.runs // 10, 5))
        print(f"  {label:<44} {ms(med)}")

    jdoc = journal(args.lines)
    t = time.perf_counter()
    pdf = cash_journal_pdf(jdoc)
    first = time.perf_counter() - t
    med, lo, hi, pdf = timed(lambda: cash_journal_pdf(jdoc), args.journal_runs)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))  # type: ignore[arg-type]
    print(f"cash journal, {args.lines} vouchers, two copies "
          f"({pages} pages, {len(pdf) / 1024:.0f} kB):")  # type: ignore[arg-type]
    print(f"  first {ms(first)}   median of {args.journal_runs} {ms(med)}  "
          f"({ms(lo).strip()} / {ms(hi).strip()})")


if __name__ == "__main__":
    main()
