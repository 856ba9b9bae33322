"""Shared fixtures: every test gets a real SQLite file in its own temp dir.

The worlds many tests start from (an empty store, the institution of `admin`, the demo
of tests/tui) are built once per pytest worker and copied into each test's own file
(`worlds`): a test still writes only to its file, but does not pay again for migrations,
password hashes and the replayed business days of the world it starts from.

Passwords are hashed with cheap argon2 parameters in this process (see
`auth.use_hash_parameters`); tests marked `production_hashing` get the real ones. The
`mifin` processes the tests start (CLI, tmux) hash with the production parameters and
rehash a cheap hash at login, as they would an old one.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from mifin_tui import db
from mifin_tui.i18n import set_language
from mifin_tui.services.kernel import auth, clock

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

FIRST_DAY = date(2026, 11, 23)
ADMIN_PASSWORD = "Admin-pass-2026"
PASSWORD = "Secret-pass-2026"

# argon2id at its floor (8 KiB, one pass): some 0.1 ms a hash instead of 20-50 ms.
TEST_HASH_PARAMETERS = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}

T = TypeVar("T")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "production_hashing: hash passwords with the production argon2 parameters")


@pytest.fixture(autouse=True)
def _hash_parameters(request: pytest.FixtureRequest) -> Iterator[dict[str, int]]:
    """The argon2 parameters of this test (autouse: set before any world is built)."""
    production = request.node.get_closest_marker("production_hashing") is not None
    parameters = dict(auth.ARGON2_PARAMETERS) if production else TEST_HASH_PARAMETERS
    auth.use_hash_parameters(parameters)
    yield parameters
    auth.use_hash_parameters(TEST_HASH_PARAMETERS)


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # Tests read messages in English (the msgids); screens' French is tested apart.
    set_language("en")
    yield
    set_language("en")


@contextmanager
def clock_from(start: datetime) -> Iterator[None]:
    """The services' wall clock starts at `start` and runs at the real pace: a world
    built on a fixed day, and the tests on it, see the same date on any day they run."""
    started = time.monotonic()
    with clock.simulated(lambda: start + timedelta(seconds=time.monotonic() - started)):
        yield


def copy_world(path: Path, into: Path) -> None:
    """Copy the database `path` to `into` with what stands beside it (a closing's
    `<stem>-closing` folder of backups), renamed after `into`; a checkpointed file's
    -wal, -shm and -journal stay behind."""
    for extra in path.parent.iterdir():
        if extra.name.endswith(("-wal", "-shm", "-journal")):
            continue
        target = into.parent / extra.name.replace(path.stem, into.stem, 1)
        if extra.is_dir():
            shutil.copytree(extra, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(extra, target)


class Worlds:
    """Databases built once per worker (keyed by what they are built from), copied into
    each test's own file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[tuple[Any, ...], tuple[Path, Any]] = {}

    def open_copy(self, key: tuple[Any, ...], build: Callable[[], T], into: Path) -> T:
        """Open at `into` a copy of the world `key`; `build()` makes it the first time, on
        an open, empty, migrated store, and returns what the tests get back each time.
        What the build left beside the file (a closing's `<stem>-closing` folder of
        backups) is copied beside `into` too."""
        if key not in self.built:
            folder = self.root / f"world-{len(self.built)}"
            folder.mkdir()
            path = folder / into.name
            db.close()
            db.open_database(path)
            try:
                result = build()
                # everything in the main file: the copy takes that file alone
                db.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                db.close()
            self.built[key] = (path, result)
        path, result = self.built[key]
        db.close()
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{into}{suffix}").unlink(missing_ok=True)
        copy_world(path, into)
        db.open_database(into)
        return result


@pytest.fixture(scope="session")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Worlds:
    return Worlds(tmp_path_factory.mktemp("worlds"))


class MifinDemos:
    """Demo databases made by the real `mifin demo` command, once per worker for each set
    of arguments; each caller gets its own copy (with its closing folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[tuple[str, ...], tuple[Path, str]] = {}

    def copy(self, into: Path, *args: str) -> tuple[Path, str]:
        """(a copy at `into` of `mifin demo --no-open *args`'s database, what it printed)"""
        from tests.cli.helpers import run

        if args not in self.built:
            folder = self.root / f"demo-{len(self.built)}"
            folder.mkdir()
            path = folder / into.name
            proc = run("demo", "--no-open", *args, db=path)
            assert proc.returncode == 0, proc.stderr
            self.built[args] = (path, proc.stdout)
        path, stdout = self.built[args]
        into.parent.mkdir(parents=True, exist_ok=True)
        copy_world(path, into)  # the command has ended: no -wal left
        return into, stdout


@pytest.fixture(scope="session")
def mifin_demos(tmp_path_factory: pytest.TempPathFactory) -> MifinDemos:
    return MifinDemos(tmp_path_factory.mktemp("mifin-demos"))


@pytest.fixture
def db_path(tmp_path: Path, worlds: Worlds) -> Iterator[Path]:
    path = tmp_path / "mifin.db"
    worlds.open_copy(("empty",), lambda: None, path)
    yield path
    db.close()


# The provision rates the BCC's text leaves to the institution, as the test institution
# filled them at init: 0 % (the tests about provisions set their own).
BCC_RATES = {"impaye": 0, "douteux": 0, "contentieux": 0, "irrecuperable": 0}


def _institution() -> Any:
    import dataclasses

    from mifin_tui.services.admin import institution, users

    ctx = institution.initialize(
        name="COOPEC Test", branch_code="KIN", branch_name="Kalamu", currency="USD",
        regulator="bcc", admin_username="admin", admin_full_name="Admin Test",
        admin_password=ADMIN_PASSWORD, first_day=FIRST_DAY, provision_rates=BCC_RATES,
    )
    # Tests read the screens in English; French has its own tests.
    users.set_language(ctx, "en")
    return dataclasses.replace(ctx, language="en")


@pytest.fixture
def admin(db_path: Path, worlds: Worlds, _hash_parameters: dict[str, int]):
    """An initialised institution (BCC profile, USD) and its administrator's context."""
    key = ("admin", tuple(sorted(_hash_parameters.items())))
    return worlds.open_copy(key, _institution, db_path)


@pytest.fixture
def make_user(admin) -> Callable[..., object]:
    """make_user("cashier") -> the logged-in Context of a new user with those roles."""
    from mifin_tui.db.models import User
    from mifin_tui.services.admin import users

    counter = {"n": 0}

    def make(*roles: str, username: str | None = None, language: str = "en"):
        counter["n"] += 1
        name = username or f"{roles[0].replace('_', '')}{counter['n']}"
        users.add_user(admin, name, f"User {name}", PASSWORD, list(roles), language)
        # as if he had already replaced the temporary password at his first login
        User.update(must_change_password=False).where(User.username == name).execute()
        return auth.login(name, PASSWORD)

    return make
