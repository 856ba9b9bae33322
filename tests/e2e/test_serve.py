"""`mifin serve`: the same app in a browser, driven here through textual-serve's websocket
protocol (what the page's JavaScript speaks): same login, same menu, same database."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time

import pytest

from tests.cli.helpers import MIFIN
from tests.e2e.test_tui_tmux import demo  # noqa: F401

aiohttp = pytest.importorskip("aiohttp")
pytestmark = pytest.mark.e2e

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(demo):
    db, users = demo
    port = _free_port()
    # its own process group: textual-serve's app processes outlive a plain kill
    proc = subprocess.Popen([*MIFIN, "--lang", "en", "--db", str(db), "serve", "--port",
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(proc.stdout.read().decode() if proc.stdout else "no output")
            time.sleep(0.1)
    try:
        yield port, db, users
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


async def _session(port: int, user: str, password: str) -> tuple[str, str]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/") as page:
            assert page.status == 200
            html = await page.text()
        async with http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=80&height=24") as ws:
            screen = ""

            async def read_until(pattern: str, timeout: float = 30) -> str:
                nonlocal screen
                deadline = time.monotonic() + timeout
                while not re.search(pattern, ANSI.sub("", screen)):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        pytest.fail(f"{pattern!r} never came:\n{ANSI.sub('', screen)[-2000:]}")
                    try:
                        msg = await ws.receive(timeout=left)
                    except TimeoutError:
                        continue
                    if msg.type == aiohttp.WSMsgType.BINARY:
                        screen += msg.data.decode("utf-8", "replace")
                    elif msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                        pytest.fail("the websocket closed")
                return ANSI.sub("", screen)

            await ws.send_json(["resize", {"width": 80, "height": 24}])
            await read_until(r"User name|Nom d.utilisateur")
            await ws.send_json(["stdin", user + "\r"])
            await asyncio.sleep(0.3)
            await ws.send_json(["stdin", password + "\r"])
            text = await read_until(r"Main menu|Menu principal")
            await ws.send_json(["stdin", "\x11"])  # Ctrl+Q
            return html, text


def test_a_browser_session_logs_in_and_is_audited(server):
    port, db, users = server
    html, text = asyncio.run(_session(port, "controleur", users["controleur"]))
    assert "Mifin" in html
    assert "COOPEC Tujenge" in text
    with sqlite3.connect(db) as conn:
        logins = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'login' AND "
                              "username = 'controleur'").fetchone()[0]
    assert logins >= 1


def test_serve_listens_on_loopback_only_by_default(server):
    port, _db, _users = server
    out = subprocess.run(["ss", "-ltn"], capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("ss is not available")
    lines = [ln for ln in out.stdout.splitlines() if f":{port} " in ln]
    assert lines and all("127.0.0.1:" in ln for ln in lines), lines
