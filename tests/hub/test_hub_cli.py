"""`annotator hub init|grant|revoke`: the admin's recipe, passwords never on the command line."""

from __future__ import annotations

import psycopg
import pytest
from click.testing import CliRunner
from hub_server import ADMIN, PostgresServer

from annotator.cli import cli
from annotator.core import hub


@pytest.fixture
def admin_url(postgres_hub: str, postgres_server: PostgresServer) -> str:
    """The superuser's URL without its password (that comes from PGPASSWORD)."""
    return postgres_server.url(
        str(psycopg.conninfo.conninfo_to_dict(postgres_hub)["dbname"]), ADMIN, ""
    )


@pytest.fixture
def runner(postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PGPASSWORD", postgres_server.password)
    return CliRunner()


def test_the_admin_recipe_init_grant_reviewer_and_revoke(
    runner: CliRunner, admin_url: str, postgres_server: PostgresServer
) -> None:
    done = runner.invoke(cli, ["hub", "init", admin_url])
    assert done.exit_code == 0, done.output
    assert "Created the hub" in done.output
    again = runner.invoke(cli, ["hub", "init", admin_url])
    assert again.exit_code == 0 and "up to date" in again.output
    done = runner.invoke(cli, ["hub", "grant", "anna", "--hub", admin_url], input="anna-pass-1\n")
    assert done.exit_code == 0, done.output
    assert "Created the login anna (analyst)" in done.output
    assert "anna-pass-1" not in done.output
    done = runner.invoke(
        cli, ["hub", "grant", "rita", "--reviewer", "--hub", admin_url], input="rita-pass-1\n"
    )
    assert "Created the login rita (reviewer)" in done.output
    database = str(psycopg.conninfo.conninfo_to_dict(admin_url)["dbname"])
    with hub.connect(postgres_server.url(database, "rita", "rita-pass-1")) as conn:
        assert hub.whoami(conn) == ("rita", True, None)
    # Granting again updates the password (and here the reviewer's rights away).
    done = runner.invoke(cli, ["hub", "grant", "rita", "--hub", admin_url], input="rita-pass-2\n")
    assert "Updated the login rita (analyst)" in done.output
    with hub.connect(postgres_server.url(database, "rita", "rita-pass-2")) as conn:
        assert hub.whoami(conn).is_reviewer is False
    done = runner.invoke(cli, ["hub", "revoke", "anna", "--hub", admin_url])
    assert done.exit_code == 0 and "anna can no longer log in" in done.output
    with pytest.raises(hub.HubError):
        hub.connect(postgres_server.url(database, "anna", "anna-pass-1"))


def test_grant_refuses_a_missing_or_short_password_and_odd_names_changing_nothing(
    runner: CliRunner, admin_url: str
) -> None:
    runner.invoke(cli, ["hub", "init", admin_url])
    for name, given, says in (
        ("anna", "", "No password for anna on standard input"),
        ("anna", "short\n", "at least 8 characters"),
        ("Anna Smith", "long-enough\n", "not usable as a login name"),
        ("pg_anna", "long-enough\n", "reserved"),
        (ADMIN, "long-enough\n", "administrative role"),
    ):
        done = runner.invoke(cli, ["hub", "grant", name, "--hub", admin_url], input=given)
        assert done.exit_code == 1, done.output
        assert says in done.output
        assert "Traceback" not in done.output
    with psycopg.connect(admin_url) as conn:
        roles = conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE '%%anna%%'")
        assert roles.fetchall() == []


def test_commands_on_a_database_without_a_hub_or_unreachable_say_what_to_do(
    runner: CliRunner, admin_url: str, postgres_server: PostgresServer
) -> None:
    done = runner.invoke(cli, ["hub", "revoke", "anna", "--hub", admin_url])
    assert done.exit_code == 1 and "annotator hub init URL" in done.output
    nowhere = admin_url.replace(str(postgres_server.port), "1", 1)
    done = runner.invoke(cli, ["hub", "init", nowhere])
    assert done.exit_code == 1 and "Could not connect to the hub" in done.output
    assert "Traceback" not in done.output
    # libpq's lines are joined into one sentence, not "refused Is the server…?."
    assert "?." not in done.output and ". Check the address" in done.output
    with_password = postgres_server.url(str(psycopg.conninfo.conninfo_to_dict(admin_url)["dbname"]))
    done = runner.invoke(cli, ["hub", "init", with_password])
    assert done.exit_code == 0
    assert postgres_server.password not in done.output
