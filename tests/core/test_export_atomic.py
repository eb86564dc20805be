"""Exports are atomic: a failure mid-write, a full disk or a cancel leaves the earlier file
byte for byte as it was, no temporary file behind, and a message that says what happened."""

from __future__ import annotations

import csv
import errno
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from test_export_scope import FORMATS, Project, build_project

from annotator.core.errors import AnnotatorError
from annotator.core.export import ExportCancelled, atomic, export, tables
from annotator.core.export.scope import Scope
from annotator.core.store import Store


@pytest.fixture
def project(fresh_store: Store) -> Project:
    return build_project(fresh_store)


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """A good file from an earlier export, in a folder of its own."""
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "annotations.out"
    path.write_bytes(b"earlier,good\r\nexport,\xc3\xa9\r\n")
    return path


def assert_untouched(path: Path) -> None:
    assert path.read_bytes() == b"earlier,good\r\nexport,\xc3\xa9\r\n"
    assert os.listdir(path.parent) == [path.name]  # no temporary file left


def failing_writer(after: int, error: Exception) -> Any:
    """csv.writer whose rows go through until `after` of them are written, then `error`."""
    real = csv.writer

    class Writer:
        def __init__(self, out: Any) -> None:
            self.inner, self.written = real(out), 0

        def writerow(self, row: Any) -> None:
            if self.written == after:
                raise error
            self.inner.writerow(row)
            self.written += 1

        def writerows(self, rows: Any) -> None:
            for row in rows:
                self.writerow(row)

    return Writer


@pytest.mark.parametrize("table", ["csv", "claims"])
def test_a_failure_after_some_rows_leaves_the_earlier_file(
    project: Project, earlier: Path, monkeypatch: pytest.MonkeyPatch, table: str
) -> None:
    monkeypatch.setattr(tables.csv, "writer", failing_writer(3, OSError(errno.EIO, "I/O error")))
    with pytest.raises(AnnotatorError) as caught:
        export(project.store, earlier, table)
    assert str(caught.value) == (
        f"Could not write the export (I/O error): {earlier} was not written; "
        "the previous version is unchanged."
    )
    assert_untouched(earlier)


