"""`init_hub`: the schema made once, versioned, and again changes nothing."""

from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest
from hub_server import PostgresServer

from annotator.core import hub
from annotator.core.hub.migrations import MIGRATIONS, SYNCED_TABLES


def test_init_creates_the_versioned_schema_and_running_it_again_changes_nothing(
    postgres_hub: str,
) -> None:
    with hub.connect(postgres_hub) as conn:
        assert hub.schema_version(conn) == 0
        assert hub.init_hub(conn) == (0, len(MIGRATIONS))
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'annotator_hub'"
            )
        }
        assert tables == {*SYNCED_TABLES, "history", "schema_version"}
        snapshot = conn.execute(
            "SELECT count(*) FROM pg_policies WHERE schemaname = 'annotator_hub'"
        ).fetchone()
        assert hub.init_hub(conn) == (len(MIGRATIONS), len(MIGRATIONS))
        assert hub.schema_version(conn) == len(MIGRATIONS)
        again = conn.execute(
            "SELECT count(*) FROM pg_policies WHERE schemaname = 'annotator_hub'"
        ).fetchone()
        assert again == snapshot
        versions = conn.execute("SELECT version FROM annotator_hub.schema_version").fetchall()
        assert [v[0] for v in versions] == list(range(1, len(MIGRATIONS) + 1))


def test_every_synced_table_has_row_version_and_owner_and_rls(postgres_hub: str) -> None:
    with hub.connect(postgres_hub) as conn:
        hub.init_hub(conn)
        for table in SYNCED_TABLES:
            columns = {
                r[0]: (r[1], r[2])
                for r in conn.execute(
                    "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                    "WHERE table_schema = 'annotator_hub' AND table_name = %s",
                    [table],
                )
            }
            assert columns["row_version"] == ("bigint", "NO"), table
            assert columns["owner"] == ("name", "NO"), table
        secured = conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'annotator_hub'::regnamespace "
            "AND relkind = 'r' AND relrowsecurity"
        ).fetchall()
        assert {r[0] for r in secured} == {*SYNCED_TABLES, "history"}


def test_a_hub_newer_than_this_annotator_is_refused_unchanged(postgres_hub: str) -> None:
    with hub.connect(postgres_hub) as conn:
        hub.init_hub(conn)
        conn.execute("INSERT INTO annotator_hub.schema_version (version) VALUES (99)")
        with pytest.raises(hub.HubError, match="newer than this Annotator"):
            hub.init_hub(conn)
        with pytest.raises(hub.HubError, match="Update Annotator"):
            hub.whoami(conn)


def test_init_needs_an_admin_and_says_so(
    postgres_hub: str, postgres_server: PostgresServer
) -> None:
    with hub.connect(postgres_hub) as conn:
        database = conn.info.dbname
        conn.execute("CREATE ROLE plain_user LOGIN PASSWORD 'plain-password'")
        conn.execute(f"GRANT CREATE ON DATABASE {database} TO plain_user")
    with hub.connect(postgres_server.url(database, "plain_user", "plain-password")) as conn:
        with pytest.raises(hub.HubError, match="superuser"):
            hub.init_hub(conn)
        assert hub.schema_version(conn) == 0


def test_without_psycopg_the_hub_imports_and_says_to_install_the_extra() -> None:
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "import annotator.core.hub as hub\n"
        "try:\n"
        "    hub.connect('postgresql://nobody@127.0.0.1:1/none')\n"
        "except hub.HubUnavailable as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "install annotator[team]" in out.stdout
    assert psycopg  # the extra is installed where these tests run


def test_init_upgrades_a_hub_made_by_an_earlier_release(
    postgres_hub: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core.hub import schema

    with hub.connect(postgres_hub) as conn:
        monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:1])
        assert hub.init_hub(conn) == (0, 1)
        monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS)
        with pytest.raises(hub.HubError, match="upgrades it with `annotator hub init URL`"):
            hub.require_hub(conn)
        assert hub.init_hub(conn) == (1, len(MIGRATIONS))
        hub.require_hub(conn)
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'annotator_hub'"
            )
        }
        assert {"finished_documents", "talking_points", "talking_point_claims"} <= tables
        assert hub.init_hub(conn) == (len(MIGRATIONS), len(MIGRATIONS))
