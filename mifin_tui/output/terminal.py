"""The session's own terminal as a way to the cashier's printer.

A terminal driver that can put raw bytes on the terminal between two frames of the
screen (mifin_tui.thin_driver) attaches its writer here while the application runs; the
printing path takes it for the "terminal" printer (the ANSI pass-through). A session
without one (a browser, the tests' headless driver, no screen) has none: printing
there says so instead of writing into nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Writer = Callable[[bytes], None]

_writer: Writer | None = None


def attach(writer: Writer) -> None:
    global _writer
    _writer = writer


def detach(writer: Writer) -> None:
    global _writer
    if _writer == writer:
        _writer = None


def writer() -> Writer | None:
    """What writes raw bytes to this session's terminal, or None."""
    return _writer
