"""The per-user list of recent projects, kept in preferences.json beside the analyst's name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotator.core.preferences import (
    RECENT_LIMIT,
    clear_recent_projects,
    forget_project,
    preferences_path,
    recent_projects,
    remember_analyst,
    remember_project,
    remembered_analyst,
)


def test_recent_projects_newest_first_once_each_beside_the_analyst(tmp_path: Path) -> None:
    remember_analyst("Ana")
    first, second = tmp_path / "kazakhstan.sqlite", tmp_path / "ukraine.sqlite"
    assert recent_projects() == []
    remember_project(first)
    remember_project(second)
    remember_project(tmp_path / "sub" / ".." / "kazakhstan.sqlite")  # the same file again
    assert recent_projects() == [first.resolve(), second.resolve()]
    assert remembered_analyst() == "Ana"  # both in the one file
    stored = json.loads(preferences_path().read_text(encoding="utf-8"))
    assert stored["analyst"] == "Ana"
    assert stored["recent_projects"] == [str(first.resolve()), str(second.resolve())]
    forget_project(first)
    assert recent_projects() == [second.resolve()]
    clear_recent_projects()
    assert recent_projects() == []
    assert remembered_analyst() == "Ana"


def test_recent_projects_are_capped_and_survive_a_damaged_entry(tmp_path: Path) -> None:
    for number in range(RECENT_LIMIT + 3):
        remember_project(tmp_path / f"p{number}.sqlite")
    recent = recent_projects()
    assert len(recent) == RECENT_LIMIT
    assert recent[0].name == f"p{RECENT_LIMIT + 2}.sqlite"
    preferences_path().write_text('{"recent_projects": ["/a.sqlite", 7, null, ""]}', "utf-8")
    assert recent_projects() == [Path("/a.sqlite")]
    preferences_path().write_text('{"recent_projects": "oops"}', "utf-8")
    assert recent_projects() == []


def test_preferences_stay_qt_free() -> None:
    code = (
        "import sys, annotator.core.preferences as p; p.recent_projects(); "
        "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
