"""Errors the user may see: each carries a message that says what went wrong and what to do."""

from __future__ import annotations

from pathlib import Path


class AnnotatorError(Exception):
    """Base class for failures reported to the user as a plain message (never a traceback)."""


class ImportRefused(AnnotatorError):
    """A file could not be imported; nothing from it was stored."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ProjectError(AnnotatorError):
    """The project database cannot be opened or used as it is."""


class NotAProject(ProjectError):
    """The file exists but is not an Annotator project; it was left untouched."""


class DamagedProject(ProjectError):
    """The file is an SQLite database that cannot be read: restore it from a backup."""


class ValidationError(AnnotatorError):
    """An operation was refused because its input breaks a rule (offsets, labels, values)."""
