"""Opening a project file safely: recognise it, refuse what is not ours, set pragmas, migrate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.core.errors import DamagedProject, NotAProject, ProjectError
from annotator.core.store.schema import APPLICATION_ID, SCHEMA_VERSION, migrations

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def _classify(path: Path) -> str:
    """'new' for a missing or empty file, 'sqlite' for an SQLite file; refuses anything else."""
    if not path.exists():
        return "new"
    if path.is_dir():
        raise ProjectError(f"{path} is a folder; give the path of a project file (.sqlite).")
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ProjectError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if not header:
        return "new"
    if header != SQLITE_HEADER:
        raise NotAProject(
            f"{path} is not an Annotator project (it is not an SQLite database). "
            "The file was left untouched; choose another file or a new name."
        )
    return "sqlite"


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
        # sqlite-utils creates its migrations table before the first migration's transaction:
        # a file holding only that table is a project whose creation was interrupted.
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE '%sqlite_migrations%'"
        ).fetchone()[0]
    except sqlite3.DatabaseError as exc:
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
    from sqlite_utils import Database

    db = Database(conn)
    if not migrations.pending(db):
        return
    if conn.execute("PRAGMA user_version").fetchone()[0] > 0:
        # An existing project is about to be upgraded: keep a checked copy of it first.
        from annotator.core.safety import make_backup  # safety imports the store

        make_backup(path, reason="before-migration")
    # All pending migrations in one transaction (each becomes a savepoint inside it): an upgrade
    # across several versions either completes or leaves the file exactly as it was.
    conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)
        conn.execute("COMMIT")
    except Exception as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise ProjectError(
            f"Upgrading the project to schema version {SCHEMA_VERSION} failed ({exc}); "
            "the project was left as it was. Report this with the file attached."
        ) from exc
