"""Memory in a long cashier session: short garbage-collection pauses, a log of them,
and the caches that would keep every closed screen's drawing.

A full collection walks every object the process holds. After start-up and the
first screens that is some hundred thousand objects (Textual, the models, the
catalogs) that will live as long as the process: `gc.freeze()` moves them to a
permanent generation that no collection walks again, so a full collection only
looks at what the day's work created. The thresholds are raised moderately so that
the young generations are collected less often while each stays small.

`MIFIN_GC_LOG=path` appends one line per collection, "generation wall-ms cpu-ms
collected", for the session bench (bench/session_memory.py): the CPU time of the
collecting thread tells a long pause from a busy machine.
"""

from __future__ import annotations

import gc
import os
import time
from typing import TextIO

# Generation 0 every 2,000 new containers (CPython's default is 700); the older
# generations at their usual ratio.
THRESHOLDS = (2000, 10, 10)
# Seconds after a screen closed before its garbage is collected (see collect_now).
COLLECT_AFTER = 0.3

_log: TextIO | None = None
_started = (0.0, 0.0)


def _callback(phase: str, info: dict) -> None:
    global _started
    if phase == "start":
        _started = (time.perf_counter(), time.thread_time())
        return
    if _log is not None:
        wall = (time.perf_counter() - _started[0]) * 1000
        cpu = (time.thread_time() - _started[1]) * 1000
        _log.write(f"{info['generation']} {wall:.3f} {cpu:.3f} {info['collected']}\n")
        _log.flush()


def start_log() -> None:
    """Log every collection's pause to the file MIFIN_GC_LOG names, if any."""
    global _log
    path = os.environ.get("MIFIN_GC_LOG")
    if not path or _log is not None:
        return
    _log = open(path, "a", encoding="ascii")  # noqa: SIM115 - kept for the process's life
    gc.callbacks.append(_callback)


def tune() -> None:
    """Moderate thresholds, for the whole process."""
    gc.set_threshold(*THRESHOLDS)


def freeze() -> None:
    """Collect once, then exempt everything alive now from later collections: called
    when what lives for the whole session is loaded (after the first paint, after login)."""
    gc.collect()
    gc.freeze()


def thaw() -> None:
    """At logout: what was frozen for the session (its menu, its screens) may go now."""
    gc.unfreeze()


def release_closed_screens() -> None:
    """Drop what Textual's caches keep of widgets that are gone.

    Textual memoizes `StylesCache.get_inner_outer` with an lru_cache on the method, so
    its keys hold the StylesCache of every widget drawn (up to 1,024 of them), and with
    it each widget's rendered lines: a deposit screen opened and closed left ~0.4 MB
    behind. The cache maps two colours to two styles: recomputed at once when needed.
    """
    from textual._styles_cache import StylesCache

    StylesCache.get_inner_outer.cache_clear()


def collect_now() -> None:
    """A full collection just after a screen closed, while the user reads the next one.

    A closed screen's widgets are cyclic garbage (some 14,000 objects for a deposit and
    its confirmation) that has lived long enough to reach the oldest generation: left to
    the collector's schedule it was freed 100,000 objects at a time, in full collections
    of 250-350 ms CPU in the middle of a later deposit. Screen by screen, a collection
    frees one screen's worth."""
    gc.collect()
