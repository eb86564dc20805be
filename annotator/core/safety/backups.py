"""Backups of a project, made with SQLite's online backup API, and restoring from them.

Where backups live: `<project folder>/<project stem>.backups/`, next to the project file. A
project carried on a USB stick or copied to another machine takes its backups with it, and
two projects in one folder never share a backup folder (the folder is named after the stem).

File names: `<stem>-<UTC timestamp>-<reason>.sqlite`, e.g.
`annotator-20260127T093012123456Z-daily.sqlite`. A backup is written to a temporary file in the
backup folder, checked (`PRAGMA integrity_check` and the Annotator application id), flushed to
disk and only then renamed to its final name: a file with a backup's name is always complete.
Backups are single files (rollback journal, no -wal/-shm beside them).

Restoring first keeps the current project, byte for byte (with its -wal and -shm files if
present), as `<stem>-<timestamp>-before-restore.sqlite[-wal|-shm]` in the backup folder, even
when it is damaged. Those copies are never rotated away.

The window must close its own connection to the project before restoring.
"""

from __future__ import annotations

import contextlib
import errno
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.atomic_files import replacing
from annotator.core.errors import AnnotatorError
from annotator.core.safety.check import check_file
from annotator.core.store.connection import (
    connect_read_only,
    has_sqlite_header,
    in_use_by_another_process,
    is_not_a_database,
    is_unreadable,
)
from annotator.core.store.schema import APPLICATION_ID, SCHEMA_VERSION

if TYPE_CHECKING:
    from annotator.core.store.project import Store

DAILY = "daily"
BEFORE_RESTORE = "before-restore"
_STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-(?P<reason>[a-z0-9-]+)\.sqlite$")
_SIDE_FILES = ("-wal", "-shm")


