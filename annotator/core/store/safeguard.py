"""The backup the store asks for before a change that cannot be taken back by undo (upgrading
the schema, removing labels from the codebook).

The store is the core's bottom layer: it does not import `annotator.core.safety`, which makes
backups through it. Safety installs its backup here instead (`annotator.core` does so when it
is imported, so every Store has it); a store with none installed refuses such changes rather
than making them unprotected.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotator.core.errors import ProjectError

#: Makes a checked backup of the project at the path, for the given reason.
BackupHook = Callable[[Path, str], object]

_installed: BackupHook | None = None


def install(hook: BackupHook) -> None:
    """Use `hook` for the backups the store asks for."""
    global _installed
    _installed = hook


def back_up(path: Path, reason: str) -> None:
    """A checked backup of the project before a change undo cannot take back."""
    if _installed is None:
        raise ProjectError(
            f"No backup could be made of {path} before this change ({reason}); it was not made."
        )
    _installed(Path(path), reason)
