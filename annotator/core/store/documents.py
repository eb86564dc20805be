"""Documents in the store: added once per distinct text (content hash), text never changed."""

from __future__ import annotations

import builtins
import hashlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from annotator.core.errors import ProjectError
from annotator.core.records import AnalystId, Document, DocumentId, DocumentSummary, new_id, now_iso
from annotator.core.store import history

if TYPE_CHECKING:
    from annotator.core.importing import ExtractedDocument
    from annotator.core.store.project import Store

#: Ids per query: well under SQLite's limit on bound parameters.
_BATCH = 500
_WITHDRAWN_FIELDS = ("id", "title", "source", "published", "imported_at", "text_hash", "char_count")

_SUMMARY_SQL = """
SELECT d.id, d.title, d.source, d.published, d.imported_at, d.char_count,
       (SELECT count(*) FROM annotations a WHERE a.document_id = d.id),
       d.outlet, d.author, d.language, d.url,
       (SELECT c.original_id FROM document_copies c WHERE c.document_id = d.id)
FROM documents d
"""
#: Originals are kept compressed; a page rarely grows past a few hundred KB.
_COMPRESS_LEVEL = 6


class CatalogEntry(NamedTuple):
    """What a list of every document holds in memory to sort, filter and mark its rows."""

    id: DocumentId
    title: str
    published: str | None
    outlet: str
    author: str
    language: str
    copy_of: DocumentId | None  # the document this one is a syndicated copy of
    has_original: bool  # the bytes it was read from are kept


_CATALOG_SQL = """
SELECT d.id, d.title, d.published, d.outlet, d.author, d.language, c.original_id,
       EXISTS (SELECT 1 FROM originals o WHERE o.document_id = d.id)
FROM documents d LEFT JOIN document_copies c ON c.document_id = d.id
"""


@dataclass(frozen=True)
class StoredOriginal:
    """The bytes a document was read from, as imported (checked against `sha256`)."""

    name: str
    media_type: str
    sha256: str
    data: bytes


