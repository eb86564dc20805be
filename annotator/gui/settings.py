"""Per-user settings remembered between sessions (analyst name, last document, geometry)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANISATION = "Annotator"
APPLICATION = "Annotator"


def settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def remembered_analyst() -> str | None:
    value = settings().value("analyst/name")
    return str(value) if value else None


def remember_analyst(name: str) -> None:
    settings().setValue("analyst/name", name)
