"""What the agreement report reads: who annotated what, span by span, and who can be compared."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence

#: (document id, analyst id, label id, start, end, sentiment)
SpanRow = tuple[str, str, str, int, int, str | None]


def coded_spans(
    conn: sqlite3.Connection, document_ids: Sequence[str] | None = None
) -> Iterator[SpanRow]:
    """Every annotation of these documents (None: of all) as a bare span, in one query."""
    columns = 'document_id, analyst_id, label_id, start, "end", sentiment'
    if document_ids is None:
        yield from conn.execute(f"SELECT {columns} FROM annotations")
        return
    yield from conn.execute(
        f"SELECT {columns} FROM annotations WHERE document_id IN (SELECT value FROM json_each(?))",
        [json.dumps(list(document_ids))],
    )


def layers_with_annotations(conn: sqlite3.Connection) -> set[str]:
    """Ids of the layers (analysts and the reviewed layer) with at least one annotation."""
    return {row[0] for row in conn.execute("SELECT DISTINCT analyst_id FROM annotations")}
