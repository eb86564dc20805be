"""Creating and upgrading the hub's schema (`annotator hub init`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from annotator.core.hub.errors import HubError, require_psycopg
from annotator.core.hub.migrations import MIGRATIONS

if TYPE_CHECKING:
    import psycopg

SCHEMA = "annotator_hub"


class Upgrade(NamedTuple):
    before: int  # 0: there was no hub in the database
    after: int


def schema_version(conn: psycopg.Connection) -> int:
    """The hub schema's version in the connected database (0 when there is none)."""
    with conn.transaction():
        row = conn.execute(
            "SELECT to_regclass('annotator_hub.schema_version') IS NOT NULL"
        ).fetchone()
        if not row or not row[0]:
            return 0
        row = conn.execute("SELECT max(version) FROM annotator_hub.schema_version").fetchone()
    return int(row[0] or 0) if row else 0


def init_hub(conn: psycopg.Connection) -> Upgrade:
    """Create the hub schema, or bring it up to date; running it again changes nothing.
    Needs a role that may create schemas in the database and create roles (a superuser, or
    the database's owner with CREATEROLE). All migrations run in one transaction."""
    pg = require_psycopg()
    try:
        with conn.transaction():
            # Two admins running init at once: the second waits, then finds nothing to do.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('annotator_hub.init'))")
            conn.execute("CREATE SCHEMA IF NOT EXISTS annotator_hub")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS annotator_hub.schema_version ("
                " version integer PRIMARY KEY,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            conn.execute("REVOKE ALL ON annotator_hub.schema_version FROM PUBLIC")
            row = conn.execute("SELECT max(version) FROM annotator_hub.schema_version").fetchone()
            before = int(row[0] or 0) if row else 0
            if before > len(MIGRATIONS):
                raise HubError(
                    f"The hub's schema is version {before}, newer than this Annotator knows "
                    f"({len(MIGRATIONS)}). Update Annotator; nothing was changed."
                )
            for version in range(before + 1, len(MIGRATIONS) + 1):
                conn.execute(MIGRATIONS[version - 1])
                conn.execute(
                    "INSERT INTO annotator_hub.schema_version (version) VALUES (%s)", [version]
                )
            if before == 0:
                conn.execute("GRANT SELECT ON annotator_hub.schema_version TO annotator_analyst")
    except pg.errors.InsufficientPrivilege as exc:
        raise HubError(
            f"Could not set up the hub: {_first_line(exc)}. `annotator hub init` needs a "
            "PostgreSQL superuser, or the database's owner with CREATEROLE. Nothing was changed."
        ) from None
    return Upgrade(before, len(MIGRATIONS))


def require_hub(conn: psycopg.Connection) -> None:
    """Refuse a database without an up-to-date hub schema, saying what to do."""
    version = schema_version(conn)
    if version == 0:
        raise HubError(
            "This database holds no Annotator hub (or you may not read it): the admin creates "
            "it with `annotator hub init URL`."
        )
    if version < len(MIGRATIONS):
        raise HubError(
            f"The hub's schema is version {version}; this Annotator needs {len(MIGRATIONS)}. "
            "The admin upgrades it with `annotator hub init URL`."
        )
    if version > len(MIGRATIONS):
        raise HubError(
            f"The hub's schema is version {version}, newer than this Annotator knows "
            f"({len(MIGRATIONS)}). Update Annotator."
        )


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
