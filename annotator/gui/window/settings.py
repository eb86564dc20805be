"""Per-user window settings (geometry; the last document and position of each project); the
analyst's name and the recent projects are core preferences."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from annotator.core.preferences import remember_analyst, remembered_analyst
from annotator.core.store import Store

__all__ = [
    "project_key",
    "remember_analyst",
    "remember_document",
    "remember_position",
    "remembered_analyst",
    "remembered_document",
    "remembered_position",
    "settings",
]

ORGANISATION = "Annotator"
APPLICATION = "Annotator"
#: Earlier versions kept one last document per user, not per project: read, never written.
_LEGACY_DOCUMENT, _LEGACY_POSITION = "session/document", "session/position"


def settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def project_key(store: Store) -> str:
    """What the project's remembered document is filed under: its id, which stays the same
    when the file is moved or restored (its path, for a project without one)."""
    return store.meta("project_id") or str(store.path.resolve())


def _key(project: str, name: str) -> str:
    return f"projects/{project}/{name}"


def remember_document(project: str, document_id: str) -> None:
    settings().setValue(_key(project, "document"), document_id)


def remembered_document(project: str) -> str | None:
    """The project's last open document (the old per-user one if it has none of its own)."""
    value = settings().value(_key(project, "document")) or settings().value(_LEGACY_DOCUMENT)
    return str(value) if value else None


def remember_position(project: str, position: int) -> None:
    """Written to disk at once: restored on the next start, even after a crash."""
    store = settings()
    store.setValue(_key(project, "position"), position)
    store.sync()


def remembered_position(project: str) -> int:
    store = settings()
    value = store.value(_key(project, "position"))
    if value is None and not store.contains(_key(project, "document")):
        value = store.value(_LEGACY_POSITION)
    try:
        return int(value) if isinstance(value, int | str) else 0
    except ValueError:
        return 0
