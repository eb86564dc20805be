"""Per-user window settings (last document, geometry); the analyst's name is a core preference."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from annotator.core.preferences import remember_analyst, remembered_analyst

__all__ = ["remember_analyst", "remembered_analyst", "settings"]

ORGANISATION = "Annotator"
APPLICATION = "Annotator"


def settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)
