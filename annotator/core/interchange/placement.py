"""Which local document receives the annotations of each document in a file (or a new one).

In order: the same text (sha256), the document the user chose, the same document id, the same
canonical address (the project treats it as a duplicate key beside the text), the one document
with the same title (and no contradicting publication date); failing all, a JSON Lines document
that carries its text is added to the project, under its own id when that is free, with what
its source said about itself (outlet, author, address, language) and its page map. A document
matched to one of ours keeps ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from annotator.core.errors import ValidationError
from annotator.core.importing.report import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.interchange.model import ParsedDocument
from annotator.core.records import AnalystId, DocumentId, new_id
from annotator.core.store import Store, matching


@dataclass(frozen=True)
class Placement:
    document_id: DocumentId | None  # None: nowhere to put its annotations
    title: str  # the local title, or the file's name for the document
    #: "same text", "chosen", "same id", "same address", "same title", "created", "not found"
    how: str


def place(
    store: Store,
    path: Path,
    doc: ParsedDocument,
    *,
    onto: DocumentId | None,
    analyst_id: AnalystId,
    not_by_title: set[DocumentId] | frozenset[DocumentId] = frozenset(),
) -> Placement:
    """Find (or create) the local document for `doc`; call inside the import's transaction.
    `not_by_title`: documents the same file added, which another of its documents with the
    same title ("Daily briefing") is a different article from."""
    found = matching.document_by_text(store, doc.text_sha256)
    if found:
        return Placement(*found, "same text")
    if onto is not None:
        return Placement(onto, store.documents.summary(onto).title, "chosen")
    if doc.id is not None and (found := matching.document_by_id(store, doc.id)):
        return Placement(*found, "same id")
    # As written, or as stored before a W3C export percent-encoded it (新闻 → %E6%96%B0…).
    if doc.url and (found := matching.document_by_address(store, doc.url, unquote(doc.url))):
        return Placement(*found, "same address")
    if doc.title:
        rows = matching.documents_by_title(store, doc.title)
        # Two articles may share a title ("Daily briefing"): a different date rules one out.
        rows = [r for r in rows if r[2] is None or doc.published is None or r[2] == doc.published]
        rows = [r for r in rows if r[0] not in not_by_title]
        if len(rows) == 1:
            return Placement(rows[0][0], rows[0][1], "same title")
    if doc.text is not None:
        return Placement(create(store, path, doc, analyst_id), doc.name, "created")
    return Placement(None, doc.name, "not found")


def check_onto(store: Store, onto: DocumentId | None) -> None:
    """`onto` names one local document (raises ProjectError for an unknown id)."""
    if onto is not None:
        store.documents.summary(onto)


def onto_refused(path: Path, documents: int | None) -> ValidationError:
    """Why annotations of a file about several documents cannot go onto one (`documents`:
    how many, if known)."""
    count = "several" if documents is None else f"{documents}"
    return ValidationError(
        f"{path.name} holds annotations of {count} documents; "
        "annotations can be put onto a chosen document only from a file about one."
    )


def create(store: Store, path: Path, doc: ParsedDocument, analyst_id: AnalystId) -> DocumentId:
    """Add the file's document with its text, keeping its id, title, dates, source, what the
    source said about itself and its page map.

    The id is kept: it is what lets a later export of this project match the colleague's (and
    what keeps a round trip byte-identical).
    """
    assert doc.text is not None
    # `place` tried the id first, so it is free here: a document with it would have matched.
    doc_id = DocumentId(doc.id or new_id())
    report = ImportReport(
        source=doc.source or str(path),
        format="annotation file",
        encoding="utf-8",
        encoding_detected=False,
        warnings=[f"Text taken as it was from the annotation file {path.name}."],
    )
    extracted = ExtractedDocument(
        source=Path(doc.source or str(path)),
        title=doc.title or path.stem,
        text=doc.text,
        published=doc.published,
        report=report,
        meta=SourceMeta(
            title=doc.title or "",
            published=doc.published,
            author=doc.author,
            outlet=doc.outlet,
            url=doc.url,
            language=doc.language,
        ),
        page_starts=list(doc.page_starts),
    )
    summary, _created = store.documents.add(
        extracted,
        analyst_id=analyst_id,
        doc_id=doc_id,
        imported_at=doc.imported_at or None,
        source=doc.source or str(path),
    )
    # `place` looked for the same text and address first, so this is the new document.
    return summary.id
