"""What the rest of the core knows about a project file's schema, in one place to import from.

- The schema is built by frozen, numbered migrations: `annotator.core.store.migrations` (its
  docstring says how to add one). A project's version is `PRAGMA user_version`.
- The search tables' live format (splitting scripts without spaces): `search_tables`.
- The list of scripts written without spaces: `annotator.core.scripts`.
"""

from __future__ import annotations

from annotator.core.scripts import SPACELESS_CLASS
from annotator.core.store import migrations
from annotator.core.store.migrations import APPLICATION_ID, MIGRATION_NAMES, SCHEMA_VERSION
from annotator.core.store.search_tables import (
    SEARCH_SOURCES,
    SEPARATOR,
    SPACELESS_GLOB,
    fill_split_copies,
    split_spaceless,
)

__all__ = [
    "APPLICATION_ID",
    "MIGRATION_NAMES",
    "SCHEMA_VERSION",
    "SEARCH_SOURCES",
    "SEPARATOR",
    "SPACELESS_CLASS",
    "SPACELESS_GLOB",
    "fill_split_copies",
    "migrations",
    "split_spaceless",
]
