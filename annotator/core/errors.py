"""Errors the user may see: each carries a message that says what went wrong and what to do."""

from __future__ import annotations

from pathlib import Path


class AnnotatorError(Exception):
    """Base class for failures reported to the user as a plain message (never a traceback)."""


class ImportRefused(AnnotatorError):
    """A file could not be imported; nothing from it was stored."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.where = str(path)  # as given: a file's path, or a web address
        self.reason = reason
        super().__init__(f"{self.where}: {reason}")


class PasswordRequired(ImportRefused):
    """The file is encrypted and the password was missing or wrong: asking for it (again)
    can import it."""


class ProjectError(AnnotatorError):
    """The project database cannot be opened or used as it is."""


class NotAProject(ProjectError):
    """The file exists but is not an Annotator project; it was left untouched."""


class DamagedProject(ProjectError):
    """The file is an SQLite database that cannot be read: restore it from a backup."""

    @classmethod
    def found_while_reading(cls, path: Path | str, exc: Exception) -> DamagedProject:
        """The project opened, but part of it could not be read (damaged pages)."""
        return cls(
            f"{path} is damaged: part of it cannot be read ({exc}). Nothing was changed. "
            "`annotator check` (File ▸ Check project) lists what is wrong; restore the newest "
            "good backup with File ▸ Restore from backup…, or `annotator backups` and "
            "`annotator restore BACKUP` (the damaged file is kept)."
        )


#: What SQLite says of a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB).
DAMAGE_WORDS = ("malformed", "not a database", "corrupt")


def is_damage(exc: Exception) -> bool:
    """Whether an SQLite error says the file itself is damaged (not busy, full or read-only)."""
    text = str(exc).lower()
    return any(word in text for word in DAMAGE_WORDS)


class ValidationError(AnnotatorError):
    """An operation was refused because its input breaks a rule (offsets, labels, values)."""
