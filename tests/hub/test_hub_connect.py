"""Connecting: passwords from PGPASSWORD, the password file or a prompt (never kept), TLS, and
addresses shown without their password; row versions visible in commit order; notifications."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from hub_server import PostgresServer

from annotator.core import hub


def _database(url: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://anna:s3cret@db.example.org:5432/hub?sslmode=require",
         "postgresql://anna@db.example.org:5432/hub?sslmode=require"),
        ("postgres://anna@db/hub?password=s3cret&sslmode=verify-full",
         "postgres://anna@db/hub?sslmode=verify-full"),
        ("host=db dbname=hub user=anna password='s 3cret' sslmode=require",
         "host=db dbname=hub user=anna sslmode=require"),
        ("postgresql://db/hub", "postgresql://db/hub"),
        ("postgresql://anna:s3cret@[broken/hub", "postgresql://anna@[broken/hub"),
    ],
)  # fmt: skip
def test_addresses_are_shown_and_kept_without_their_password(url: str, shown: str) -> None:
    assert hub.without_password(url) == shown


def test_a_malformed_address_is_refused_without_quoting_its_password() -> None:
    with pytest.raises(hub.HubError, match="not a PostgreSQL address") as refusal:
        hub.connect("postgresql://anna:s3cret@[broken/hub")
    assert "s3cret" not in str(refusal.value)


def test_the_password_comes_from_pgpassword_the_password_file_or_one_prompt(
    hub_login: Callable[..., str],
    postgres_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    database = _database(hub_login("anna"))
    bare = postgres_server.url(database, "anna", "")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(hub.HubError, match="no password supplied") as refusal:
        hub.connect(bare)
    assert "PGPASSWORD" in str(refusal.value)
    asked: list[str] = []

    def prompt() -> str:
        asked.append("once")
        return "anna-password"

    with hub.connect(bare, password_prompt=prompt) as conn:
        assert hub.whoami(conn).role == "anna"
    assert asked == ["once"]
    monkeypatch.setenv("PGPASSWORD", "anna-password")
    with hub.connect(bare, password_prompt=prompt) as conn:
        assert hub.whoami(conn).analyst_id == "id-anna"
    assert asked == ["once"]
    monkeypatch.delenv("PGPASSWORD")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{postgres_server.port}:{database}:anna:anna-password\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    with hub.connect(bare) as conn:
        assert hub.whoami(conn).role == "anna"


def test_a_refused_login_is_explained_without_showing_the_password(
    hub_login: Callable[..., str], postgres_server: PostgresServer
) -> None:
    database = _database(hub_login("anna"))
    with pytest.raises(hub.HubError) as refusal:
        hub.connect(postgres_server.url(database, "anna", "Wrong-Secret-123"))
    message = str(refusal.value)
    assert "password authentication failed" in message
    assert "Wrong-Secret-123" not in message
    assert "annotator hub grant" in message
    with pytest.raises(hub.HubError, match="invalid sslmode"):
        hub.connect("postgresql://anna@127.0.0.1/hub?sslmode=sometimes")


def test_tls_verify_full_with_the_servers_certificate_and_refused_with_another(
    hub_login: Callable[..., str], postgres_server: PostgresServer, tmp_path: Path
) -> None:
    if postgres_server.certificate is None:
        pytest.skip("openssl is not installed: the test server has no certificate")
    database = _database(hub_login("anna"))
    for params in (
        {"sslmode": "require"},
        {"sslmode": "verify-full", "sslrootcert": str(postgres_server.certificate)},
    ):
        with hub.connect(postgres_server.url(database, "anna", "anna-password", **params)) as c:
            row = c.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
            assert row == (True,)
    stranger = tmp_path / "other.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(tmp_path / "other.key"), "-out", str(stranger), "-subj", "/CN=other"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    url = postgres_server.url(
        database, "anna", "anna-password", sslmode="verify-full", sslrootcert=str(stranger)
    )
    with pytest.raises(hub.HubError, match="certificate"):
        hub.connect(url)


def test_row_versions_become_visible_in_the_order_they_were_drawn(
    hub_admin: str, hub_login: Callable[..., str]
) -> None:
    """A writer that draws later versions waits for the earlier one to commit, so a reader
    taking every version above the last one it saw never misses a late commit."""
    rita = hub_login("rita", reviewer=True)
    insert = (
        "INSERT INTO annotator_hub.labels (id, name, color, position) "
        "VALUES (%s, %s, '#000000', 0) RETURNING row_version"
    )
    first = psycopg.connect(rita)  # a transaction left open
    first_row = first.execute(insert, ["L1", "first"]).fetchone()
    result: dict[str, object] = {}

    def second_writer() -> None:
        with psycopg.connect(rita, autocommit=True) as conn:
            result["pid"] = conn.info.backend_pid
            row = conn.execute(insert, ["L2", "second"]).fetchone()
            result["version"] = row[0] if row else None

    writer = threading.Thread(target=second_writer)
    writer.start()
    with psycopg.connect(hub_admin, autocommit=True) as watcher:
        while True:  # until the second writer waits on the lock (it cannot finish before)
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE 'INSERT INTO annotator_hub.labels%'"
            ).fetchone()
            if waiting and waiting[0] == 1:
                break
            assert writer.is_alive()
        visible = watcher.execute("SELECT count(*) FROM annotator_hub.labels").fetchone()
        assert visible == (0,)
        first.commit()
        first.close()
        writer.join(timeout=60)
        assert first_row is not None and isinstance(result["version"], int)
        assert result["version"] > first_row[0]


def test_every_committed_write_notifies_the_hub_channel(
    hub_login: Callable[..., str],
) -> None:
    anna = hub_login("anna")
    rita = hub_login("rita", reviewer=True)
    with psycopg.connect(anna, autocommit=True) as listener:
        listener.execute("LISTEN annotator_hub")
        with psycopg.connect(rita, autocommit=True) as writer:
            writer.execute(
                "INSERT INTO annotator_hub.labels (id, name, color, position) "
                "VALUES ('L1', 'Claim', '#000000', 0)"
            )
        received = [n.payload for n in listener.notifies(timeout=30, stop_after=1)]
    assert received == ["labels"]
