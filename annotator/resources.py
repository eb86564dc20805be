"""Where shipped resources (default codebook, icons) live: `resources/` at the top of the clone."""

from __future__ import annotations

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"


def resource_path(name: str) -> Path:
    """Path of a shipped resource file; a missing one means a broken install."""
    path = RESOURCES_DIR / name
    if not path.exists():
        raise FileNotFoundError(
            f"Annotator's resource {name!r} is missing from {RESOURCES_DIR}; "
            "reinstall from the clone."
        )
    return path
