"""Where the project lives: --db beats $ANNOTATOR_DB beats the per-user data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.paths import default_db_path, resolve_db_path


def test_explicit_path_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "env.sqlite"))
    assert resolve_db_path(tmp_path / "cli.sqlite") == tmp_path / "cli.sqlite"


def test_environment_beats_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "env.sqlite"))
    assert resolve_db_path(None) == tmp_path / "env.sqlite"


def test_default_is_in_the_users_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert resolve_db_path(None) == default_db_path()
    assert default_db_path() == tmp_path / "data" / "Annotator" / "annotator.sqlite"
