"""Which project files passed SQLite's quick check, remembered so that a command on a file that
nothing changed since skips the pass over the whole file (seconds per gigabyte).

A file is recognised by its identity: the device, inode, size, modification and status-change
times of the file and of its write-ahead log. Another program's write (a window, a command,
a copy put in its place) changes it, so the next command checks again; a command's own
writes keep a checked file checked (it remembers the new identity once it closed the file).
The record lives in the user's cache folder: losing it costs one check, nothing else.

Only `stat` touches the project here: never open() it (see core/store/connection.py).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from annotator.core.paths import cache_dir

#: A file's identity: see the module's docstring.
Identity = tuple[int, ...]
#: Files remembered at most: the oldest are forgotten first (and checked again when used).
KEPT = 200
_NAME = "checked-projects.json"


def identity(path: Path) -> Identity | None:
    """The identity of the project at `path` as it is now; None when it cannot be seen."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    try:
        wal = os.stat(f"{path}-wal")
    except FileNotFoundError:
        log: tuple[int, ...] = (0, 0, 0)
    except OSError:
        return None
    else:  # an empty log (a connection open, nothing written) is the same as none
        log = (wal.st_ino, wal.st_size, wal.st_mtime_ns) if wal.st_size else (0, 0, 0)
    return (
        info.st_dev,
        info.st_ino,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        *log,
    )


def _record_path() -> Path:
    return cache_dir() / _NAME


def _key(ident: Identity) -> str:
    return f"{ident[0]}:{ident[1]}"


def _load() -> dict[str, list[int]]:
    try:
        data = json.loads(_record_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: files are checked again
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, list)}


def _save(data: dict[str, list[int]]) -> None:
    """Written whole and moved into place: a command reading it never sees half of it. Two
    commands saving at once keep one's record; the other's file is checked again."""
    folder = _record_path().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".checked-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.replace(temp, _record_path())
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a cache that cannot be written only means checking again next time


def is_remembered(ident: Identity | None) -> bool:
    """Whether a file of this identity passed the quick check."""
    return ident is not None and _load().get(_key(ident)) == list(ident)


def remember(ident: Identity | None) -> None:
    """Record that the file of this identity is sound (it just passed a check, or only this
    process wrote to it since it did)."""
    if ident is None:
        return
    data = _load()
    data.pop(_key(ident), None)
    data[_key(ident)] = list(ident)  # newest last: the oldest are dropped first
    _save(dict(list(data.items())[-KEPT:]))


def forget(path: Path) -> None:
    """The file at `path` is damaged, or may be: check it again before every command."""
    ident = identity(path)
    if ident is None:
        return
    data = _load()
    if data.pop(_key(ident), None) is not None:
        _save(data)
