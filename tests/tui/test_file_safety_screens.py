"""The interface on a database it cannot use (issue 22): a damaged file ends the app with
one line; a database locked past the busy timeout at login is one line on the login
screen; an unexpected error shows no local variable (the password being checked)."""

from __future__ import annotations

import sqlite3

from mifin_tui import db
from mifin_tui.app import MifinApp
from mifin_tui.db import files
from mifin_tui.screens.session.login import LoginScreen
from mifin_tui.services.admin import backup
from tests.conftest import ADMIN_PASSWORD
from tests.services.test_restore import corrupt
from tests.tui.conftest import SIZE, login


async def test_a_damaged_file_ends_the_app_with_one_line(admin, tmp_path):
    damaged = backup.backup_to(tmp_path / "damaged.db")
    corrupt(damaged)
    db.close()
    files.release_session()
    lines: list[str] = []
    app = MifinApp(db_path=damaged)
    app._print_error_renderables = lambda: lines.extend(  # what the terminal gets at exit
        str(r) for r in app._exit_renderables)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert len(lines) == 1 and "\n" not in lines[0], lines
    assert "is damaged" in lines[0] and "mifin restore" in lines[0]


async def test_a_locked_database_at_login_is_one_line_without_the_password(admin, db_path):
    holder = sqlite3.connect(db_path, timeout=0.1)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, and writing, and...
    holder.execute("UPDATE institution SET name = name")
    try:
        db.database.execute_sql("PRAGMA busy_timeout = 150")
        app = MifinApp()
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot, "admin", ADMIN_PASSWORD)
            assert isinstance(app.screen, LoginScreen)  # still there, not a traceback
            error = str(app.screen.query_one("#error-password").render())
            assert "The database cannot be used now" in error, error
            assert "locked" in error
            assert ADMIN_PASSWORD not in error
            assert app.screen.query_one("#password").value == ""
    finally:
        holder.rollback()
        holder.close()
    assert app.return_code in (None, 0)


async def _fatal_error_text(typed: str) -> str:
    """What the terminal (or the browser, under `mifin serve`) gets when an error
    reaches the App while a handler holds `typed` in a local variable."""
    app = MifinApp()
    shown: list[str] = []

    def printed() -> None:
        for renderable in app._exit_renderables:
            shown.append("".join(seg.text for seg in renderable.segments))

    app._print_error_renderables = printed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        password = typed  # what a login handler holds
        try:
            raise RuntimeError(f"boom {len(password)}")
        except RuntimeError:
            app._fatal_error()  # the app ends
    return "\n".join(shown)


async def test_an_unexpected_error_shows_no_local_variables(admin, monkeypatch):
    monkeypatch.delenv("MIFIN_DEBUG", raising=False)
    text = await _fatal_error_text("secret-pass-1234")
    assert "RuntimeError" in text and "boom 16" in text, text
    assert "secret-pass-1234" not in text
    # On a developer's machine (MIFIN_DEBUG=1) Textual's own traceback shows them: the
    # check above would see the password there.
    monkeypatch.setenv("MIFIN_DEBUG", "1")
    assert "secret-pass-1234" in await _fatal_error_text("secret-pass-1234")
