"""Every document by name, and the renderer process that builds them away from the app.

`build("voucher", doc, paper_mm=80)` gives a document's PDF bytes in this process.
`python -m printers.render` serves the same builds to the process that started it:
fpdf2, fontTools and their fonts (some 45 MB, more where numpy is installed) then
live in that short-lived process, never in a cashier's session, which stays small all
day. The parent's side (start, recycle, fall back) is mifin_tui/output/renderer.py.

The protocol, on the child's stdin and stdout: frames of a 4-byte big-endian length
and a pickle. A request is (kind, doc, options); the answer ("ok", pdf_bytes) or
("error", "one line"). Pickle, because the documents are the services' dataclasses
(dates, tuples, nested rows) and both ends are this program, over a pipe no one else
holds. The process ends on end of input (its parent ended), after `--idle` seconds
without a request (its memory goes back to the system while the counter is quiet),
or after `--max-documents` documents (fpdf2's caches never grow for long).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pickle
import select
import struct
import sys
from typing import Any, BinaryIO

# kind -> (module, function): the documents a screen or a command prints.
BUILDERS: dict[str, tuple[str, str]] = {
    "voucher": ("printers.receipt", "voucher_pdf"),
    "voucher_a4": ("printers.receipt", "voucher_a4_pdf"),
    "cash_journal": ("printers.journal", "cash_journal_pdf"),
    "schedule": ("printers.schedule", "schedule_pdf"),
    "member_form": ("printers.member_form", "member_form_pdf"),
    "closing_report": ("printers.closing_report", "closing_report_pdf"),
    "report": ("printers.report", "report_pdf"),
    "statement": ("printers.statement", "statement_pdf"),
    "passbook": ("printers.passbook", "passbook_pdf"),
    "contract": ("printers.loan_contract", "contract_pdf"),
    "minutes": ("printers.loan_contract", "minutes_pdf"),
}

HEADER = struct.Struct(">I")
IDLE_SECONDS = 300.0
MAX_DOCUMENTS = 200


def build(kind: str, doc: Any, **options: Any) -> bytes:
    """The PDF of `doc`, built in this process by the builder registered as `kind`."""
    module, function = BUILDERS[kind]
    return getattr(importlib.import_module(module), function)(doc, **options)


def write_frame(out: BinaryIO, payload: bytes) -> None:
    out.write(HEADER.pack(len(payload)) + payload)
    out.flush()


def _read_exact(inp: BinaryIO, size: int) -> bytes:
    """`size` bytes, fewer only at end of input (a pipe hands over what it has)."""
    chunks, left = [], size
    while left:
        chunk = inp.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(inp: BinaryIO) -> bytes | None:
    """One frame's payload; None at end of input."""
    head = _read_exact(inp, HEADER.size)
    if len(head) < HEADER.size:
        return None
    size = HEADER.unpack(head)[0]
    payload = _read_exact(inp, size)
    return payload if len(payload) == size else None


def answer(request: bytes) -> bytes:
    """The pickled answer to one pickled request; a failure is an answer too."""
    try:
        kind, doc, options = pickle.loads(request)
        reply: tuple = ("ok", build(kind, doc, **options))
    except Exception as exc:  # the app reports it as "not printed (...)"; we go on
        reply = ("error", f"{type(exc).__name__}: {exc}")
    return pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)


def serve(inp: BinaryIO, out: BinaryIO, *, idle_seconds: float = IDLE_SECONDS,
          max_documents: int = MAX_DOCUMENTS) -> int:
    """Answer requests until end of input, `idle_seconds` of silence or `max_documents`;
    returns how many were answered."""
    from printers._fonts import warm_up

    warm_up()  # the receipt fonts cut now: the first voucher comes as fast as the next
    served = 0
    while served < max_documents:
        ready, _w, _x = select.select([inp], [], [], idle_seconds)
        if not ready:
            break
        request = read_frame(inp)
        if request is None:
            break
        write_frame(out, answer(request))
        served += 1
    return served


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build Mifin documents for the parent "
                                     "process (frames on stdin and stdout).")
    parser.add_argument("--idle", type=float, default=IDLE_SECONDS)
    parser.add_argument("--max-documents", type=int, default=MAX_DOCUMENTS)
    args = parser.parse_args(argv)
    # Frames go to the original stdout alone: a stray print lands on stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    inp = os.fdopen(os.dup(sys.stdin.fileno()), "rb", buffering=0)
    serve(inp, out, idle_seconds=args.idle, max_documents=args.max_documents)
    return 0


if __name__ == "__main__":
    sys.exit(main())
