"""The SQLite project store (through sqlite-utils)."""

from annotator.core.store.history import HistoryEntry
from annotator.core.store.project import Store
from annotator.core.store.schema import APPLICATION_ID, SCHEMA_VERSION

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "HistoryEntry", "Store"]
