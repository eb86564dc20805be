"""Per-user preferences shared by the window and the command line (e.g. the analyst's name).

Kept in a small JSON file in the user's config folder, written atomically.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import platformdirs

from annotator.core.atomic_files import write_text_atomically


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
    write_text_atomically(path, json.dumps(data, ensure_ascii=False, indent=2))


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


# -- recent projects ------------------------------------------------------------------------

#: Projects kept in File ▸ Open recent.
RECENT_LIMIT = 10


def _as_key(path: Path | str) -> str:
    """One spelling per file: absolute, with symbolic links and `..` resolved."""
    return str(Path(path).expanduser().resolve())


def recent_projects() -> list[Path]:
    """Projects opened in the window, newest first (files that went missing included: a
    network drive may only be unmounted)."""
    paths = _load().get("recent_projects")
    if not isinstance(paths, list):
        return []
    return [Path(p) for p in paths if isinstance(p, str) and p]


def remember_project(path: Path | str) -> None:
    """`path` was opened: first in the list, which keeps at most RECENT_LIMIT projects."""
    key = _as_key(path)
    data = _load()
    kept = [str(p) for p in recent_projects() if str(p) != key]
    data["recent_projects"] = [key, *kept][:RECENT_LIMIT]
    _save(data)


def forget_project(path: Path | str) -> None:
    key = _as_key(path)
    data = _load()
    data["recent_projects"] = [str(p) for p in recent_projects() if str(p) != key]
    _save(data)


def clear_recent_projects() -> None:
    data = _load()
    data["recent_projects"] = []
    _save(data)
