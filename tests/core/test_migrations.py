"""The schema's migrations: frozen once shipped, recorded by Annotator itself, and projects
written by earlier releases (with sqlite-utils' record of migrations) upgrade with their data."""

from __future__ import annotations

import importlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core import scripts
from annotator.core.errors import ProjectError
from annotator.core.search import search_documents
from annotator.core.session import Session
from annotator.core.store import SCHEMA_VERSION, Store
from annotator.core.store import migrations as migrations_module
from annotator.core.store.migrations import LEGACY_TABLE, MIGRATIONS
from annotator.core.store.search_tables import SEPARATOR, split_spaceless

FIXTURES = Path(__file__).parent / "fixtures"

#: The checksum of every migration module, as shipped. Never change one of these to make the
#: test pass: add a new migration instead (see annotator/core/store/migrations/__init__.py).
FROZEN = {
    "0001_initial": "ee264e3234a911dcc90d165cf70d40da41ed0cece76c2d51ecf4a77892609b4b",
    "0002_history": "fcacd7ccde635d00f4a83dde6ecdc80a38651cab0a82c7cd8bbfbc59ca9aa411",
    "0003_undo_log": "20f4c30e56a748d23ed8d4f9d4f3d0a79eea7aaa1588a27360f32b6142653c39",
    "0004_review": "43b88947a161ebd09d84a39e867e75362c7a075aa3638dc21cc63e288aa1f87d",
    "0005_search": "75b19a39848add8c326627aa41f8f49e6f5e3470993463bcac06421d3ad67035",
    "0006_listing_indexes": "cfc5c469e36f609166f8971b3fc0d420eb577bcd5b18108217591b5ae3ad6d34",
    "0007_sources": "f18edf9a0ef9ac9d4af496bdd2c94d0b906087c40711a904a0a5a273adfac233",
    "0008_own_migration_record": "668cf42dfc6e7bb37e5293a71234e4733fa54047b9fc9d735ffad568c169f6cc",
    "0009_search_folding": "e2030e1293861fea014b3a08aeb9a0b5c54aca11bce607234f20636a55c49202",
    "0010_finished_documents": "2420b425d552a9f26b3d70bbf473ccee791959ce6778faa8e6cf533bd859ce97",
    "0011_hub_sync": "399d5f0f3c8786982958f4f11be337c2e506f1a3aecb393cd31f72aad9a9a4a5",
    "0012_analysis_indexes": "461719d65e0c55bc5dadbeea865a9c665cedb088507595bb55c49fa81e41e75d",
    "0013_talking_points": "c3a52c15adfb3fee5d83cf225e670f6f2b33ca00e36ced3610c2cecb0d8b0d2b",
    "0014_recurrences": "1ede16e2576949f84f2f5feda04ba12e09517d43cd7e4f7a9f89687a35fe46a0",
    "0015_analysis_names": "0bf78bf9fd9248b9fe8265034b60940eac005e699f345f9a65a1975a0e10398e",
    "0016_deferred_upkeep": "dd0524bbc58a07759105e0749a22adb4ea6ca76936321024a865332cfd11dc9d",
    "0017_hub_held_names": "44cac6fceee894522cc7eaa363b8b212c1943047bf666f28daa839e1f6c44e64",
}


def test_shipped_migrations_are_unchanged() -> None:
    changed = [m.name for m in MIGRATIONS if m.name in FROZEN and m.checksum() != FROZEN[m.name]]
    assert not changed, (
        f"Migration {', '.join(changed)} was edited after it shipped; projects already upgraded "
        "by it would differ from new ones. Undo the edit and add a new migration instead."
    )


def test_every_migration_has_its_checksum_recorded() -> None:
    missing = [m.name for m in MIGRATIONS if m.name not in FROZEN]
    assert not missing, f"Record the checksum of {', '.join(missing)} in FROZEN here: " + ", ".join(
        f'"{m.name}": "{m.checksum()}"' for m in MIGRATIONS if m.name in missing
    )


