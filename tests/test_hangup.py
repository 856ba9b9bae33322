"""A terminal whose other end is gone: the writer of Textual's output learns it once and
then drops what follows (it never blocks, never raises again)."""

from __future__ import annotations

import os

from mifin_tui.hangup import _GuardedOutput


def test_a_dead_output_is_reported_once_and_then_ignored():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the client is gone: writing raises EPIPE
    file = os.fdopen(write_end, "w")
    lost = []
    output = _GuardedOutput(file, lambda: lost.append(True))
    output.write("screen")
    output.flush()
    assert lost == [True] and output.dead and not output.isatty()
    output.write("more")
    output.flush()
    assert lost == [True]
    # the descriptor now leads nowhere: closing it flushes without an error
    file.write("left in the buffer")
    file.close()


def test_a_live_output_is_written_through():
    read_end, write_end = os.pipe()
    file = os.fdopen(write_end, "w")
    output = _GuardedOutput(file, lambda: None)
    output.write("screen")
    output.flush()
    assert os.read(read_end, 100) == b"screen" and not output.dead
    file.close()
    os.close(read_end)
