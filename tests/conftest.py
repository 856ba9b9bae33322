"""Shared fixtures: every test gets a real SQLite file in its own temp dir."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from mifin_tui import db
from mifin_tui.i18n import set_language

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

FIRST_DAY = date(2026, 11, 23)
ADMIN_PASSWORD = "Admin-pass-2026"
PASSWORD = "Secret-pass-2026"


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # Tests read messages in English (the msgids); screens' French is tested apart.
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "mifin.db"
    db.open_database(path)
    yield path
    db.close()


@pytest.fixture
def admin(db_path: Path):
    """An initialised institution (BCC profile, USD) and its administrator's context."""
    import dataclasses

    from mifin_tui.services.admin import institution, users

    ctx = institution.initialize(
        name="COOPEC Test", branch_code="KIN", branch_name="Kalamu", currency="USD",
        regulator="bcc", admin_username="admin", admin_full_name="Admin Test",
        admin_password=ADMIN_PASSWORD, first_day=FIRST_DAY,
    )
    # Tests read the screens in English; French has its own tests.
    users.set_language(ctx, "en")
    return dataclasses.replace(ctx, language="en")


@pytest.fixture
def make_user(admin) -> Callable[..., object]:
    """make_user("cashier") -> the logged-in Context of a new user with those roles."""
    from mifin_tui.db.models import User
    from mifin_tui.services.admin import users
    from mifin_tui.services.kernel import auth

    counter = {"n": 0}

    def make(*roles: str, username: str | None = None, language: str = "en"):
        counter["n"] += 1
        name = username or f"{roles[0].replace('_', '')}{counter['n']}"
        users.add_user(admin, name, f"User {name}", PASSWORD, list(roles), language)
        # as if he had already replaced the temporary password at his first login
        User.update(must_change_password=False).where(User.username == name).execute()
        return auth.login(name, PASSWORD)

    return make
