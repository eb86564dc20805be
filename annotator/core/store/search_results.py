"""The project data behind search results, read by rowid (what the FTS5 indexes give).

`annotator.core.search` finds the rowids (its FTS5 statements are compiled from the query, so
they stay there); everything it then reads of documents and annotations is here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from annotator.core.records import AnnotationId, DocumentId
from annotator.core.store.search_copies import fold


@dataclass(frozen=True)
class AnnotationHit:
    """One annotation found; `start`/`end` are code points into its document's text.

    `speaker`: for a speaker span its canonical name, for a claim who said it (linked span's
    name or the typed name); `target`: for a claim what it is about. Empty when there is none.
    """

    annotation_id: AnnotationId
    document_id: DocumentId
    document_title: str
    label: str
    role: str | None
    analyst: str
    start: int
    end: int
    quote: str
    sentiment: str | None
    speaker: str
    target: str
    note: str
    modified: str


@dataclass(frozen=True)
class DocumentRow:
    document_id: DocumentId
    title: str
    published: str | None
    length: int


_HITS = """
SELECT a.rowid, a.id, a.document_id, d.title, coalesce(an.name, a.analyst_id),
       coalesce(lb.name, '?'), lb.role, a.start, a."end", a.quote, a.sentiment,
       a.speaker_name, a.note, a.modified,
       (SELECT coalesce(ls.name, sp.speaker_name, sp.quote) FROM links ls
        LEFT JOIN annotations sp ON sp.id = ls.target_id
        WHERE ls.source_id = a.id AND ls.kind = 'said_by' ORDER BY ls.created DESC LIMIT 1),
       (SELECT coalesce(lt.name, tg.speaker_name, tg.quote) FROM links lt
        LEFT JOIN annotations tg ON tg.id = lt.target_id
        WHERE lt.source_id = a.id AND lt.kind = 'about' ORDER BY lt.created DESC LIMIT 1)
FROM annotations a
JOIN documents d ON d.id = a.document_id
LEFT JOIN analysts an ON an.id = a.analyst_id
LEFT JOIN labels lb ON lb.id = a.label_id
WHERE a.rowid IN ({marks})
"""


def annotation_hits(conn: sqlite3.Connection, rowids: list[int]) -> list[AnnotationHit]:
    """The annotations with these rowids, in that order (rows gone since are left out)."""
    if not rowids:
        return []
    rows = conn.execute(_HITS.format(marks=",".join("?" * len(rowids))), rowids).fetchall()
    by_rowid = {row[0]: row for row in rows}
    hits = []
    for rowid in rowids:
        if rowid not in by_rowid:
            continue
        (_, ann_id, doc_id, title, analyst, label, role, start, end, quote, sentiment,
         speaker_name, note, modified, said_by, about) = by_rowid[rowid]  # fmt: skip
        speaker = (speaker_name or quote) if role == "speaker" else (said_by or "")
        hits.append(
            AnnotationHit(
                AnnotationId(ann_id),
                DocumentId(doc_id),
                title,
                label,
                role,
                analyst,
                start,
                end,
                quote,
                sentiment,
                " ".join(speaker.split()),
                " ".join((about or "").split()),
                note,
                modified,
            )
        )
    return hits


def document_rows(conn: sqlite3.Connection, rowids: list[int]) -> dict[int, DocumentRow]:
    """The documents with these rowids (without their text), by rowid."""
    marks = ",".join("?" * len(rowids))
    return {
        row[0]: DocumentRow(DocumentId(row[1]), row[2], row[3], row[4])
        for row in conn.execute(
            f"SELECT rowid, id, title, published, char_count FROM documents "
            f"WHERE rowid IN ({marks})",
            rowids,
        )
    }


def locate(conn: sqlite3.Connection, rowid: int, fragment: str) -> tuple[str, int | None]:
    """The document's own text for `fragment` of its indexed copy, and where it starts (None
    if it is not there).

    A folded copy has the document's length, code point for code point (`search_copies`), so
    a fragment of it found in the folded text stands for the same stretch of the text.
    """
    if not fragment:
        return fragment, None
    found = conn.execute(
        "SELECT instr(text, ?) FROM documents WHERE rowid = ?", [fragment, rowid]
    ).fetchone()
    if found and found[0]:
        return fragment, found[0] - 1
    row = conn.execute("SELECT text FROM documents WHERE rowid = ?", [rowid]).fetchone()
    at = fold(row[0]).find(fragment) if row else -1
    if at < 0:
        return fragment, None
    return row[0][at : at + len(fragment)], at


def opening(conn: sqlite3.Connection, rowid: int, chars: int) -> str:
    """The first `chars` code points of the document's text."""
    row = conn.execute(
        "SELECT substr(text, 1, ?) FROM documents WHERE rowid = ?", [chars, rowid]
    ).fetchone()
    return str(row[0]) if row else ""


def typed_link_names(conn: sqlite3.Connection, limit: int) -> list[str]:
    """The different names typed on links, in index order, at most `limit` of them (read by
    skipping through `links_by_name`: as fast for a million links as for a hundred)."""
    rows = conn.execute(
        "SELECT DISTINCT name FROM links WHERE name IS NOT NULL ORDER BY name LIMIT ?", [limit]
    )
    return [row[0] for row in rows]


def named_links(conn: sqlite3.Connection, names: list[str], limit: int) -> int:
    """How many links carry one of `names`, counting no further than `limit`."""
    if not names:
        return 0
    marks = ", ".join("?" * len(names))
    sql = f"SELECT count(*) FROM (SELECT 1 FROM links WHERE name IN ({marks}) LIMIT ?)"
    return int(conn.execute(sql, [*names, limit]).fetchone()[0])
