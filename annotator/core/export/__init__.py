"""Exporting annotations: CSV tables, Annotator JSON Lines, W3C Web Annotations.

Every format takes the same `ExportFilter`, streams from SQLite (memory stays flat for millions
of annotations), writes atomically (an error leaves any earlier file untouched) and gives the
same bytes for the same project and filter.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.export.jsonl import export_jsonl
from annotator.core.export.scope import (
    EVERYTHING,
    ExportCancelled,
    ExportFilter,
    ExportResult,
    Progress,
)
from annotator.core.export.tables import (
    ANNOTATION_COLUMNS,
    CLAIM_COLUMNS,
    export_annotations_csv,
    export_claims_csv,
    neutralise,
)
from annotator.core.export.w3c import export_w3c
from annotator.core.store import Store

#: Format names (as the CLI's --format takes them) and what each writes.
FORMATS = {
    "csv": "one row per annotation (spreadsheet)",
    "claims": "one row per claim with its speaker, target and sentiment (spreadsheet)",
    "jsonl": "Annotator JSON Lines: every field, links and documents, for re-import",
    "w3c": "W3C Web Annotation JSON-LD collection (or JSON Lines)",
}


def export(
    store: Store,
    path: Path | str,
    format: str,
    *,
    filter: ExportFilter = EVERYTHING,
    bom: bool = True,
    raw: bool = False,
    include_text: bool = True,
    lines: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Export in one of FORMATS. `bom`/`raw` apply to the CSV formats, `include_text` to
    jsonl, `lines` to w3c; the others are ignored."""
    if format in ("csv", "claims"):
        table = export_annotations_csv if format == "csv" else export_claims_csv
        return table(store, path, filter=filter, bom=bom, raw=raw, progress=progress)
    if format == "jsonl":
        return export_jsonl(
            store, path, filter=filter, include_text=include_text, progress=progress
        )
    if format == "w3c":
        return export_w3c(store, path, filter=filter, lines=lines, progress=progress)
    raise ValueError(f"unknown export format {format!r}; use one of {', '.join(FORMATS)}")


__all__ = [
    "ANNOTATION_COLUMNS",
    "CLAIM_COLUMNS",
    "EVERYTHING",
    "FORMATS",
    "ExportCancelled",
    "ExportFilter",
    "ExportResult",
    "Progress",
    "export",
    "export_annotations_csv",
    "export_claims_csv",
    "export_jsonl",
    "export_w3c",
    "neutralise",
]
