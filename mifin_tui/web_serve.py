"""`mifin serve`: textual-serve, with what a branch server needs around it.

textual-serve starts one app process (about 100 MB) for every websocket that opens,
whoever opens it: eight connections took 334 MB, logged in or not, and its page asked
Google for a web font. Here:

- a limit on the sessions open at once (the `serve_max_sessions` setting): beyond it the
  page is told so in one line and the socket closed, no process started;
- a process only for a page that connects for real: the page sends its size as soon as
  its socket opens; a socket that says nothing within a few seconds is closed unanswered;
- the page's font served from this machine (textual-serve ships Roboto Mono): no request
  leaves it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from mifin_tui.i18n import _

log = logging.getLogger("mifin-serve")

# The page sends its size the moment its socket opens; a client that does not within
# this time is no page (a probe, a scanner, a stray reconnect).
FIRST_MESSAGE_SECONDS = 5.0
# Stylesheets fetched from elsewhere (textual-serve's page asks Google Fonts for its font).
_REMOTE_STYLESHEET = re.compile(r"<link\b[^>]*href=\"https?://[^\"]*\"[^>]*/?>", re.S)
_LOCAL_FONT = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf");
        font-style: normal;
      }
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf");
        font-style: italic;
      }
    </style>"""


def local_page(template: str) -> str:
    """textual-serve's page with its remote stylesheet (the web font) replaced by the
    same font from textual-serve's own static folder."""
    page, count = _REMOTE_STYLESHEET.subn(_LOCAL_FONT, template, count=1)
    return _REMOTE_STYLESHEET.sub("", page) if count else page


class MifinServer(Server):
    """textual-serve's Server, limited to `max_sessions` app processes at once."""

    def __init__(self, command: str, *, max_sessions: int, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.max_sessions = max_sessions
        self.sessions = 0

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        template = (Path(self.templates_path) / "app_index.html").read_text(encoding="utf-8")
        aiohttp_jinja2.setup(app, loader=jinja2.DictLoader(
            {"app_index.html": local_page(template)}))
        return app

    async def on_startup(self, app: web.Application) -> None:
        print(_("Mifin is served on {url} (at most {count} sessions at once). "
                "Ctrl+C stops it.").format(url=self.public_url, count=self.max_sessions),
              flush=True)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        try:
            first = await websocket.receive(timeout=FIRST_MESSAGE_SECONDS)
        except TimeoutError:
            await websocket.close()
            return websocket
        if first.type != WSMsgType.TEXT:
            await websocket.close()
            return websocket
        if self.sessions >= self.max_sessions:
            text = _("Mifin: {count} sessions are open, the most this server allows. "
                     "Try again in a moment.").format(count=self.max_sessions)
            await websocket.send_bytes(f"\r\n {text}\r\n".encode())
            await websocket.close()
            log.warning("session refused: %d open", self.sessions)
            return websocket
        self.sessions += 1  # before any await: two sockets cannot both take the last place
        try:
            await self._run_session(request, websocket, first.json())
        finally:
            self.sessions -= 1
        return websocket

    async def _run_session(self, request: web.Request, websocket: web.WebSocketResponse,
                           first: list[Any]) -> None:
        """textual-serve's session, the page's first message already read."""
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        if first and first[0] == "resize":
            width, height = first[1]["width"], first[1]["height"]
        app_service = AppService(
            self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
            close=websocket.close, download_manager=self.download_manager, debug=self.debug)
        try:
            await app_service.start(width, height)
            if first and first[0] == "ping":
                await websocket.send_json(["pong", first[1]])
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 - one session's failure, logged
            log.error("session failed: %s", error)
        finally:
            await app_service.stop()
