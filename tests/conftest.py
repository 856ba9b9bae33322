"""Shared fixtures: every test gets a real SQLite file in its own temp dir.

The worlds many tests start from (an empty store, the institution of `admin`, the demo
of tests/tui) are built once per test run and copied into each test's own file
(`worlds`): a test still writes only to its file, but does not pay again for migrations,
password hashes and the replayed business days of the world it starts from. The pytest-xdist
workers share them: the first worker that needs a world builds it under a file lock in the
run's common temp folder, the others wait for it and copy it (on two cores, four workers
each building the demo with its history was a minute of CI).

Passwords are hashed with cheap argon2 parameters in this process (see
`auth.use_hash_parameters`); tests marked `production_hashing` get the real ones. The
`mifin` processes the tests start (CLI, tmux) hash with the production parameters and
rehash a cheap hash at login, as they would an old one.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
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
ADMIN_PASSWORD = "Kalamu-pass-2026"
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
    # A command run in this process (main(["--lang", ...])) chose the language of the
    # process: forgotten, so that the next test's users speak their own.
    import mifin_tui.i18n

    set_language("en")
    mifin_tui.i18n._chosen = None
    yield
    set_language("en")
    mifin_tui.i18n._chosen = None


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
        if extra.name.endswith(("-wal", "-shm", "-journal")) or extra.name == "built.pickle":
            continue
        target = into.parent / extra.name.replace(path.stem, into.stem, 1)
        if extra.is_dir():
            shutil.copytree(extra, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(extra, target)


def _shared_root(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """The folder every worker of this run sees (the run's base temp folder under xdist)."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    root.mkdir(exist_ok=True)
    return root


@contextmanager
def _built_once(root: Path, key: tuple[Any, ...]) -> Iterator[tuple[Path, bool]]:
    """(the folder of `key` under `root`, whether it still has to be built), holding the
    key's lock: one worker builds while the others wait, then they read what it left."""
    name = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder, not (folder / "built.pickle").exists()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class Worlds:
    """Databases built once per run (keyed by what they are built from, shared by the
    workers), copied into each test's own file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[tuple[Any, ...], tuple[Path, Any]] = {}

    def open_copy(self, key: tuple[Any, ...], build: Callable[[], T], into: Path) -> T:
        """Open at `into` a copy of the world `key`; `build()` makes it the first time, on
        an open, empty, migrated store, and returns what the tests get back each time (it
        must pickle: another worker reads it). What the build left beside the file (a
        closing's `<stem>-closing` folder of backups) is copied beside `into` too."""
        if key not in self.built:
            with _built_once(self.root, key) as (folder, to_build):
                if to_build:
                    shutil.rmtree(folder, ignore_errors=True)  # a build that failed
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
                    (folder / "built.pickle").write_bytes(pickle.dumps((path, result)))
                path, result = pickle.loads((folder / "built.pickle").read_bytes())
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
    return Worlds(_shared_root(tmp_path_factory, "worlds"))


class MifinDemos:
    """Demo databases made by the real `mifin demo` command, once per run for each set
    of arguments (shared by the workers); each caller gets its own copy (with its closing
    folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[tuple[str, ...], tuple[Path, str]] = {}

    def copy(self, into: Path, *args: str) -> tuple[Path, str]:
        """(a copy at `into` of `mifin demo --no-open *args`'s database, what it printed)"""
        from tests.cli.helpers import run

        if args not in self.built:
            with _built_once(self.root, args) as (folder, to_build):
                if to_build:
                    shutil.rmtree(folder, ignore_errors=True)
                    folder.mkdir()
                    path = folder / into.name
                    proc = run("demo", "--no-open", *args, db=path)
                    assert proc.returncode == 0, proc.stderr
                    (folder / "built.pickle").write_bytes(pickle.dumps((path, proc.stdout)))
                self.built[args] = pickle.loads((folder / "built.pickle").read_bytes())
        path, stdout = self.built[args]
        into.parent.mkdir(parents=True, exist_ok=True)
        copy_world(path, into)  # the command has ended: no -wal left
        return into, stdout


@pytest.fixture(scope="session")
def mifin_demos(tmp_path_factory: pytest.TempPathFactory) -> MifinDemos:
    return MifinDemos(_shared_root(tmp_path_factory, "mifin-demos"))


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


# MIFIN_TEST_CPU=FILE: each test's CPU seconds (this process and the processes it waited
# for: the mifin commands, pdftotext), appended to FILE. Wall times lie on a loaded
# two-core machine; CPU time says what a test costs CI.
if os.environ.get("MIFIN_TEST_CPU"):
    import resource

    def _cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        start = _cpu()
        yield
        with open(os.environ["MIFIN_TEST_CPU"], "a") as out:
            out.write(f"{_cpu() - start:.2f}\t{item.nodeid}\n")


# The longest tests first, so that the run ends on short ones (longest processing time
# first): started last, a minute-long test kept one core busy while the others had
# nothing left. With `--dist load --maxschedchunk 2` (scripts/test) the workers take them
# two at a time, in this order, each to its own worker. Each one that builds a shared
# world comes before the others that wait for it.
SLOW_FIRST = (
    "tests/services/test_par_trend_snapshots.py",
    "tests/tui/test_screens_fit.py::test_every_menu_screen",
    "tests/cli/test_cli.py::test_demo_is_deterministic",
    "tests/tui/test_loan_file.py::test_override",
    "tests/services/test_demo_history.py::test_demo_history_is_the_same",
    "tests/tui/test_loan_life.py",
    "tests/services/test_posting_memory.py",
    "tests/tui/test_arrears.py",
    "tests/tui/test_loan_application_screen.py",
    "tests/tui/test_members.py",
    "tests/cli/test_cli.py::test_demo_ends_on_the_day",
    "tests/cli/test_reports.py",
    "tests/e2e/test_concurrency.py",
    "tests/services/test_demo_loans_life.py",
    "tests/tui/test_session_memory.py",
    "tests/e2e/test_idle_quiet.py",
    "tests/cli/test_report_exports.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next((i for i, prefix in enumerate(SLOW_FIRST)
                     if item.nodeid.startswith(prefix)), len(SLOW_FIRST))

    items.sort(key=rank)  # stable: the rest keep their order