def test_migrations_import_nothing_of_annotator() -> None:
    # A helper that changes later must not change a shipped migration.
    for migration in MIGRATIONS:
        names = vars(migration.module)
        imported = [
            value.__name__
            for value in names.values()
            if getattr(value, "__module__", "")
            and value.__module__.startswith("annotator")
            and value.__module__ != migration.module.__name__
        ]
        assert not imported, f"{migration.name} uses live code: {imported}"


def test_the_live_splitting_is_the_one_the_search_indexes_were_built_with() -> None:
    # An index row can only be deleted with the text it was given: the live splitting must be
    # the one the last index-building migration froze, or a new migration must rebuild them.
    frozen = importlib.import_module("annotator.core.store.migrations.0005_search")
    assert scripts.SPACELESS_RANGES == frozen.SPACELESS_RANGES, (
        "The list of scripts without spaces changed: add a migration that rebuilds the search "
        "indexes (with a frozen copy of the new splitting) and compare with it here."
    )
    assert scripts.SPACELESS_PUNCTUATION == frozen.SPACELESS_PUNCTUATION
    assert SEPARATOR == frozen.SEPARATOR
    for sample in ("一带一路倡议。", "ภาษาไทย ok", "한국어 2022年", "plain text", ""):
        assert split_spaceless(sample) == frozen.split_spaceless(sample)


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return sorted(
        conn.execute(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    )


@pytest.fixture
def release_project(tmp_path: Path) -> Path:
    """A project written by the release before this record (sqlite-utils' migrations, schema 7,
    made with Annotator at commit 78dba6f): two annotations, an undone comment."""
    path = tmp_path / "release.sqlite"
    shutil.copy(FIXTURES / "project-schema-7.sqlite", path)
    return path


def test_a_project_of_the_previous_record_opens_with_its_data_and_the_new_schema(
    release_project: Path, db_path: Path
) -> None:
    with sqlite3.connect(release_project) as conn:
        assert conn.execute(f"SELECT count(*) FROM {LEGACY_TABLE}").fetchone()[0] == 7
    with Store.open(release_project) as store:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert LEGACY_TABLE not in tables
        (document,) = store.documents.list()
        first, second = store.annotations.for_document(document.id)
        assert (first.quote, second.quote) == ("Global", "Times")
        assert [d.title for d in search_documents(store, "Global")] == [document.title]
        session = Session(store, store.ensure_analyst("Ana"))
        assert session.redo_description() == "Comment on “Global”"  # the undone step survived
        session.redo()
        assert [c.body for c in store.comments.thread(first.id)] == ["一带一路 comment"]
        upgraded = _schema(conn)
    with Store.open(db_path) as fresh:
        # The frozen migrations build exactly what the earlier release wrote.
        assert _schema(fresh.conn) == upgraded


def test_a_project_of_schema_6_upgrades_through_the_new_record(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "project-schema-6.sqlite", path)
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [a.name for a in store.analysts()] == ["Old"]
        assert [d.title for d in search_documents(store, "一带一路")] == ["Old piece"]


def test_nothing_reruns_on_a_project_of_the_previous_record(release_project: Path) -> None:
    ran: list[str] = []
    original = migrations_module.run_script

    def spy(conn: sqlite3.Connection, script: str) -> None:
        ran.append(script)
        original(conn, script)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrations_module, "run_script", spy)
        Store.open(release_project).close()
        Store.open(release_project).close()
    assert ran == [m.sql for m in MIGRATIONS[7:]]  # only what came after schema 7, once


def test_a_project_whose_records_disagree_is_left_as_it_was(release_project: Path) -> None:
    with sqlite3.connect(release_project) as conn:
        conn.execute("PRAGMA user_version = 5")
    with pytest.raises(ProjectError, match="disagrees with its record of upgrades"):
        Store.open(release_project)
    with sqlite3.connect(release_project) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
        assert conn.execute(f"SELECT count(*) FROM {LEGACY_TABLE}").fetchone()[0] == 7
