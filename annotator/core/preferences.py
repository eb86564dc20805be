"""Per-user preferences shared by the window and the command line (e.g. the analyst's name).

Kept in a small JSON file in the user's config folder, written atomically.
"""

from __future__ import annotations

import getpass
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs


def preferences_path() -> Path:
    return Path(platformdirs.user_config_dir("Annotator", appauthor=False)) / "preferences.json"


def _load() -> dict[str, Any]:
    try:
        data = json.loads(preferences_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or unreadable: behave as on first start
    return data if isinstance(data, dict) else {}


def _save(data: dict[str, Any]) -> None:
    path = preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".preferences-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remembered_analyst() -> str | None:
    name = _load().get("analyst")
    return name if isinstance(name, str) and name.strip() else None


def remember_analyst(name: str) -> None:
    data = _load()
    data["analyst"] = " ".join(name.split())
    _save(data)


def os_user_name() -> str:
    """The operating system's name for the current user, or "" where there is none."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return ""
