"""Opening projects: pragmas, recognition of foreign files, versions, migrations."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from annotator.core.errors import DamagedProject, NotAProject, ProjectError
from annotator.core.store import APPLICATION_ID, SCHEMA_VERSION, Store
from annotator.core.store.connection import open_connection
from annotator.core.store.schema import MIGRATION_NAMES, migrations


def test_new_project_uses_wal_full_sync_foreign_keys_and_busy_timeout(fresh_store: Store) -> None:
    conn = fresh_store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0


def test_new_project_records_application_id_and_schema_version(fresh_store: Store) -> None:
    conn = fresh_store.conn
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    applied = [m.name for m in migrations.applied(Database(conn))]
    assert applied == list(MIGRATION_NAMES)
    assert fresh_store.meta("project_id")


def test_reopening_keeps_data_and_project_id(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.ensure_analyst("Ana")
        project_id = store.meta("project_id")
    with Store.open(db_path) as store:
        assert [a.name for a in store.analysts()] == ["Ana"]
        assert store.meta("project_id") == project_id


def test_text_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database\n")
    with pytest.raises(NotAProject, match="not an Annotator project"):
        Store.open(path)
    assert path.read_bytes() == b"these are my notes, not a database\n"
    assert not Path(str(path) + "-wal").exists()


def test_other_programs_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "firefox.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotAProject, match="another program"):
        Store.open(path)
    assert path.read_bytes() == before


def test_project_from_newer_version_is_refused_with_both_versions(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.close()
    with pytest.raises(ProjectError) as info:
        Store.open(db_path)
    assert str(SCHEMA_VERSION + 3) in str(info.value)
    assert f"up to schema version {SCHEMA_VERSION}" in str(info.value)


def test_damaged_file_gets_a_clear_message_and_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = path.read_bytes()
    with pytest.raises(DamagedProject, match="damaged and cannot be read"):
        Store.open(path)
    assert path.read_bytes() == before


def test_folder_instead_of_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="is a folder"):
        Store.open(tmp_path)


def test_missing_project_is_not_created_when_create_is_false(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no project"):
        Store.open(tmp_path / "absent.sqlite", create=False)
    assert not (tmp_path / "absent.sqlite").exists()


def test_project_of_previous_schema_version_is_migrated_with_its_data(db_path: Path) -> None:
    # Build a database exactly as the previous release left it: every migration but the last.
    conn = sqlite3.connect(db_path, isolation_level=None)
    db = Database(conn)
    migrations.apply(db, stop_before=MIGRATION_NAMES[-1])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1
    db["analysts"].insert({"id": "a1", "name": "Old Analyst", "created": "2025-01-01T00:00:00Z"})
    conn.close()

    with Store.open(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [a.name for a in store.analysts()] == ["Old Analyst"]
        store.ensure_analyst("New Analyst")  # writes history: the new table works
        assert store.history()[-1].after == {"name": "New Analyst"}


def test_interrupted_creation_leaving_only_the_migrations_table_opens(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    Migrations("annotator").ensure_migrations_table(Database(conn))  # as earlier releases did
    conn.close()
    with Store.open(db_path) as store:
        assert store.codebook.get().labels


def test_failed_migration_changes_nothing(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrations.apply(Database(conn), stop_before=MIGRATION_NAMES[-1])
    conn.close()
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut")

    last = replace(migrations.MIGRATIONS[-1], after=broken)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS[:-1], last))
    with pytest.raises(ProjectError, match="power cut"):
        open_connection(db_path)
    conn = sqlite3.connect(db_path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in names
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1
    conn.close()


def test_upgrade_across_several_versions_is_all_or_nothing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrations.apply(Database(conn), stop_before=MIGRATION_NAMES[1])  # a version-1 project
    conn.close()

    def broken(conn: sqlite3.Connection) -> None:
        raise RuntimeError("power cut")

    last = replace(migrations.MIGRATIONS[-1], after=broken)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS[:-1], last))
    with pytest.raises(ProjectError, match="left as it was"):
        open_connection(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "history" not in names  # migration 2 was rolled back with the failing 3
    conn.close()


def test_a_project_of_the_last_release_upgrades_even_with_analysts_named_reviewed(
    db_path: Path,
) -> None:
    # Schema 3 is what the previous release wrote; 0004 brings the reviewed layer.
    conn = sqlite3.connect(db_path, isolation_level=None)
    db = Database(conn)
    migrations.apply(db, stop_before="0004_review")
    for i, name in enumerate(("reviewed", "reviewed layer")):
        db["analysts"].insert({"id": f"a{i}", "name": name, "created": "2025-01-01T00:00:00Z"})
    conn.close()
    with Store.open(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [a.name for a in store.analysts()] == ["reviewed", "reviewed layer"]
        assert store.reviewed_layer().name == "reviewed layer 2"
        assert store.comments.thread("nothing") == []  # type: ignore[arg-type]
