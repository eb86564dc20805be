"""Writing an export (or a copy of an original) atomically: all of it, or nothing and the
previous file untouched, through `annotator.core.atomic_files.replacing` (temporary file in the
same folder, fsync, `os.replace`, fsync of the folder). Here: streams with large buffers, and
failures turned into an `AnnotatorError` that says what happened to the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO, TypeVar

from annotator.core.atomic_files import replacing
from annotator.core.errors import AnnotatorError
from annotator.core.export.scope import ExportCancelled

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_BUFFER = 1 << 20  # fewer, larger writes: exports run to hundreds of megabytes


@contextmanager
def atomic_text_file(path: Path, *, encoding: str) -> Iterator[TextIO]:
    """A text stream whose content becomes `path` only if the block completes.

    No newline translation: each format writes its own line endings (CRLF for CSV, LF for JSON).
    """

    def text(temp: Path) -> TextIO:
        return open(temp, "w", encoding=encoding, newline="", buffering=_BUFFER)  # noqa: SIM115

    with _atomic(Path(path), text) as stream:
        yield stream


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write exactly `data` to `path`, atomically as `atomic_text_file` writes (an earlier file
    there survives any failure)."""

    def binary(temp: Path) -> BinaryIO:
        return open(temp, "wb", buffering=_BUFFER)  # noqa: SIM115

    with _atomic(Path(path), binary) as stream:
        stream.write(data)


_Stream = TypeVar("_Stream", TextIO, BinaryIO)


@contextmanager
def _atomic(path: Path, opener: Callable[[Path], _Stream]) -> Iterator[_Stream]:
    """A stream (made by `opener` from the temporary file's path) whose content replaces
    `path` only if the block completes (`annotator.core.atomic_files.replacing`)."""
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
    try:
        with replacing(path) as temp:
            stream = opener(temp)
            try:
                yield stream
                stream.close()  # writing the last buffer may fail too: the export fails
            except BaseException:
                with contextlib.suppress(OSError, ValueError):
                    stream.close()  # may fail again (disk still full); the first error counts
                raise
    except ExportCancelled:
        raise ExportCancelled(f"Export cancelled: {_untouched(path, existed)}") from None
    except (OSError, sqlite3.Error) as exc:
        raise AnnotatorError(_failure(path, exc, existed)) from exc


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
