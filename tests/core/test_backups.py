"""Backups: online backup API, checked and atomic; daily once; rotation; restore keeps a copy."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_store_annotations import add_document

from annotator.core.errors import AnnotatorError
from annotator.core.safety import (
    backup_dir_for,
    backups,
    daily_backup,
    list_backups,
    make_backup,
    restore_backup,
    rotate,
)
from annotator.core.store import APPLICATION_ID, Store


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _project(db_path: Path) -> Store:
    store = Store.open(db_path)
    store.ensure_analyst("Ana")
    add_document(store)
    return store


def _fake_backup(folder: Path, stem: str, when: datetime, reason: str, source: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}-{when.strftime('%Y%m%dT%H%M%S%fZ')}-{reason}.sqlite"
    path.write_bytes(source.read_bytes())
    return path


def test_backup_is_a_checked_project_with_the_same_data(db_path: Path) -> None:
    with _project(db_path) as store:
        made = make_backup(store, reason="manual")
        assert made.parent == db_path.parent / "project.backups"
        assert made.name.startswith("project-") and made.name.endswith("-manual.sqlite")
        assert not list(made.parent.glob("*.tmp"))
        assert not Path(str(made) + "-wal").exists()
        conn = sqlite3.connect(made)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        conn.close()
        for table in ("documents", "analysts", "labels", "meta", "history"):
            assert _rows(made, f"SELECT * FROM {table} ORDER BY 1") == [
                tuple(r) for r in store.conn.execute(f"SELECT * FROM {table} ORDER BY 1")
            ]
    with Store.open(made, create=False) as copy:
        assert [a.name for a in copy.analysts()] == ["Ana"]


def test_backup_uses_the_online_api_and_sees_committed_wal_data(db_path: Path) -> None:
    # The store's last commit is still in the -wal file: copying the main file would lose it.
    store = _project(db_path)
    try:
        assert Path(str(db_path) + "-wal").stat().st_size > 0
        made = make_backup(store, reason="manual")
        assert _rows(made, "SELECT count(*) FROM documents") == [(1,)]
    finally:
        store.close()


def test_backup_while_another_connection_writes_is_consistent(db_path: Path) -> None:
    Store.open(db_path).close()
    writer = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE pairs (n INTEGER, twin INTEGER)")
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            # Two statements in one transaction: a consistent copy has both or neither.
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("INSERT INTO pairs (n, twin) VALUES (?, NULL)", [n])
            writer.execute("UPDATE pairs SET twin = n WHERE n = ?", [n])
            writer.execute("COMMIT")

    thread = threading.Thread(target=write)
    thread.start()
    try:
        made = [make_backup(db_path, reason=f"run{i}") for i in range(5)]
    finally:
        stop.set()
        thread.join()
        writer.close()
    for path in made:
        assert _rows(path, "SELECT count(*) FROM pairs WHERE twin IS NULL") == [(0,)]
        assert _rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_backup_of_a_file_that_is_not_a_project_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(AnnotatorError, match="not an Annotator project"):
        make_backup(other, reason="manual")
    with pytest.raises(AnnotatorError, match="no project"):
        make_backup(tmp_path / "absent.sqlite", reason="manual")


def test_failed_check_leaves_no_backup(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backups, "problem_with", lambda path: "it is damaged (planted)")
    with _project(db_path) as store, pytest.raises(AnnotatorError, match="failed its check"):
        make_backup(store, reason="manual")
    assert list(backup_dir_for(db_path).iterdir()) == []


def test_daily_backup_once_per_utc_day(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    day = datetime(2026, 3, 1, 23, 59, tzinfo=UTC)
    monkeypatch.setattr(backups, "_now", lambda: day)
    with _project(db_path) as store:
        first = daily_backup(store)
        assert first is not None and first.name.endswith("-daily.sqlite")
        assert daily_backup(store) is None
        day = datetime(2026, 3, 2, 0, 1, tzinfo=UTC)
        second = daily_backup(store)
        assert second is not None and second != first
    assert [b.reason for b in list_backups(db_path)] == ["daily", "daily"]
    assert daily_backup(db_path.parent / "absent.sqlite") is None


def test_list_backups_newest_first_with_checks(db_path: Path) -> None:
    with _project(db_path) as store:
        older = make_backup(store, reason="before migration")
        newer = make_backup(store, reason="manual")
    damaged = _fake_backup(
        backup_dir_for(db_path), "project", datetime(2020, 1, 1, tzinfo=UTC), "daily", older
    )
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    (backup_dir_for(db_path) / "notes.txt").write_text("not a backup")
    infos = list_backups(db_path)
    assert [i.path for i in infos] == [newer, older, damaged]
    assert [i.reason for i in infos] == ["manual", "before-migration", "daily"]
    assert [i.ok for i in infos] == [True, True, False]
    assert infos[0].size == newer.stat().st_size
    assert infos[0].made_at.tzinfo is not None


def test_rotation_keeps_the_newest_of_each_kind(db_path: Path) -> None:
    with _project(db_path) as store:
        good = make_backup(store, reason="manual")
    folder = backup_dir_for(db_path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    dailies = [
        _fake_backup(folder, "project", start + timedelta(days=i), "daily", good) for i in range(9)
    ]
    others = [
        _fake_backup(folder, "project", start + timedelta(hours=i), "manual", good)
        for i in range(3)
    ]
    deleted = rotate(folder, keep_daily=7, keep_other=2)
    assert sorted(deleted) == sorted(dailies[:2] + others[:2])
    assert all(p.exists() for p in dailies[2:])
    assert good.exists() and others[2].exists()  # the two newest "other" backups


def test_rotation_deletes_nothing_when_the_newest_is_damaged(db_path: Path) -> None:
    with _project(db_path) as store:
        good = make_backup(store, reason="daily")
    folder = backup_dir_for(db_path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    olds = [
        _fake_backup(folder, "project", start + timedelta(days=i), "daily", good) for i in range(3)
    ]
    newest = _fake_backup(folder, "project", datetime(2099, 1, 1, tzinfo=UTC), "daily", good)
    newest.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    assert rotate(folder, keep_daily=2) == []
    assert all(p.exists() for p in [good, *olds, newest])


def test_rotation_checks_the_newest_before_deleting(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _project(db_path) as store:
        good = make_backup(store, reason="daily")
    folder = backup_dir_for(db_path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(3):
        _fake_backup(folder, "project", start + timedelta(days=i), "daily", good)
    events: list[str] = []
    checked = backups.problem_with
    real_unlink = Path.unlink

    def spy_check(path: Path) -> str | None:
        events.append(f"check {path.name}")
        return checked(path)

    def spy_unlink(self: Path, missing_ok: bool = False) -> None:
        events.append(f"delete {self.name}")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(backups, "problem_with", spy_check)
    monkeypatch.setattr(Path, "unlink", spy_unlink)
    rotate(folder, keep_daily=1)
    assert events[0] == f"check {good.name}"
    assert len(events) == 4 and all(e.startswith("delete") for e in events[1:])


def test_rotation_never_touches_copies_kept_before_a_restore(db_path: Path) -> None:
    with _project(db_path) as store:
        good = make_backup(store, reason="daily")
    folder = backup_dir_for(db_path)
    kept = [
        _fake_backup(
            folder, "project", datetime(2020, 1, i + 1, tzinfo=UTC), "before-restore", good
        )
        for i in range(3)
    ]
    assert rotate(folder, keep_daily=1, keep_other=1) == []
    assert all(p.exists() for p in kept)


def test_restore_replaces_the_project_and_keeps_the_previous_one(db_path: Path) -> None:
    with _project(db_path) as store:
        made = make_backup(store, reason="manual")
        store.ensure_analyst("Bea")  # a change after the backup
    before = db_path.read_bytes()
    saved = restore_backup(db_path, made)
    assert saved is not None and saved.name.endswith("-before-restore.sqlite")
    assert saved.read_bytes() == before
    assert not Path(str(db_path) + "-wal").exists()
    with Store.open(db_path, create=False) as store:
        assert [a.name for a in store.analysts()] == ["Ana"]
    with Store.open(saved, create=False) as previous:
        assert [a.name for a in previous.analysts()] == ["Ana", "Bea"]


def test_restore_keeps_the_wal_of_the_previous_project(db_path: Path) -> None:
    store = _project(db_path)
    made = make_backup(store, reason="manual")
    store.ensure_analyst("Bea")
    # Copy the open project's files as a crash would leave them: "Bea" only in the -wal.
    crashed = db_path.parent / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal", "-shm"):
        (crashed / f"project.sqlite{suffix}").write_bytes(Path(f"{db_path}{suffix}").read_bytes())
    store.close()
    project = crashed / "project.sqlite"
    wal = Path(f"{project}-wal").read_bytes()
    assert wal
    saved = restore_backup(project, made)
    assert saved is not None
    assert Path(f"{saved}-wal").read_bytes() == wal
    assert not Path(f"{project}-wal").exists() and not Path(f"{project}-shm").exists()
    with Store.open(project, create=False) as restored:
        assert [a.name for a in restored.analysts()] == ["Ana"]
    # Restoring that copy brings back what was only in its -wal.
    again = restore_backup(project, saved)
    assert again is not None
    with Store.open(project, create=False) as restored:
        assert [a.name for a in restored.analysts()] == ["Ana", "Bea"]


def test_restore_over_a_damaged_project_keeps_the_garbage_byte_identical(db_path: Path) -> None:
    with _project(db_path) as store:
        made = make_backup(store, reason="manual")
    garbage = b"SQLite format 3\x00" + bytes(range(256)) * 40
    db_path.write_bytes(garbage)
    saved = restore_backup(db_path, made)
    assert saved is not None and saved.parent == backup_dir_for(db_path)
    assert saved.read_bytes() == garbage
    with Store.open(db_path, create=False) as store:
        assert [a.name for a in store.analysts()] == ["Ana"]


def test_restore_when_the_project_is_gone(db_path: Path) -> None:
    with _project(db_path) as store:
        made = make_backup(store, reason="manual")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    assert restore_backup(db_path, made) is None
    with Store.open(db_path, create=False) as store:
        assert [a.name for a in store.analysts()] == ["Ana"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some notes\n", "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "damaged|cannot be opened"),
        (None, "not an Annotator project"),
    ],
)
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    db_path: Path, tmp_path: Path, content: bytes | None, message: str
) -> None:
    bad = tmp_path / "outside" / "bad.sqlite"
    bad.parent.mkdir()
    if content is None:
        sqlite3.connect(bad).execute("CREATE TABLE t (x)").connection.close()
    else:
        bad.write_bytes(content)
    _project(db_path).close()
    make_backup(db_path, reason="manual")
    before = _snapshot(tmp_path)
    with pytest.raises(AnnotatorError, match=message):
        restore_backup(db_path, bad)
    assert _snapshot(tmp_path) == before


def test_restore_refuses_a_truncated_backup(db_path: Path) -> None:
    with _project(db_path) as store:
        made = make_backup(store, reason="manual")
    data = made.read_bytes()
    made.write_bytes(data[: len(data) // 2])
    before = db_path.read_bytes()
    with pytest.raises(AnnotatorError, match="damaged|cannot"):
        restore_backup(db_path, made)
    assert db_path.read_bytes() == before
    assert not any(p.name.endswith("before-restore.sqlite") for p in made.parent.iterdir())


def test_restore_refuses_the_project_itself_and_a_missing_backup(db_path: Path) -> None:
    _project(db_path).close()
    with pytest.raises(AnnotatorError, match="project itself"):
        restore_backup(db_path, db_path)
    with pytest.raises(AnnotatorError, match="no backup"):
        restore_backup(db_path, db_path.parent / "absent.sqlite")


def test_no_space_gives_a_clear_message(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    with _project(db_path) as store:
        made = make_backup(store, reason="manual")
    before = db_path.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(AnnotatorError, match="Not enough space"):
        restore_backup(db_path, made)
    assert db_path.read_bytes() == before
    with _project(db_path) as store, pytest.raises(AnnotatorError, match="Not enough space"):
        make_backup(store, reason="manual")


def test_upgrading_an_older_project_keeps_a_checked_copy_first(tmp_path: Path) -> None:
    import sqlite3

    from sqlite_utils import Database

    from annotator.core.safety import list_backups
    from annotator.core.store import Store
    from annotator.core.store.schema import MIGRATION_NAMES, migrations

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before=MIGRATION_NAMES[-1])
    conn.close()
    Store.open(path).close()
    backups = list_backups(path)
    assert [b.reason for b in backups] == ["before-migration"] and backups[0].ok


def test_removing_a_label_keeps_a_copy_of_the_project_first(fresh_store) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.codebook import LabelDraft
    from annotator.core.safety import list_backups

    drafts = [LabelDraft.of(label) for label in fresh_store.codebook.get().labels][:2]
    fresh_store.codebook.save(drafts, ["positive", "negative"], analyst_id=None)
    assert [b.reason for b in list_backups(fresh_store.path)] == ["before-codebook-change"]


def test_without_a_backup_the_store_refuses_to_remove_labels(fresh_store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.codebook import LabelDraft
    from annotator.core.store import safeguard

    monkeypatch.setattr(safeguard, "_installed", None)
    before = fresh_store.codebook.get().labels
    drafts = [LabelDraft.of(label) for label in before][:2]
    with pytest.raises(AnnotatorError, match="No backup could be made"):
        fresh_store.codebook.save(drafts, ["positive", "negative"], analyst_id=None)
    assert fresh_store.codebook.get().labels == before  # not changed unprotected


def test_restore_refuses_while_another_process_has_the_project_open(db_path: Path) -> None:
    import subprocess
    import sys

    with _project(db_path) as store:
        made = make_backup(store, reason="manual")
        store.ensure_analyst("Bea")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from annotator.core.store import Store; s = Store.open(sys.argv[1]); "
            "print('open', flush=True); sys.stdin.readline(); s.close()",
            str(db_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = db_path.read_bytes()
        with pytest.raises(AnnotatorError, match="open in another window"):
            restore_backup(db_path, made)
        assert db_path.read_bytes() == before
        assert not list(backup_dir_for(db_path).glob("*before-restore*"))
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    # Closed there: the restore goes ahead.
    assert restore_backup(db_path, made) is not None
    with Store.open(db_path, create=False) as store:
        assert [a.name for a in store.analysts()] == ["Ana"]


def test_restore_refuses_a_backup_whose_annotation_points_outside_the_text(
    db_path: Path,
) -> None:
    from test_store_annotations import tag

    from annotator.core.session import Session

    with _project(db_path) as store:
        doc = store.documents.list()[0].id
        annotation = tag(Session(store, store.ensure_analyst("Ana")), doc, "Claim", 0, 5)
        made = make_backup(store, reason="manual")
    conn = sqlite3.connect(made, isolation_level=None)  # a backup altered after it was made
    conn.execute('UPDATE annotations SET "end" = 10000000 WHERE id = ?', [annotation.id])
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(AnnotatorError) as refused:
        restore_backup(db_path, made)
    message = str(refused.value)
    assert str(made) in message and annotation.id in message
    assert "outside the text" in message and "left untouched" in message
    assert db_path.read_bytes() == before
    assert not any(p.name.endswith("before-restore.sqlite") for p in made.parent.iterdir())
