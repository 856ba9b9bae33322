"""A first-come queue in front of SQLite's write lock, shared by every process of a branch.

SQLite lets writers wait in its busy handler: each one sleeps, wakes, tries, sleeps
longer. Under eight cashiers posting at once, one of them can lose again and again
(4.3-5.7 s measured), while another wins twice in a row. Here a writer takes a ticket,
then waits for the writer before it, and only then runs BEGIN IMMEDIATE: postings are
granted in the order they were asked for, each waiting at most for the postings queued
before it.

How, with the kernel doing the waiting (no polling, nothing left behind by a crash):
the file `<database>.write-queue` beside the database holds the ticket counter (its
first 8 bytes, changed under a short `flock`), and one byte-range lock per ticket slot
(open-file-description locks, F_OFD_SETLKW). Ticket t locks its own slot while it takes
its ticket, waits until it can lock slot t-1 (its predecessor releases it when its
transaction ends), lets it go at once, and releases its own slot when its transaction
ends. A process that dies releases its locks: the next writer goes on.

Threads of one process queue on a threading lock first: one writer per process at a
time holds a ticket (one connection per thread, one turn per process).
"""

from __future__ import annotations

import fcntl
import logging
import os
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_log = logging.getLogger(__name__)

SLOTS = 4096  # tickets in flight at most; a slot is reused SLOTS tickets later
SLOT_BASE = 4096  # byte offset of slot 0 (the counter sits at offset 0)
_COUNTER = struct.Struct(">Q")


def _range_lock(fd: int, offset: int, kind: int) -> None:
    """An open-file-description lock on one byte (F_WRLCK, or F_UNLCK), waiting for it."""
    # struct flock on Linux: l_type, l_whence (short), l_start, l_len (off_t), l_pid
    # (0 for OFD locks), padded to 32 bytes.
    arg = struct.pack("hhxxxxqqi4x", kind, os.SEEK_SET, offset, 1, 0)
    fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, arg)


class WriteQueue:
    """The queue of one database file, for this process."""

    def __init__(self, db_file: Path) -> None:
        self.db_file = db_file
        self.path = db_file.with_name(f"{db_file.name}.write-queue")
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0
        self._local = threading.local()

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own
            # As open as the database itself: whoever may post may queue, no one else.
            try:
                mode = self.db_file.stat().st_mode & 0o666
            except OSError:
                mode = 0o600
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, mode)
            self._pid = os.getpid()
        return self._fd

    def _take_ticket(self, fd: int) -> int:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            raw = os.pread(fd, _COUNTER.size, 0)
            ticket = _COUNTER.unpack(raw)[0] if len(raw) == _COUNTER.size else 0
            os.pwrite(fd, _COUNTER.pack(ticket + 1), 0)
            # Free at once but in a crash of a writer SLOTS tickets ago still queued.
            _range_lock(fd, SLOT_BASE + ticket % SLOTS, fcntl.F_WRLCK)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        return ticket

    @contextmanager
    def turn(self) -> Iterator[int]:
        """Wait for this writer's turn; hold it inside the block. Yields the ticket."""
        with self._thread_lock:
            fd = self._file()
            ticket = self._take_ticket(fd)
            own = SLOT_BASE + ticket % SLOTS
            try:
                before = SLOT_BASE + (ticket - 1) % SLOTS
                if ticket > 0 and before != own:
                    _range_lock(fd, before, fcntl.F_WRLCK)  # the writer before has finished
                    _range_lock(fd, before, fcntl.F_UNLCK)
                self._local.ticket = ticket
                yield ticket
            finally:
                self._local.ticket = None
                _range_lock(fd, own, fcntl.F_UNLCK)

    def held_ticket(self) -> int | None:
        """The ticket this thread holds the turn with, if any (tests record the order)."""
        return getattr(self._local, "ticket", None)

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


_queues: dict[str, WriteQueue | None] = {}
_queues_lock = threading.Lock()


def queue_for(db_file: str) -> WriteQueue | None:
    """This process's queue for the database file `db_file`; None for a database without a
    file of its own (in memory) or beside which no file can be made (a read-only copy)."""
    if not db_file or db_file == ":memory:" or db_file.startswith("file:"):
        return None
    if os.environ.get("MIFIN_WRITE_QUEUE", "1") == "0":
        return None  # the bench's comparison; a share whose file system has no OFD locks
    key = str(Path(db_file).resolve())
    with _queues_lock:
        if key not in _queues:
            queue: WriteQueue | None = WriteQueue(Path(key))
            try:
                queue._file()  # type: ignore[union-attr]
            except OSError as exc:
                _log.warning("no write queue beside %s (%s): writers wait in SQLite", key, exc)
                queue = None
            _queues[key] = queue
        return _queues[key]