def _clean(value: str) -> str:
    """Metadata as stored: one line, no control characters, trimmed."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def _pages(stored: str | None) -> tuple[int, ...]:
    try:
        starts = json.loads(stored or "[]")
        return tuple(int(s) for s in starts)
    except (ValueError, TypeError):
        return ()


def text_hash(text: str) -> str:
    """Content hash that recognises the same article imported twice (from any file or format)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Documents:
    def __init__(self, store: Store) -> None:
        self._store = store
        # The open document's text, kept so that every annotation doesn't re-read a 1 MB row.
        self._text_cache: tuple[DocumentId, str] | None = None

    def add(
        self,
        extracted: ExtractedDocument,
        *,
        analyst_id: AnalystId | None,
        doc_id: DocumentId | None = None,
        imported_at: str | None = None,
        source: str | None = None,
    ) -> tuple[DocumentSummary, bool]:
        """Store an imported document; returns (summary, False) if the same text is already here.

        `doc_id`, `imported_at` and `source` (any text, e.g. a URL) keep a colleague's values
        (a document read from their annotation file), so that exports of both projects match.
        """
        digest = text_hash(extracted.text)
        existing = self._store.conn.execute(
            "SELECT id FROM documents WHERE text_hash = ?", [digest]
        ).fetchone()
        if existing:
            return self.summary(DocumentId(existing[0])), False
        meta = extracted.meta
        url = _clean(meta.url)
        if url:
            # The canonical address is a duplicate key beside the text: the same article
            # fetched again (its page re-rendered, a counter changed) adds nothing.
            same = self._store.conn.execute(
                "SELECT id FROM documents WHERE url = ?", [url]
            ).fetchone()
            if same:
                return self.summary(DocumentId(same[0])), False
        doc_id = doc_id or DocumentId(new_id())
        row = {
            "id": doc_id,
            "title": extracted.title,
            "source": source if source is not None else str(extracted.source),
            "published": extracted.published,
            "imported_at": imported_at or now_iso(),
            "text": extracted.text,
            "text_hash": digest,
            "char_count": len(extracted.text),
            "import_report": extracted.report.to_json(),
            "outlet": _clean(meta.outlet),
            "author": _clean(meta.author),
            "url": url,
            "language": _clean(meta.language),
            "page_starts": json.dumps(list(extracted.page_starts)),
        }
        with self._store.transaction() as db:
            db.table("documents").insert(row)
            if extracted.original is not None:
                original = extracted.original
                db.table("originals").insert(
                    {
                        "document_id": doc_id,
                        "name": original.name,
                        "media_type": original.media_type,
                        "size": len(original.data),
                        "sha256": hashlib.sha256(original.data).hexdigest(),
                        "compression": "zlib",
                        "data": zlib.compress(original.data, _COMPRESS_LEVEL),
                    }
                )
            history.record(
                db,
                analyst_id=analyst_id,
                action="import",
                entity="document",
                entity_id=doc_id,
                document_id=doc_id,
                after={k: v for k, v in row.items() if k != "text"},
            )
        return self.summary(doc_id), True

    def original(self, doc_id: DocumentId) -> StoredOriginal | None:
        """The bytes the document was read from, checked against their SHA-256; None if the
        document came from somewhere that kept none (an annotation file, an older import)."""
        row = self._store.conn.execute(
            "SELECT name, media_type, size, sha256, compression, data FROM originals "
            "WHERE document_id = ?",
            [doc_id],
        ).fetchone()
        if row is None:
            return None
        name, media_type, size, digest, compression, blob = row
        try:
            data = zlib.decompress(blob) if compression == "zlib" else bytes(blob)
        except zlib.error as exc:
            raise ProjectError(f"The original of this document is damaged ({exc}).") from exc
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            raise ProjectError(
                "The original of this document does not match its SHA-256: it is damaged."
            )
        return StoredOriginal(name=name, media_type=media_type, sha256=digest, data=data)

    def list(self) -> list[DocumentSummary]:
        rows = self._store.conn.execute(
            _SUMMARY_SQL + " ORDER BY d.published IS NULL, d.published, d.title"
        ).fetchall()
        return [DocumentSummary(DocumentId(r[0]), *r[1:]) for r in rows]

    def catalog(self) -> builtins.list[CatalogEntry]:
        """Every document's id, title, date, outlet, author, language, the document it is a
        copy of and whether its original is kept, in no particular order: what a list of all
        the documents needs in memory to sort, filter and mark them. No counts, no text: one
        pass over the `documents_listing` index, which covers these fields (each copy and
        original found by its primary key), never past the articles' texts; not over a million
        annotations either."""
        rows = self._store.conn.execute(_CATALOG_SQL).fetchall()
        # Ids are stored as text, and DocumentId is that text: the rows need no conversion but
        # SQLite's 0/1 for the original.
        return [CatalogEntry._make((*r[:7], r[7] == 1)) for r in rows]

    def summaries(self, doc_ids: Sequence[DocumentId]) -> dict[DocumentId, DocumentSummary]:
        """The summaries of these documents (unknown ids are left out): the rows a list shows.

        Each count is an index search (`annotations_by_document`), so a screenful of rows
        costs about a millisecond however large the project.
        """
        found: dict[DocumentId, DocumentSummary] = {}
        ids = list(dict.fromkeys(doc_ids))
        for begin in range(0, len(ids), _BATCH):
            chunk = ids[begin : begin + _BATCH]
            marks = ", ".join("?" * len(chunk))
            rows = self._store.conn.execute(
                _SUMMARY_SQL + f" WHERE d.id IN ({marks})", chunk
            ).fetchall()
            for r in rows:
                found[DocumentId(r[0])] = DocumentSummary(DocumentId(r[0]), *r[1:])
        return found

    def annotation_counts(self) -> dict[DocumentId, int]:
        """Annotations per document (documents without any are left out), in one pass over
        the `annotations_by_document` index: for sorting a list by count."""
        rows = self._store.conn.execute(
            "SELECT document_id, count(*) FROM annotations GROUP BY document_id"
        ).fetchall()
        return {DocumentId(r[0]): int(r[1]) for r in rows}

    def withdraw(
        self, doc_ids: Sequence[DocumentId], *, analyst_id: AnalystId | None
    ) -> builtins.list[DocumentId]:
        """Take documents out again (an import that was cancelled), in one transaction.

        A document that has annotations by now (tagged in another window meanwhile) is kept:
        taking it out would delete someone's work. Each removal is recorded in the history
        (which is append-only, so the import stays recorded too). Returns the ids removed.
        """
        removed: builtins.list[DocumentId] = []
        with self._store.transaction() as db:
            for doc_id in doc_ids:
                row = db.execute(
                    "SELECT id, title, source, published, imported_at, text_hash, char_count "
                    "FROM documents d WHERE id = ? "
                    "AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = d.id)",
                    [doc_id],
                ).fetchone()
                if row is None:
                    continue
                db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
                history.record(
                    db,
                    analyst_id=analyst_id,
                    action="delete",
                    entity="document",
                    entity_id=doc_id,
                    document_id=doc_id,
                    before=dict(zip(_WITHDRAWN_FIELDS, row, strict=True)),
                )
                removed.append(doc_id)
        if self._text_cache is not None and self._text_cache[0] in removed:
            self._text_cache = None
        return removed

    def summary(self, doc_id: DocumentId) -> DocumentSummary:
        row = self._store.conn.execute(_SUMMARY_SQL + " WHERE d.id = ?", [doc_id]).fetchone()
        if row is None:
            raise ProjectError(f"There is no document with id {doc_id} in this project.")
        return DocumentSummary(DocumentId(row[0]), *row[1:])

    def get(self, doc_id: DocumentId) -> Document:
        row = self._store.conn.execute(
            "SELECT id, title, source, published, imported_at, text, text_hash, import_report, "
            "outlet, author, url, language, page_starts FROM documents WHERE id = ?",
            [doc_id],
        ).fetchone()
        if row is None:
            raise ProjectError(f"There is no document with id {doc_id} in this project.")
        self._text_cache = (doc_id, row[5])
        (_id, title, source, published, imported_at, text, digest, report, *meta) = row
        outlet, author, url, language, pages = meta
        return Document(
            DocumentId(_id),
            title,
            source,
            published,
            imported_at,
            text,
            digest,
            report,
            outlet=outlet,
            author=author,
            url=url,
            language=language,
            page_starts=_pages(pages),
        )

    def text(self, doc_id: DocumentId) -> str:
        if self._text_cache is None or self._text_cache[0] != doc_id:
            self.get(doc_id)
        assert self._text_cache is not None
        return self._text_cache[1]

    def resolve(self, key: str) -> DocumentSummary:
        """A document by id, unique id prefix (as `annotator list` shows) or exact title."""
        matches = [
            doc
            for doc in self.list()
            if doc.id == key or doc.title == key or (len(key) >= 8 and doc.id.startswith(key))
        ]
        if len(matches) != 1:
            reason = "matches several documents" if matches else "matches no document"
            raise ProjectError(f"“{key}” {reason}; use the id shown by `annotator list`.")
        return matches[0]
