"""Documents built outside the cashier's process: a warm renderer process, recycled.

fpdf2, fontTools and the cut fonts weigh some 45 MB (more where numpy is installed);
loaded into every cashier's session they alone broke its 80 MB. A session at a
terminal or in a browser therefore starts, at login, one `python -m printers.render`
child that loads them and builds every PDF the session prints (printers/render.py):
the child is warm when the first voucher comes (a few ms of pipe, no start-up), it is
replaced after MAX_DOCUMENTS documents, and it ends by itself after IDLE_SECONDS of
quiet, returning its memory; the next document then starts a new one (~0.5 s once).

Commands and tests (a headless app) build in their own process, as before:
`build_pdf` does either. When the child cannot be started or dies mid-document, the
document is built in process: a voucher prints whatever happens.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)

MAX_DOCUMENTS = 200
IDLE_SECONDS = 300.0
ANSWER_TIMEOUT = 120.0  # a report of a thousand pages takes long; a hung child does not


class RenderError(RuntimeError):
    """The document could not be built (the renderer said why)."""


class RendererGone(RuntimeError):
    """The renderer process ended or cannot be reached."""


def _child_env() -> dict[str, str]:
    """The parent's environment, with the folder that holds `printers` on the path (a
    session started from a source tree finds it the same way)."""
    import printers

    root = str(Path(printers.__file__).resolve().parent.parent)
    env = dict(os.environ)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in paths:
        env["PYTHONPATH"] = os.pathsep.join([root, *paths])
    return env


class Renderer:
    """One renderer child at a time, shared by the print threads of one session."""

    def __init__(self, *, max_documents: int = MAX_DOCUMENTS,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        self.max_documents = max_documents
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._served = 0
        self.started = 0  # children started so far (the tests look)

    # --- the child -------------------------------------------------------------------------

    def _spawn(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "printers.render", "--idle", str(self.idle_seconds),
             "--max-documents", str(self.max_documents)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=_child_env(), close_fds=True,
            # Its own session: a terminal's signals reach the app, which decides; the
            # child ends on end of input when the app ends, however it ends.
            start_new_session=True)
        self.started += 1
        self._served = 0
        return proc

    def _alive(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:  # never, idle-ended, died
            self._proc = self._spawn()
        return self._proc

    def _retire(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()  # end of input: it exits
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()

    def _exchange(self, proc: subprocess.Popen[bytes], request: bytes) -> tuple:
        from printers.render import read_frame, write_frame

        assert proc.stdin is not None and proc.stdout is not None
        try:
            write_frame(proc.stdin, request)  # type: ignore[arg-type]
            ready, _w, _x = select.select([proc.stdout], [], [], ANSWER_TIMEOUT)
            payload = read_frame(proc.stdout) if ready else None  # type: ignore[arg-type]
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise RendererGone(str(exc)) from exc
        if payload is None:
            raise RendererGone("no answer")
        return pickle.loads(payload)

    # --- the interface -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the child now (at login), so that it is warm for the first document."""
        with self._lock:
            self._alive()

    def build(self, kind: str, doc: Any, **options: Any) -> bytes:
        """The PDF of `doc`, from the child. RenderError when the document itself fails;
        RendererGone when no child could answer (twice)."""
        request = pickle.dumps((kind, doc, options), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            for attempt in (1, 2):
                proc = self._alive()
                try:
                    status, value = self._exchange(proc, request)
                    break
                except RendererGone:
                    # It ended as the request came (idle time, recycled, killed): a
                    # document is a pure function of its data, so ask a new child.
                    self._retire()
                    if attempt == 2:
                        raise
            self._served += 1
            if self._served >= self.max_documents:
                self._retire()
                self._proc = self._spawn()  # warm again before the next document
        if status != "ok":
            raise RenderError(value)
        return value

    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def close(self) -> None:
        with self._lock:
            self._retire()


_renderer: Renderer | None = None


def enable() -> Renderer:
    """Build this process's documents in a renderer child from now on; start it."""
    global _renderer
    if _renderer is None:
        _renderer = Renderer()
    _renderer.start()
    return _renderer


def disable() -> None:
    global _renderer
    renderer, _renderer = _renderer, None
    if renderer is not None:
        renderer.close()


def current() -> Renderer | None:
    return _renderer


def build_pdf(kind: str, doc: Any, **options: Any) -> bytes:
    """The PDF of `doc` (kinds: printers.render.BUILDERS): from the renderer child when
    this process has one, else built here."""
    renderer = _renderer
    if renderer is not None:
        try:
            return renderer.build(kind, doc, **options)
        except RendererGone:
            _log.warning("the document renderer is unavailable; building %s in process",
                         kind, exc_info=True)
    from printers.render import build

    return build(kind, doc, **options)
