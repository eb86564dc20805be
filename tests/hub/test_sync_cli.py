"""`annotator sync [URL]`: the address is remembered without its password; what was sent,
received and left in conflict is said; without a hub a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sync_support import PASSWORD, Team, add_document, make_team, tag

from annotator.cli import cli
from annotator.core.store import Store


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return make_team(postgres_hub)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_sync_remembers_the_address_without_password(team: Team, tmp_path: Path) -> None:
    db = tmp_path / "anna.db"
    with Store.open(db) as store:
        tag(store, "Anna", add_document(store), "Claim", "China firmly opposes")
    code, out = run("sync", team.url("rita", password=True), "--db", str(tmp_path / "r.db"),
                    "--analyst", "Rita")  # fmt: skip
    assert code == 0, out
    code, out = run("sync", team.url("anna", password=True), "--db", str(db), "--analyst", "Anna")
    assert code == 0, out
    assert "Synced with" in out and "as Anna: sent" in out
    assert PASSWORD not in out
    with Store.open(db) as store:
        remembered = store.conn.execute("SELECT url FROM hub_sync").fetchone()[0]
        assert PASSWORD not in remembered and remembered == team.url("anna")
        assert (
            PASSWORD not in store.conn.execute("SELECT group_concat(value) FROM meta").fetchone()[0]
        )
    code, out = run("sync", "--db", str(db))  # the remembered address and login
    assert code == 0, out
    assert "sent 0" in out
    code, out = run("sync", "--status", "--db", str(db))
    assert code == 0 and "0 changes to send" in out and team.url("anna") in out


def test_sync_without_an_address_says_how(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    Store.open(db).close()
    code, out = run("sync", "--db", str(db), "--analyst", "Anna")
    assert code == 1
    assert "has not synced with a hub yet" in out and "Traceback" not in out


def test_sync_with_another_hub_is_refused(team: Team, tmp_path: Path) -> None:
    db = tmp_path / "anna.db"
    Store.open(db).close()
    run("sync", team.url("rita"), "--db", str(db), "--analyst", "Rita")
    code, out = run("sync", team.url("rita").replace("/hub_", "/other_"), "--db", str(db))
    assert code == 1 and "syncs with the hub at" in out


def test_sync_lists_a_name_held_back_and_completes(team: Team, tmp_path: Path) -> None:
    import psycopg

    db = tmp_path / "ben.db"
    assert (
        run("sync", team.url("anna"), "--db", str(tmp_path / "a.db"), "--analyst", "Anna")[0] == 0
    )
    assert run("sync", team.url("ben"), "--db", str(db), "--analyst", "Ben")[0] == 0
    with Store.open(db) as store:
        store.ensure_analyst("Carla")  # someone only Ben's project knows
    with psycopg.connect(team.url("anna", password=True)) as conn:
        conn.execute("UPDATE annotator_hub.analysts SET name = 'Carla' WHERE role_name = 'anna'")
    code, out = run("sync", "--db", str(db))
    assert code == 0, out
    assert "1 names from the hub wait" in out
    assert "the analyst “Anna” is called “Carla” on the hub" in out
    assert "Traceback" not in out


def test_a_first_sync_that_never_reaches_the_hub_leaves_no_project(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "new.db"
    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    code, out = run("sync", team.url("anna"), "--db", str(db), "--analyst", "Anna")
    assert code == 1 and "password" in out
    assert not db.exists()
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    code, out = run("sync", team.url("anna"), "--db", str(db), "--analyst", "Anna")
    assert code == 0, out
    assert db.exists()  # synced, even with nothing in it yet: it keeps its hub's address
