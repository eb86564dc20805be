"""What the analysis functions return: plain frozen records, the same for the view, the
command line and the corpus report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from annotator.core.store.analysis_rows import FIELDS

__all__ = ["FIELDS", "AnalysisFilter", "Cancelled", "Passage", "Pivot", "PivotRow", "Timeline"]


class Cancelled(Exception):  # noqa: N818 (the agreed name)
    """The `cancelled` callback asked to stop; nothing was returned."""


@dataclass(frozen=True)
class AnalysisFilter:
    """Which annotations are counted.

    `query`: the annotation-search language (`label:Claim sentiment:negative
    speaker:"Wei Fenghe"`). `layer`: None for every layer (the reviewed layer is one of them,
    so a claim copied into it counts twice), an analyst's id (or name), or the reviewed
    layer's id. `since`/`until`: publication days, inclusive (undated documents then left
    out). `label`: the label counted when the query names none (None: every label).
    """

    query: str = ""
    layer: str | None = None
    since: date | None = None
    until: date | None = None
    label: str | None = "Claim"


@dataclass(frozen=True)
class PivotRow:
    keys: tuple[str | None, ...]  # one per field in `by`; None = no value
    count: int


@dataclass(frozen=True)
class Pivot:
    """Counts by `by`: rows by count (most first), then keys. For the field "document" a key
    is the document's id and `titles` gives its title. `undated`: annotations of undated
    documents (their time key is None) when a time field is used, else 0."""

    by: tuple[str, ...]
    rows: list[PivotRow]
    total: int
    undated: int
    titles: Mapping[str, str] = field(default_factory=dict)

    def label(self, field_name: str, key: str | None) -> str:
        """A key as people read it: a document's title, "(none)" for no value."""
        if key is None:
            return "(undated)" if field_name in ("day", "week", "month", "year") else "(none)"
        if field_name == "document":
            return self.titles.get(key, key)
        return key


@dataclass(frozen=True)
class Passage:
    annotation_id: str
    document_id: str
    document_title: str
    published: str | None
    quote: str
    start: int
    end: int
    speaker: str | None
    target: str | None
    sentiment: str | None
    analyst: str


@dataclass(frozen=True)
class Timeline:
    """Counts per period in order (every period from the first to the last, empty ones as
    0); one series per split value ("all" without a split; "(none)" for no value), largest
    first. `undated`: annotations of undated documents, not in any series."""

    period: str  # "week" | "month" (also "day", "year")
    periods: list[str]
    series: dict[str, list[int]]
    undated: int
