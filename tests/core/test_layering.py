"""The no-cycles contract covers every package: a new package cannot be left out of it."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_package_is_checked_for_import_cycles() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (acyclic,) = [c for c in contracts if c["type"] == "acyclic_siblings"]
    packages = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "annotator").rglob("__init__.py")
    }
    assert packages - set(acyclic["ancestors"]) == set(), "add them to the contract's ancestors"
