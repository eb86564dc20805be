"""Opening a project file safely: recognise it, refuse what is not ours, set pragmas, migrate."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core.errors import DamagedProject, NotAProject, ProjectError
from annotator.core.store import migrations, safeguard
from annotator.core.store.migrations import APPLICATION_ID, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000
SQLITE_HEADER = b"SQLite format 3\x00"
#: SQLite's result code for "file is not a database" (its header is not SQLite's).
SQLITE_NOTADB = 26
SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH = 14, 3, 23
#: Where SQLite's unix VFS takes its shared locks (PENDING_BYTE + 2, 510 bytes).
_SHARED_FIRST, _SHARED_SIZE = 0x40000000 + 2, 510


# Never open(), read or close a project file (or its -wal/-shm/-journal) with anything but
# SQLite: on POSIX, closing *any* descriptor of a file drops *all* of this process's fcntl locks
# on it, including the ones SQLite holds for the window's connection. Another process then
# believes it is alone, checkpoints and deletes the write-ahead log under the window, and the
# project is corrupted. SQLite shares one descriptor per file among a process's connections and
# keeps it open while any of them holds a lock, so everything here goes through SQLite.


def read_only_uri(path: Path) -> str:
    """An SQLite URI opening `path` read-only; every character of the name is escaped (a file
    named `bob#1.sqlite` or `x?y.sqlite` is that file, not a URI fragment or query)."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def connect_read_only(path: Path, *, timeout: float = BUSY_TIMEOUT_MS / 1000) -> sqlite3.Connection:
    """A read-only connection that runs nothing of the file's schema with side effects."""
    conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None, timeout=timeout)
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_not_a_database(exc: sqlite3.Error) -> bool:
    """True when SQLite refused the file because it is not an SQLite database at all."""
    return _primary_code(exc) == SQLITE_NOTADB


def is_unreadable(exc: sqlite3.Error) -> bool:
    """True when SQLite could not open the file at all (permissions, a vanished folder)."""
    return _primary_code(exc) in (SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH)


def has_sqlite_header(path: Path) -> bool:
    """Whether the file starts as an SQLite database does: a damaged project, when SQLite has
    refused it, rather than another kind of file.

    Call this only after SQLite refused the file (`is_not_a_database`): then no connection of
    this process can be using it, so closing this descriptor drops no lock that matters.
    """
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def in_use_by_another_process(path: Path) -> bool:
    """Whether another process (a window, a command) has the project open.

    Every open connection in WAL mode holds a shared lock on SQLite's "shared" byte range of
    the file for as long as it is open; a non-blocking exclusive lock on that range is refused
    while any does. Nothing is read or written, and no SQLite connection is opened (closing one
    would checkpoint the -wal of a crashed project that restore must keep byte for byte).

    This opens and closes the file itself, which drops this process's own locks on it (see
    above): call it only where this process has closed its connections, before replacing the
    file (restore). On Windows (no fcntl) it answers False; replacing an open file fails there.
    """
    try:
        import fcntl
    except ImportError:
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, _SHARED_SIZE, _SHARED_FIRST, os.SEEK_SET)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, _SHARED_SIZE, _SHARED_FIRST, os.SEEK_SET)
        return False
    finally:
        os.close(fd)


