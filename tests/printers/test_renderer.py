"""Documents built in the renderer process (printers/render.py, output/renderer.py): the
same PDF text as in process, errors reported, the child recycled and replaced."""

from __future__ import annotations

import os
import signal

import pytest

from mifin_tui.output.renderer import Renderer, RenderError
from printers.render import build
from tests.printers.conftest import pdf_text


@pytest.fixture
def renderer():
    r = Renderer(max_documents=4)
    yield r
    r.close()


def test_the_renderer_prints_what_the_app_printed_itself(renderer, make_voucher, tmp_path):
    doc = make_voucher()
    for kind, options in (("voucher", {"paper_mm": 80}), ("voucher", {"paper_mm": 58}),
                          ("voucher_a4", {})):
        here = build(kind, doc, **options)
        there = renderer.build(kind, doc, **options)
        assert pdf_text(there, tmp_path) == pdf_text(here, tmp_path)
        assert "BE-KIN-2026-000123" in pdf_text(there, tmp_path)
    assert renderer.started == 1


def test_a_document_that_fails_is_reported_and_the_next_prints(renderer, make_voucher,
                                                                tmp_path):
    doc = make_voucher()
    with pytest.raises(RenderError, match="unsupported roll width 33 mm"):
        renderer.build("voucher", doc, paper_mm=33)
    assert "BE-KIN-2026-000123" in pdf_text(renderer.build("voucher", doc), tmp_path)
    assert renderer.started == 1


def test_the_child_is_recycled_and_replaced_when_it_dies(renderer, make_voucher, tmp_path):
    doc = make_voucher()
    for _ in range(4):  # max_documents: the fourth ends this child, a new one is started
        renderer.build("voucher", doc)
    assert renderer.started == 2
    pid = renderer.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)  # killed (out of memory, by hand): the next document
    assert "BE-KIN-2026-000123" in pdf_text(renderer.build("voucher", doc), tmp_path)
    assert renderer.started == 3