class BackupError(AnnotatorError):
    """A backup could not be made, checked or restored; the project was left as it was."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime  # UTC
    reason: str
    size: int
    ok: bool
    problem: str | None = None  # why it is not ok

    @property
    def kind(self) -> str:
        """'daily', 'before-restore' or 'other' (the rotation's groups)."""
        if self.reason in (DAILY, BEFORE_RESTORE):
            return self.reason
        return "other"


# -- names and folders -----------------------------------------------------------------------


def backup_dir_for(project_path: Path | str) -> Path:
    """`<project folder>/<stem>.backups`: next to the project, so it travels with it."""
    project = Path(project_path)
    return project.parent / f"{project.stem}.backups"


def _reason_slug(reason: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")
    if not slug:
        raise ValueError(f"a backup reason needs letters or digits: {reason!r}")
    return slug


def _now() -> datetime:
    return datetime.now(UTC)


def _parse(path: Path, stem: str | None = None) -> tuple[datetime, str] | None:
    match = _NAME.match(path.name)
    if match is None or (stem is not None and match["stem"] != stem):
        return None
    made_at = datetime.strptime(match["stamp"], _STAMP_FORMAT).replace(tzinfo=UTC)
    return made_at, match["reason"]


def _unique_name(folder: Path, stem: str, reason: str) -> Path:
    moment = _now()
    while True:
        path = folder / f"{stem}-{moment.strftime(_STAMP_FORMAT)}-{reason}.sqlite"
        if not path.exists():
            return path
        moment = moment.replace(microsecond=(moment.microsecond + 1) % 1_000_000)


# -- errors ----------------------------------------------------------------------------------


def _os_failure(exc: OSError, what: str) -> BackupError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return BackupError(
            f"Not enough space on the disk to {what}; nothing was changed. "
            "Free some space and try again."
        )
    return BackupError(f"Cannot {what}: {exc.strerror or exc}; nothing was changed.")


def _sqlite_failure(exc: sqlite3.Error, what: str) -> BackupError:
    if "full" in str(exc):
        return BackupError(
            f"Not enough space on the disk to {what}; nothing was changed. "
            "Free some space and try again."
        )
    return BackupError(f"Cannot {what} ({exc}); nothing was changed.")


# -- checking a file -------------------------------------------------------------------------


def _read_only(path: Path) -> sqlite3.Connection:
    return connect_read_only(path)


def problem_with(path: Path) -> str | None:
    """Why the file at `path` is not a sound Annotator project this version can open, or None.

    Only through SQLite (see `core/store/connection.py`): this may run on the project itself
    in a process whose other connections hold SQLite's locks on it.
    """
    if not path.is_file():
        return "it cannot be read (it is not a file)"
    try:
        conn = _read_only(path)
    except sqlite3.Error as exc:
        return f"it cannot be opened ({exc})"
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            return "it is not an Annotator project"
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            return (
                f"it was written by a newer Annotator (schema version {version}; "
                f"this version reads up to {SCHEMA_VERSION})"
            )
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            return "it is damaged (" + "; ".join(str(r) for r in rows[:3]) + ")"
    except sqlite3.DatabaseError as exc:
        if is_unreadable(exc):
            return f"it cannot be read ({exc})"
        if is_not_a_database(exc) and not has_sqlite_header(path):
            return "it is not an SQLite database"
        return f"it is damaged ({exc})"
    finally:
        conn.close()
    return None


# -- making backups --------------------------------------------------------------------------


def _source_connection(source: Store | Path | str) -> tuple[sqlite3.Connection, Path]:
    """A fresh read-only connection: the backup is one committed snapshot, never a write in
    flight on the store's own connection."""
    path = Path(source) if isinstance(source, Path | str) else Path(source.path)
    if not path.is_file():
        raise BackupError(f"There is no project at {path} to back up.")
    try:
        conn = _read_only(path)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot back up {path}: it cannot be read ({exc}).") from exc
    if app_id != APPLICATION_ID:
        conn.close()
        raise BackupError(f"Cannot back up {path}: it is not an Annotator project.")
    return conn, path


def make_backup(source: Store | Path | str, *, reason: str) -> Path:
    """Back up the project (an open Store, or the path of a project not opened yet, e.g.
    before a migration) into its backup folder; returns the checked backup's path."""
    slug = _reason_slug(reason)
    src, project = _source_connection(source)
    folder = backup_dir_for(project)
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _os_failure(exc, f"create the backup folder {folder}") from exc
        final = _unique_name(folder, project.stem, slug)
        try:
            with replacing(final) as tmp:
                _copy_into(src, tmp, project)
                problem = problem_with(tmp)
                if problem is not None:
                    raise BackupError(f"The backup of {project} failed its check: {problem}.")
        except OSError as exc:
            raise _os_failure(exc, f"write the backup into {folder}") from exc
        return final
    finally:
        src.close()


def _copy_into(src: sqlite3.Connection, tmp: Path, project: Path) -> None:
    try:
        dst = sqlite3.connect(tmp, isolation_level=None)
        try:
            # One step (pages=-1): the whole copy reads a single snapshot of the project.
            src.backup(dst)
            # A backup is one self-contained file: no -wal beside it.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise _sqlite_failure(exc, f"back up {project}") from exc


def daily_backup(source: Store | Path | str) -> Path | None:
    """A `daily` backup if none was made today (UTC) for this project, then rotation; None if
    today's exists already or there is no project file yet."""
    project = Path(source) if isinstance(source, Path | str) else Path(source.path)
    if not project.is_file():
        return None
    folder = backup_dir_for(project)
    today = _now().date()
    if folder.is_dir():
        for path in folder.iterdir():
            parsed = _parse(path, project.stem)
            if parsed and parsed[1] == DAILY and parsed[0].date() == today:
                return None
    made = make_backup(source, reason=DAILY)
    rotate(folder)
    return made


# -- listing and rotation --------------------------------------------------------------------


def _entries(folder: Path, stem: str | None) -> list[tuple[Path, datetime, str]]:
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        parsed = _parse(path, stem)
        if parsed is not None and path.is_file():
            found.append((path, *parsed))
    found.sort(key=lambda entry: entry[1], reverse=True)
    return found


def list_backups(project_path: Path | str, *, check: bool = True) -> list[BackupInfo]:
    """The project's backups, newest first; each is checked unless `check` is False."""
    project = Path(project_path)
    infos = []
    for path, made_at, reason in _entries(backup_dir_for(project), project.stem):
        problem = problem_with(path) if check else None
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        infos.append(BackupInfo(path, made_at, reason, size, problem is None, problem))
    return infos


def rotate(backup_dir: Path | str, keep_daily: int = 7, keep_other: int = 10) -> list[Path]:
    """Keep the newest `keep_daily` daily and `keep_other` other backups; returns the deleted.

    Older backups of a kind are deleted only after the newest of that kind has been opened and
    checked: if it is damaged nothing of that kind is deleted, so the last good backup is never
    lost. Copies kept before a restore are never deleted here.
    """
    folder = Path(backup_dir)
    entries = _entries(folder, None)
    deleted: list[Path] = []
    for kind, keep in ((DAILY, keep_daily), ("other", keep_other)):
        of_kind = [
            path
            for path, _made, reason in entries
            if reason != BEFORE_RESTORE and (reason == DAILY) == (kind == DAILY)
        ]
        keep = max(keep, 1)
        if len(of_kind) <= keep:
            continue
        if problem_with(of_kind[0]) is not None:
            continue
        for path in of_kind[keep:]:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                deleted.append(path)
    return deleted


# -- restoring -------------------------------------------------------------------------------


def _copy_durably(src: Path, final: Path) -> None:
    with replacing(final) as tmp:
        shutil.copyfile(src, tmp)
        if tmp.stat().st_size != src.stat().st_size:
            raise BackupError(f"Copying {src} was incomplete; nothing was changed.")


def _copy_with_wal(backup: Path, tmp: Path) -> None:
    try:
        src = _read_only(backup)
        try:
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        if "full" in str(exc):
            raise OSError(errno.ENOSPC, "No space left on device") from exc
        raise OSError(errno.EIO, f"cannot read the backup ({exc})") from exc


def _rules_broken(backup: Path) -> str | None:
    """What Annotator's own check finds wrong in a sound SQLite file (annotations outside their
    text, links to nothing…), or None."""
    report = check_file(backup)
    if report is None or report.ok:
        return None
    shown = "; ".join(report.problems[:3])
    more = f" (and {len(report.problems) - 3} more)" if len(report.problems) > 3 else ""
    return f"Annotator's check of the backup found {len(report.problems)} problem(s): {shown}{more}"


def restore_backup(project_path: Path | str, backup_path: Path | str) -> Path | None:
    """Replace the project by the backup; returns where the previous project was kept (None if
    there was no project file).

    The backup is checked first (integrity, an Annotator project this version reads, and
    Annotator's own check: offsets inside the text, quotes, links, labels). The
    current project is copied byte for byte, with its -wal/-shm, into the backup folder before
    anything changes, damaged or not; then the backup replaces it atomically.
    """
    project = Path(project_path)
    backup = Path(backup_path)
    if not backup.is_file():
        raise BackupError(f"There is no backup at {backup}.")
    if project.exists() and project.resolve() == backup.resolve():
        raise BackupError(f"{backup} is the project itself, not a backup of it.")
    problem = problem_with(backup) or _rules_broken(backup)
    if problem is not None:
        raise BackupError(
            f"Cannot restore from {backup}: {problem}. The project was left untouched."
        )
    if project.is_file() and in_use_by_another_process(project):
        raise BackupError(
            f"{project} is open in another window or by another command; close it there "
            "first (its changes would go into a file that is no longer the project). "
            "Nothing was changed."
        )
    folder = backup_dir_for(project)
    saved: Path | None = None
    side = [Path(str(project) + s) for s in _SIDE_FILES]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if project.exists():
            saved = _unique_name(folder, project.stem, BEFORE_RESTORE)
            for extra, suffix in zip(side, _SIDE_FILES, strict=True):
                if extra.exists():
                    _copy_durably(extra, Path(str(saved) + suffix))
            _copy_durably(project, saved)
    except OSError as exc:
        raise _os_failure(exc, f"keep a copy of {project} before restoring") from exc
    try:
        project.parent.mkdir(parents=True, exist_ok=True)
        with replacing(project) as tmp:
            if Path(f"{backup}-wal").exists():
                # A copy kept before an earlier restore may hold committed data in its -wal:
                # the backup API reads both, a byte copy of the main file would lose it.
                _copy_with_wal(backup, tmp)
            else:
                shutil.copyfile(backup, tmp)
            # The old file's -wal/-shm (copied above) would be replayed into the restored file.
            for extra in side:
                extra.unlink(missing_ok=True)
    except OSError as exc:
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        why = "there is not enough space on the disk" if full else (exc.strerror or str(exc))
        kept = f" The previous project was kept as {saved}." if saved else ""
        raise BackupError(f"Cannot restore {project} from {backup}: {why}.{kept}") from exc
    return saved
