"""Writing a file atomically (an export, a copy of an original): all of it, or nothing and the
previous file untouched.

The data goes to a temporary file in the same folder (so the final rename never crosses file
systems), is flushed and fsync'd, and only then replaces the target with `os.replace`. Any
failure removes the temporary file and raises an `AnnotatorError` that says what happened.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO, TypeVar

from annotator.core.errors import AnnotatorError
from annotator.core.export.scope import ExportCancelled

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_BUFFER = 1 << 20  # fewer, larger writes: exports run to hundreds of megabytes


@contextmanager
def atomic_text_file(path: Path, *, encoding: str) -> Iterator[TextIO]:
    """A text stream whose content becomes `path` only if the block completes.

    No newline translation: each format writes its own line endings (CRLF for CSV, LF for JSON).
    """

    def text(fd: int) -> TextIO:
        return open(fd, "w", encoding=encoding, newline="", buffering=_BUFFER)  # noqa: SIM115

    with _atomic(Path(path), text) as stream:
        yield stream


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write exactly `data` to `path`, atomically as `atomic_text_file` writes (an earlier file
    there survives any failure)."""

    def binary(fd: int) -> BinaryIO:
        return open(fd, "wb", buffering=_BUFFER)  # noqa: SIM115

    with _atomic(Path(path), binary) as stream:
        stream.write(data)


_Stream = TypeVar("_Stream", TextIO, BinaryIO)


@contextmanager
def _atomic(path: Path, opener: Callable[[int], _Stream]) -> Iterator[_Stream]:
    """A stream (made by `opener` from a file descriptor) onto a temporary file that replaces
    `path` only if the block completes."""
    if path.is_symlink():
        path = path.resolve()  # replace the file the link points to, not the link itself
    if path.is_dir():
        raise AnnotatorError(f"{path} is a folder; give the name of the file to write.")
    if path.exists() and not os.access(path, os.W_OK):
        raise AnnotatorError(
            f"{path} is read-only: it was not written. Choose another name, or make it writable."
        )
    folder = path.parent
    if not folder.is_dir():
        raise AnnotatorError(f"Cannot write {path}: the folder {folder} does not exist.")
    existed = path.exists()
    temp = folder / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        # os.open rather than mkstemp: the export gets the usual permissions (0666 less umask),
        # not mkstemp's 0600, once it replaces the target.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(temp, flags, 0o666)
    except OSError as exc:
        raise AnnotatorError(_failure(path, exc, existed)) from exc
    stream = opener(fd)
    try:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())
        stream.close()
        if existed:
            shutil.copymode(path, temp)  # the new version keeps the old one's permissions
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError, ValueError):
            stream.close()  # may fail again (disk still full): the temp file goes regardless
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, ExportCancelled):
            raise ExportCancelled(f"Export cancelled: {_untouched(path, existed)}") from None
        if isinstance(exc, OSError | sqlite3.Error):
            raise AnnotatorError(_failure(path, exc, existed)) from exc
        raise
    _sync_folder(folder)


def _untouched(path: Path, existed: bool) -> str:
    if existed:
        return f"{path} was not written; the previous version is unchanged."
    return f"{path} was not written."


def _failure(path: Path, exc: BaseException, existed: bool) -> str:
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
        return f"The disk is full: {_untouched(path, existed)} Free some space and try again."
    if isinstance(exc, PermissionError):
        return (
            f"Permission denied: {_untouched(path, existed)} "
            "Choose another folder, or close the file if another program has it open."
        )
    if isinstance(exc, sqlite3.Error):
        return f"Reading the project failed ({exc}): {_untouched(path, existed)}"
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"Could not write the export ({reason}): {_untouched(path, existed)}"


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); best effort, as Windows cannot open folders."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
