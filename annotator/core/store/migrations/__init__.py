"""The project schema as numbered, frozen migrations; a project's version is its user_version.

How it works:

- Every migration is a module of this package named `NNNN_what.py`, numbered from 0001 without
  gaps. It holds `SQL`, the statements it runs, and only where SQL cannot do the work a function
  `after(conn)` run after them. It imports nothing from `annotator`: a helper that changes later
  must not change a shipped migration, so a migration copies what it needs into its own module.
- A project's schema version is `PRAGMA user_version`: the number of its last migration. `apply`
  runs the pending migrations in order, each in a savepoint that also stamps user_version (and
  the application id), so a file is never marked half-way; `connection.open_connection` wraps
  them all in one transaction, so an upgrade across several versions is all or nothing.
- Shipped migrations are frozen: `tests/core/test_migrations_frozen.py` holds the checksum of
  every module and fails when one changes. To change the schema, add the next module (copy the
  shape of the last one) and its checksum in that test; never edit one that has shipped.
- Projects written before Annotator kept this record carry sqlite-utils' `_sqlite_migrations`
  table. Their user_version was stamped in the same transactions as its rows, so it is the
  record; `apply` checks the two agree before upgrading such a file, and 0008 drops the table.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

#: PRAGMA application_id of every Annotator project ("ANNO"): marks the file as ours.
APPLICATION_ID = 0x414E4E4F
#: The table sqlite-utils' migration helper kept in projects of earlier releases.
LEGACY_TABLE = "_sqlite_migrations"
_MODULE_NAME = re.compile(r"(\d{4})_[a-z0-9_]+")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str
    after: Callable[[sqlite3.Connection], None] | None
    module: ModuleType

    def checksum(self) -> str:
        """SHA-256 of the module's source (line endings normalised): what is frozen."""
        source = inspect.getsource(self.module).replace("\r\n", "\n")
        return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _load() -> tuple[Migration, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        match = _MODULE_NAME.fullmatch(info.name)
        if match is None:
            raise ImportError(f"{info.name}: a migration module is named NNNN_what.py")
        module = importlib.import_module(f"{__name__}.{info.name}")
        after = getattr(module, "after", None)
        found.append(Migration(int(match[1]), info.name, module.SQL, after, module))
    found.sort(key=lambda m: m.version)
    numbers = [m.version for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise ImportError(f"migrations must be numbered 1, 2, 3, … without gaps: {numbers}")
    return tuple(found)


MIGRATIONS: tuple[Migration, ...] = _load()
MIGRATION_NAMES: tuple[str, ...] = tuple(m.name for m in MIGRATIONS)
SCHEMA_VERSION = len(MIGRATIONS)


def _connection(db: Any) -> sqlite3.Connection:
    # A sqlite_utils Database is accepted too (tests build old projects with it).
    conn = getattr(db, "conn", db)
    assert isinstance(conn, sqlite3.Connection)
    return conn


def version(db: Any) -> int:
    """The schema version the project is at (0 for an empty file)."""
    return int(_connection(db).execute("PRAGMA user_version").fetchone()[0])


def applied(db: Any) -> list[Migration]:
    """The migrations the project has, in order."""
    return list(MIGRATIONS[: version(db)])


def pending(db: Any) -> list[Migration]:
    """The migrations the project still needs, in order (read-only)."""
    return list(MIGRATIONS[version(db) :])


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run a multi-statement script inside the current transaction.

    sqlite3's executescript() would COMMIT first, breaking the migration's atomicity.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement!r}")


def _check_legacy_record(conn: sqlite3.Connection) -> None:
    """Refuse to upgrade a file whose old sqlite-utils record disagrees with user_version."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [LEGACY_TABLE]
    ).fetchone()
    if exists is None:
        return
    names = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {LEGACY_TABLE} WHERE migration_set = 'annotator' ORDER BY rowid"
        )
    ]
    at = version(conn)
    if names and names != list(MIGRATION_NAMES[:at]):
        raise ValueError(
            f"the project's schema version ({at}) disagrees with its record of upgrades "
            f"({', '.join(names)})"
        )


def apply(db: Any, *, stop_before: str | None = None) -> None:
    """Apply the pending migrations in order, each in a savepoint that stamps its version.

    `stop_before` names a migration to stop at (tests build projects of earlier versions).
    """
    conn = _connection(db)
    _check_legacy_record(conn)
    for migration in pending(conn):
        if migration.name == stop_before:
            return
        conn.execute("SAVEPOINT migration")
        try:
            run_script(conn, migration.sql)
            if migration.after is not None:
                migration.after(conn)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {migration.version}")
        except BaseException:
            conn.execute("ROLLBACK TO migration")
            conn.execute("RELEASE migration")
            raise
        conn.execute("RELEASE migration")