def test_a_full_disk_mid_write_says_so(
    project: Project, earlier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(tables.csv, "writer", failing_writer(5, full))
    with pytest.raises(AnnotatorError) as caught:
        export(project.store, earlier, "csv")
    assert str(caught.value) == (
        f"The disk is full: {earlier} was not written; the previous version is unchanged. "
        "Free some space and try again."
    )
    assert_untouched(earlier)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_disk_that_fills_up_at_the_flush_leaves_the_earlier_file(
    project: Project, earlier: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", no_space)
    with pytest.raises(AnnotatorError, match=r"^The disk is full: .* previous version is unch"):
        export(project.store, earlier, fmt)
    assert_untouched(earlier)


def test_without_an_earlier_file_a_failure_leaves_no_file(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables.csv, "writer", failing_writer(2, OSError(errno.ENOSPC, "full")))
    path = tmp_path / "new.csv"
    with pytest.raises(AnnotatorError) as caught:
        export(project.store, path, "csv")
    assert str(caught.value) == (
        f"The disk is full: {path} was not written. Free some space and try again."
    )
    assert not [name for name in os.listdir(tmp_path) if "new.csv" in name]


def test_a_project_read_error_mid_export_leaves_the_earlier_file(
    project: Project, earlier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Scope, document_id: str) -> Any:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(Scope, "annotations", broken)
    with pytest.raises(AnnotatorError, match="Reading the project failed .*malformed"):
        export(project.store, earlier, "jsonl")
    assert_untouched(earlier)
    assert not project.store.conn.in_transaction  # the read snapshot was closed


@pytest.mark.parametrize("fmt", FORMATS)
def test_cancelling_from_the_progress_callback_leaves_the_earlier_file(
    project: Project, earlier: Path, fmt: str
) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 2

    with pytest.raises(ExportCancelled, match="Export cancelled: .*previous version is unch"):
        export(project.store, earlier, fmt, progress=progress)
    assert calls == [(1, 3), (2, 3)]
    assert_untouched(earlier)


def test_a_successful_export_replaces_the_file_with_normal_permissions(
    project: Project, earlier: Path
) -> None:
    old_umask = os.umask(0o022)
    try:
        export(project.store, earlier, "csv")
    finally:
        os.umask(old_umask)
    assert earlier.read_bytes().startswith(b"\xef\xbb\xbfannotation_id,")
    assert os.listdir(earlier.parent) == [earlier.name]
    if os.name == "posix":  # not the 0600 of a bare temporary file
        assert stat.S_IMODE(earlier.stat().st_mode) == 0o644


def test_a_missing_folder_or_a_folder_as_target_is_refused(
    project: Project, tmp_path: Path
) -> None:
    with pytest.raises(AnnotatorError, match="the folder .*nowhere does not exist"):
        export(project.store, tmp_path / "nowhere" / "a.csv", "csv")
    with pytest.raises(AnnotatorError, match="is a folder"):
        export(project.store, tmp_path, "csv")
    assert not (tmp_path / "nowhere").exists()


def test_a_target_locked_by_another_program_is_reported(
    project: Project, earlier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What Windows answers while Excel has the file open.
    def locked(source: Any, target: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", locked)
    with pytest.raises(AnnotatorError) as caught:
        export(project.store, earlier, "claims")
    assert str(caught.value) == (
        f"Permission denied: {earlier} was not written; the previous version is unchanged. "
        "Choose another folder, or close the file if another program has it open."
    )
    assert_untouched(earlier)


def test_read_only_targets_are_refused(fresh_store, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.errors import AnnotatorError
    from annotator.core.export import atomic, export

    locked = tmp_path / "locked.csv"
    locked.write_text("keep me", encoding="utf-8")
    locked.chmod(0o400)
    # Root may write anyway; what the export asks the system is what matters here.
    real_access = atomic.os.access
    monkeypatch.setattr(
        atomic.os,
        "access",
        lambda p, mode: False if str(p) == str(locked) else real_access(p, mode),
    )
    with pytest.raises(AnnotatorError, match="read-only"):
        export(fresh_store, locked, "csv")
    assert locked.read_text(encoding="utf-8") == "keep me"


def test_a_symlink_target_writes_through_and_keeps_permissions(fresh_store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.export import export

    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    export(fresh_store, link, "csv")
    assert link.is_symlink()
    assert real.read_bytes().startswith(b"\xef\xbb\xbfannotation_id")
    assert real.stat().st_mode & 0o777 == 0o640


# -- the helper every atomic write goes through (annotator.core.atomic_files) -----------------


def test_replacing_syncs_the_new_file_before_the_rename_and_the_folder_after(
    earlier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core import atomic_files

    steps: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        steps.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        steps.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(atomic_files.os, "fsync", fsync)
    monkeypatch.setattr(atomic_files.os, "replace", replace)
    atomic_files.write_text_atomically(earlier, "new\n")
    assert steps == ["fsync file", "replace", "fsync folder"]
    assert earlier.read_text() == "new\n"
    assert os.listdir(earlier.parent) == [earlier.name]


def test_replacing_leaves_the_earlier_file_when_the_block_fails(earlier: Path) -> None:
    from annotator.core.atomic_files import replacing

    with pytest.raises(RuntimeError, match="half-way"), replacing(earlier) as temp:
        assert temp.parent == earlier.parent and temp != earlier
        temp.write_bytes(b"half")
        raise RuntimeError("half-way")
    assert_untouched(earlier)


def test_preferences_are_written_through_the_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.core import atomic_files, preferences

    preferences.remember_analyst("Ana")
    monkeypatch.setattr(
        atomic_files.os, "replace", lambda *_a: (_ for _ in ()).throw(OSError(errno.EIO, "I/O"))
    )
    with pytest.raises(OSError):
        preferences.remember_analyst("Bea")
    assert preferences.remembered_analyst() == "Ana"
    assert os.listdir(preferences.preferences_path().parent) == ["preferences.json"]
