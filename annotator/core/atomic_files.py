"""Replacing a file atomically: all of the new content, or the previous file untouched.

The one way Annotator writes a file other than a project (exports, reports, backups, restored
projects, preferences): the content goes to a temporary file in the same folder (so the rename
never crosses file systems), is flushed and fsync'd, replaces the target with `os.replace`, and
the folder is fsync'd so the rename itself survives a power cut. Any failure removes the
temporary file and lets the error through (`OSError`, or whatever the block raised).

Never use this on a project file that a connection of this process may have open (see
`core/store/connection.py`): restore does, but only once every connection is closed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """A new, empty temporary file beside `path`, for the block to fill by name (a PDF writer,
    SQLite, `open()`); when the block completes it is made durable and replaces `path`.

    A symbolic link at `path` keeps pointing where it did: the file it points to is replaced.
    The new file keeps the permissions of the one it replaces (else the usual 0666 less umask).
    """
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    existed = target.exists()
    temp = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.tmp"
    # os.open rather than mkstemp: mkstemp's 0600 would stay on the file once it replaces
    # the target.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    os.close(os.open(temp, flags, 0o666))
    try:
        yield temp
        fsync_file(temp)
        if existed:
            shutil.copymode(target, temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_folder(target.parent)


def write_bytes_atomically(path: Path | str, data: bytes) -> None:
    """`path` holds exactly `data` afterwards, or is as it was (the error is raised)."""
    with replacing(path) as temp, temp.open("wb") as out:
        out.write(data)


def write_text_atomically(path: Path | str, text: str, *, encoding: str = "utf-8") -> None:
    """`path` holds exactly `text` afterwards (no newline translation), or is as it was."""
    write_bytes_atomically(path, text.encode(encoding))


def fsync_file(path: Path | str) -> None:
    """Flush the file's content to the disk (closed streams only hand it to the system)."""
    # Windows flushes only through a handle open for writing.
    mode = os.O_RDWR if os.name == "nt" else os.O_RDONLY
    fd = os.open(path, mode | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path | str) -> None:
    """Make a rename in `folder` durable (POSIX); best effort: Windows cannot open folders,
    and its renames are durable already."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
