"""Test configuration shared by all layers.

Qt runs offscreen, and settings and data folders point into a temporary directory, so the
suite never touches the user's real projects or needs a display.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
_SANDBOX = Path(tempfile.mkdtemp(prefix="annotator-tests-"))
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")
os.environ["XDG_CACHE_HOME"] = str(_SANDBOX / "cache")
os.environ.pop("ANNOTATOR_DB", None)
os.environ.pop("ANNOTATOR_ANALYST", None)

from annotator.core.preferences import preferences_path  # noqa: E402
from annotator.core.store import Store  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_preferences() -> Iterator[None]:
    """Every test starts as a first start: no remembered analyst."""
    preferences_path().unlink(missing_ok=True)
    yield
    preferences_path().unlink(missing_ok=True)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "project.sqlite"


@pytest.fixture
def fresh_store(db_path: Path) -> Iterator[Store]:
    store = Store.open(db_path)
    yield store
    store.close()
