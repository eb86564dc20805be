"""Fixtures for the hub tests: a real PostgreSQL server (one per test session) and a fresh
database on it per test. Without psycopg (the `team` extra) or the server binaries these tests
skip, saying why; the rest of the suite does not need either."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest

pytest.importorskip(
    "psycopg", reason="the team hub tests need psycopg: pip install -e '.[team]' (or '.[test]')"
)

import psycopg  # noqa: E402
from hub_server import PostgresServer, server_binaries  # noqa: E402

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = server_binaries()
    if bindir is None:
        pytest.skip(
            "the hub tests need the PostgreSQL server (/usr/lib/postgresql/*/bin): "
            "apt-get install postgresql"
        )
    server = PostgresServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_hub(postgres_server: PostgresServer) -> Iterator[str]:
    """A superuser URL of a new, empty database (no hub schema yet: `init_hub` makes it).
    Afterwards the database and every role the test created are dropped."""
    name = f"hub_{next(_databases)}"
    admin = postgres_server.url()
    with psycopg.connect(admin, autocommit=True) as conn:
        roles_before = _roles(conn)
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.url(name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            made = _roles(conn) - roles_before
            # Logins before the groups they belong to.
            for role in sorted(made, key=lambda r: r.startswith("annotator_")):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def _roles(conn: psycopg.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT rolname FROM pg_roles").fetchall()}


@pytest.fixture
def hub_admin(postgres_hub: str) -> str:
    """The superuser URL of a database with the hub schema made (`init_hub`)."""
    from annotator.core import hub

    with hub.connect(postgres_hub) as conn:
        hub.init_hub(conn)
    return postgres_hub


@pytest.fixture
def hub_login(hub_admin: str, postgres_server: PostgresServer) -> Callable[..., str]:
    """A factory: `hub_login("anna", reviewer=False, analyst_id="anna-id")` grants the login
    (password "<name>-password"), registers its analyst (unless analyst_id is None) and
    returns the login's URL (with its password, for tests only)."""
    from annotator.core import hub

    database = psycopg.conninfo.conninfo_to_dict(hub_admin)["dbname"]

    def login(name: str, *, reviewer: bool = False, analyst_id: str | None = "") -> str:
        password = f"{name}-password"
        with hub.connect(hub_admin) as conn:
            hub.grant(conn, name, password, reviewer)
        url = postgres_server.url(str(database), name, password)
        if analyst_id is not None:
            with hub.connect(url) as conn:
                hub.register_analyst(conn, analyst_id or f"id-{name}", name.title())
        return url

    return login