def _classify(path: Path) -> str:
    """'new' for a missing or empty file, else 'existing' (SQLite itself then recognises it).

    Only `stat`: reading the header with `open()` would drop the locks of this process's other
    connections to the file when it is closed (see above).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return "new"
    except OSError as exc:
        raise ProjectError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if stat.S_ISDIR(info.st_mode):
        raise ProjectError(f"{path} is a folder; give the path of a project file (.sqlite).")
    return "new" if info.st_size == 0 else "existing"


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; every write goes through an explicit
    # BEGIN IMMEDIATE ... COMMIT so that one user action is exactly one transaction.
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Schema objects (triggers, views) must never run functions with side effects.
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _check_ours(conn: sqlite3.Connection, path: Path) -> bool:
    """True if the file already is a project; False if it is an empty database we may set up."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        # Earlier releases (sqlite-utils' migrations) created their table before the first
        # migration's transaction: a file holding only it is a project whose creation was
        # interrupted.
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE '%sqlite_migrations%'"
        ).fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if is_unreadable(exc):
            raise ProjectError(f"Cannot read {path}: {exc}. Check that you may read it.") from exc
        if is_not_a_database(exc) and not has_sqlite_header(path):
            raise NotAProject(
                f"{path} is not an Annotator project (it is not an SQLite database). "
                "The file was left untouched; choose another file or a new name."
            ) from exc
        raise DamagedProject(
            f"{path} is damaged and cannot be read ({exc}). It was left untouched; "
            "restore it from a backup (File ▸ Restore from backup…, or `annotator backups` "
            "and `annotator restore`)."
        ) from exc
    if app_id != APPLICATION_ID:
        if tables == 0:
            return False
        raise NotAProject(
            f"{path} is an SQLite database of another program, not an Annotator project. "
            "It was left untouched; choose another file or a new name."
        )
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{path} was written by a newer Annotator (schema version {version}); this version "
            f"reads up to schema version {SCHEMA_VERSION}. Update Annotator to open it."
        )
    return True


def open_connection(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (or create) the project at `path`, migrated to the current schema."""
    path = Path(path)
    kind = _classify(path)
    if kind == "new":
        if not create:
            raise ProjectError(f"There is no project at {path}.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(f"Cannot create the folder {path.parent}: {exc.strerror}.") from exc
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise ProjectError(f"Cannot open {path}: {exc}.") from exc
    try:
        _check_ours(conn, path)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise ProjectError(
                f"{path} cannot use SQLite's write-ahead log here (journal mode {mode!r}); "
                "keep projects on a local disk."
            )
        conn.execute("PRAGMA synchronous = FULL")
        _migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    if not migrations.pending(conn):
        return
    if conn.execute("PRAGMA user_version").fetchone()[0] > 0:
        # An existing project is about to be upgraded: keep a checked copy of it first.
        safeguard.back_up(path, "before-migration")
    # All pending migrations in one transaction (each becomes a savepoint inside it): an upgrade
    # across several versions either completes or leaves the file exactly as it was.
    begin_write(conn, path)
    try:
        migrations.apply(conn)
        conn.execute("COMMIT")
    except Exception as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise ProjectError(
            f"Upgrading the project to schema version {SCHEMA_VERSION} failed ({exc}); "
            "the project was left as it was. Report this with the file attached."
        ) from exc


# -- waiting for another program's write ------------------------------------------------------

SQLITE_BUSY, SQLITE_LOCKED = 5, 6
#: How long a write waits in silence, where someone is told about waiting, before they are.
NOTICE_AFTER_MS = 1_000

#: Told (with the project's path) that a write is waiting for another program's to end.
WaitNotice = Callable[[Path], object]

_wait_notice: WaitNotice | None = None


def is_busy(exc: sqlite3.Error) -> bool:
    """True when another connection holds the lock SQLite wanted (the write lock)."""
    return _primary_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


@contextmanager
def waiting_for_writers(notice: WaitNotice) -> Iterator[None]:
    """Within this block every write that finds another program writing to its project waits
    for it as long as it takes (not only the busy timeout), and `notice` is told once per write
    that had to wait more than a second. For the command line: a long import in another
    process must not make a command fail; a window never waits this way (it would freeze)."""
    global _wait_notice
    previous, _wait_notice = _wait_notice, notice
    try:
        yield
    finally:
        _wait_notice = previous


def begin_write(conn: sqlite3.Connection, path: Path) -> None:
    """`BEGIN IMMEDIATE`: the write lock is taken up front, so a write never fails half-way.

    While another connection writes, this waits up to the busy timeout, then raises SQLite's
    "database is locked"; inside `waiting_for_writers`, as long as that write lasts.
    """
    notice = _wait_notice
    if notice is None:
        conn.execute("BEGIN IMMEDIATE")
        return
    conn.execute(f"PRAGMA busy_timeout = {NOTICE_AFTER_MS}")
    try:
        told = False
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
            if not told:
                notice(path)
                told = True
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
