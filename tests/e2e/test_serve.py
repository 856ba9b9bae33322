"""`mifin serve`: the same app in a browser, driven here through textual-serve's websocket
protocol (what the page's JavaScript speaks): same login, same menu, same database."""

from __future__ import annotations

import asyncio
import contextlib
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
    with _serving(db) as (port, _proc):
        yield port, db, users


@contextlib.contextmanager
def _serving(db, *options: str):
    port = _free_port()
    # its own process group: textual-serve's app processes outlive a plain kill
    proc = subprocess.Popen([*MIFIN, "--lang", "en", "--db", str(db), "serve", "--port",
                             str(port), *options], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
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
        yield port, proc
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


def _app_processes(server_pid: int) -> list[str]:
    """The app processes the server started (its session, less itself)."""
    out = subprocess.run(["ps", "-o", "pid=,args=", "-s", str(server_pid)],
                         capture_output=True, text=True).stdout
    return [line for line in out.splitlines()  # (not the shells that start them)
            if "mifin" in line and " serve " not in line and int(line.split()[0]) != server_pid
            and line.split()[1] not in ("/bin/sh", "sh")]


async def _flood(port: int, count: int, server_pid: int
                 ) -> tuple[list[str], list[str], list[str]]:
    """Open `count` sockets as pages do (their size first), plus one that says nothing;
    returns the sockets' first words, the refusals' text and the app processes running
    while the sockets were open."""
    async with aiohttp.ClientSession() as http:
        sockets = [await http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=80&height=24")
                   for _ in range(count)]
        silent = await http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=80&height=24")
        for ws in sockets:
            await ws.send_json(["resize", {"width": 80, "height": 24}])
        firsts, refusals = [], []
        for ws in sockets:
            msg = await ws.receive(timeout=60)
            text = msg.data.decode("utf-8", "replace") if msg.type == aiohttp.WSMsgType.BINARY \
                else str(msg.data)
            firsts.append(text)
            if "sessions are open" in text:
                refusals.append(text)
                closed = await ws.receive(timeout=10)
                assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        # the silent one is closed unanswered, no process started for it
        closed = await silent.receive(timeout=15)
        assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), closed
        return firsts, refusals, _app_processes(server_pid)


def test_a_flood_of_sockets_stays_within_the_session_limit(demo):
    db, _users = demo
    with _serving(db, "--max-sessions", "2") as (port, proc):
        firsts, refusals, running = asyncio.run(_flood(port, 8, proc.pid))
        assert len(refusals) == 6, firsts
        assert len(running) == 2, running


def test_the_page_asks_nothing_from_elsewhere(server):
    port, _db, _users = server

    async def page() -> tuple[str, int]:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/") as response:
                html = await response.text()
            font = re.search(r'url\("([^"]+\.ttf)"\)', html).group(1)
            async with http.get(font) as response:
                return html, response.status

    html, font_status = asyncio.run(page())
    urls = re.findall(r'(?:href|src|url\()=?"?(https?://[^"\s)]+)', html)
    assert urls and all(u.startswith(f"http://127.0.0.1:{port}/") for u in urls), urls
    assert "googleapis" not in html and font_status == 200
