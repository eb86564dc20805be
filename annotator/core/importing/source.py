"""One thing to import (a file, a page to fetch), as both the file import and the web use it.

It lives here, below `annotator.core.ingest` and `annotator.core.fetching`, so that neither
has to import the other for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.core.importing.report import ExtractedDocument


@dataclass(frozen=True)
class Source:
    """One thing to import: a file, or a page to fetch. `read` does the work (reading,
    fetching, extracting) and raises `ImportRefused` with a plain reason."""

    label: str  # what the report names: a file's path, or a web address
    name: str  # what the progress shows: a file's name, or the address
    read: Callable[[], ExtractedDocument]
