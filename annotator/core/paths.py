"""Where the project database lives: --db, then $ANNOTATOR_DB, then the user's data folder;
and the user's cache folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "ANNOTATOR_DB"
DEFAULT_NAME = "annotator.sqlite"


def default_db_path() -> Path:
    """The per-user default, e.g. ~/.local/share/Annotator/annotator.sqlite on Linux."""
    return Path(platformdirs.user_data_dir("Annotator", appauthor=False)) / DEFAULT_NAME


def cache_dir() -> Path:
    """The per-user cache folder, e.g. ~/.cache/Annotator on Linux: what may be lost."""
    return Path(platformdirs.user_cache_dir("Annotator", appauthor=False))


def resolve_db_path(option: str | os.PathLike[str] | None) -> Path:
    """The project to use: an explicit path wins over the environment, which wins over default."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return default_db_path()
