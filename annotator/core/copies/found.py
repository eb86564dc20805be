"""Finding a new document's syndicated copies at import, linking them, listing the groups.

A candidate from the matrix of stored signatures (`signatures`: the documents whose MinHash
estimate of Jaccard similarity is at least `signatures.MIN_ESTIMATE`) is ranked by the
containment its estimate implies, and the most promising are verified on the two texts' shingle
sets:

- `containment`: the share of the shorter text's shingles found in the longer one. A copy
  trimmed to half its paragraphs, under a new header, with a few words edited, is 0.85-0.95;
  two different articles sharing a boilerplate paragraph or a quoted statement 0.05-0.25.
- `jaccard`: shared shingles over all shingles of either. It catches two versions that each
  edited the other's text here and there (equal lengths, 0.6 means ~75 % in common).

A pair is a copy when `jaccard >= JACCARD` or when `containment >= CONTAINMENT` and the shorter
text has at least `MIN_SIZE_RATIO` of the longer's shingles (an excerpt of a few sentences
quoted in a long article is not its copy). Both texts need `MIN_SHINGLES` shingles (about as
many words): short notices are too alike to tell.

A new document joins the group of the document it matches best: it is linked to that group's
original, the first of the group imported (`document_copies`, with the similarity to that
original), in one transaction with the signature and a history entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.copies.shingling import shingles
from annotator.core.copies.signatures import (
    Candidate,
    Signature,
    index,
    sign_text,
    state,
    store_signatures,
)
from annotator.core.importing import ImportReport
from annotator.core.records import AnalystId, DocumentId, DocumentSummary, now_iso
from annotator.core.store import Store, history

JACCARD = 0.6
CONTAINMENT = 0.8
MIN_SIZE_RATIO = 0.3
MIN_SHINGLES = 20
#: Candidates verified on their texts at most, the most promising (by signature) first.
MAX_VERIFIED = 16
#: Margin under the thresholds for the signatures' estimate (128 hashes: ±0.05 or so).
_ESTIMATE_MARGIN = 0.2


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float  # of the shorter set in the longer
    size_ratio: float  # shorter set / longer set
    smaller: int  # shingles of the shorter set

    @classmethod
    def of(cls, a: set[int], b: set[int]) -> Similarity:
        common = len(a & b)
        small, large = sorted((len(a), len(b)))
        union = small + large - common
        return cls(
            jaccard=common / union if union else 0.0,
            containment=common / small if small else 0.0,
            size_ratio=small / large if large else 0.0,
            smaller=small,
        )

    @property
    def is_copy(self) -> bool:
        if self.smaller < MIN_SHINGLES:
            return False
        return self.jaccard >= JACCARD or (
            self.containment >= CONTAINMENT and self.size_ratio >= MIN_SIZE_RATIO
        )


def _promising(signature: Signature, candidate: Candidate) -> float | None:
    """Estimated containment from the signatures, or None if the pair cannot be a copy."""
    small, large = sorted((signature.count, candidate.count))
    if small < MIN_SHINGLES or small < MIN_SIZE_RATIO * large:
        return None
    jaccard = candidate.estimate
    containment = jaccard * (small + large) / ((1 + jaccard) * small)
    if containment < CONTAINMENT - _ESTIMATE_MARGIN and jaccard < JACCARD - _ESTIMATE_MARGIN:
        return None
    return containment


@dataclass(frozen=True)
class CopyFound:
    """`document_id` is a copy of `original_id` (the first of its group imported)."""

    document_id: DocumentId
    original_id: DocumentId
    similarity: float  # containment of the shorter text in the longer, against the original
    found_at: str
    new: bool = True  # False: it was linked already


def copy_of(store: Store, doc_id: DocumentId) -> CopyFound | None:
    """The document's link to its original, if it is a copy."""
    row = store.conn.execute(
        "SELECT original_id, similarity, found_at FROM document_copies WHERE document_id = ?",
        [doc_id],
    ).fetchone()
    if row is None:
        return None
    return CopyFound(doc_id, DocumentId(row[0]), float(row[1]), row[2], new=False)


def _text(store: Store, doc_id: DocumentId) -> str | None:
    # Not `store.documents.text`: that would replace the open document's cached text.
    row = store.conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
    return None if row is None else str(row[0])


def note_copies(
    store: Store, doc_id: DocumentId, *, analyst_id: AnalystId | None = None
) -> CopyFound | None:
    """Look for earlier documents that `doc_id` is a copy of (call right after adding it);
    link it to the best-matching group's original. Also stores the document's signature.

    Returns the link (`new` False if the document was linked before), or None.
    """
    earlier = copy_of(store, doc_id)
    if earlier is not None:
        return earlier
    text = _text(store, doc_id)
    if text is None:
        return None
    own, signature = sign_text(text)
    known = index(store, unsigned_ok=[doc_id])
    synced = state(store).version
    link = _best_link(store, known.candidates(signature), doc_id, own, signature)
    found = None
    with store.transaction() as db:
        if db.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is None:
            return None  # taken out meanwhile (a cancelled import)
        store_signatures(store, [(doc_id, signature)])
        # Linked meanwhile (another window), or an original already: left as it is.
        grouped = db.execute(
            "SELECT 1 FROM document_copies WHERE document_id = ? OR original_id = ? LIMIT 1",
            [doc_id, doc_id],
        ).fetchone()
        if link is not None and not grouped and _still_original(store, link[0]):
            original_id, similarity = link
            found = CopyFound(doc_id, original_id, similarity, now_iso())
            row = {
                "document_id": doc_id,
                "original_id": original_id,
                "similarity": float(similarity),
                "found_at": found.found_at,
            }
            db.table("document_copies").insert(row)
            history.record(
                db,
                analyst_id=analyst_id,
                action="create",
                entity="document_copy",
                entity_id=doc_id,
                document_id=doc_id,
                after=row,
            )
    known.add(doc_id, signature)
    now = state(store)
    if now.version == synced:  # no one else wrote meanwhile: still in line
        known.state = now
    return found if found is not None else copy_of(store, doc_id)


def _still_original(store: Store, doc_id: DocumentId) -> bool:
    """The document is there and is no copy itself (checked inside the linking transaction)."""
    row = store.conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM document_copies WHERE document_id = d.id) "
        "FROM documents d WHERE d.id = ?",
        [doc_id],
    ).fetchone()
    return bool(row and row[0])


def _best_link(
    store: Store,
    candidates: list[Candidate],
    doc_id: DocumentId,
    own: set[int],
    signature: Signature,
) -> tuple[DocumentId, float] | None:
    """(the best-matching group's original, similarity to it), or None."""
    ranked: list[tuple[float, DocumentId]] = []
    for candidate in candidates:
        if candidate.doc_id == doc_id:
            continue
        estimate = _promising(signature, candidate)
        if estimate is not None:
            ranked.append((estimate, candidate.doc_id))
    ranked.sort(reverse=True)
    cache: dict[DocumentId, set[int] | None] = {}

    def shingles_of(other: DocumentId) -> set[int] | None:
        if other not in cache:
            text = _text(store, other)
            cache[other] = None if text is None else shingles(text)
        return cache[other]

    best: tuple[float, float, DocumentId] | None = None
    for _estimate, other in ranked[:MAX_VERIFIED]:
        theirs = shingles_of(other)
        if theirs is None:
            continue  # removed since the index was brought in line
        similar = Similarity.of(own, theirs)
        if similar.is_copy and (best is None or (similar.containment, similar.jaccard) > best[:2]):
            best = (similar.containment, similar.jaccard, other)
    if best is None:
        return None
    matched = best[2]
    row = store.conn.execute(
        "SELECT original_id FROM document_copies WHERE document_id = ?", [matched]
    ).fetchone()
    if row is None:
        return matched, best[0]
    original = DocumentId(row[0])
    theirs = shingles_of(original)
    if theirs is None:
        return matched, best[0]  # its original went: the match stands as one itself
    return original, Similarity.of(own, theirs).containment


def noted_at_import(
    store: Store,
    summary: DocumentSummary,
    report: ImportReport,
    *,
    analyst_id: AnalystId | None,
) -> DocumentSummary:
    """`note_copies` for a document an import just added: the summary again (with `copy_of`
    when it is a copy). Looking for copies never fails an import: a failure is added to the
    document's import report as a warning instead."""
    try:
        found = note_copies(store, summary.id, analyst_id=analyst_id)
        return summary if found is None else store.documents.summary(summary.id)
    except Exception as exc:  # whatever went wrong, the document stays imported
        report.warnings.append(f"Syndicated copies of this article were not looked for ({exc}).")
        return summary


@dataclass(frozen=True)
class CopyMember:
    document: DocumentSummary
    similarity: float
    found_at: str


@dataclass(frozen=True)
class CopyGroup:
    """An original and its copies (oldest link first)."""

    original: DocumentSummary
    copies: tuple[CopyMember, ...]

    @property
    def documents(self) -> tuple[DocumentSummary, ...]:
        return (self.original, *(member.document for member in self.copies))


def copy_groups(store: Store, document: DocumentId | None = None) -> list[CopyGroup]:
    """Every group of copies (by the original's import time), or the one `document` is in
    (an empty list if it is in none)."""
    sql = "SELECT document_id, original_id, similarity, found_at FROM document_copies"
    params: list[str] = []
    if document is not None:
        link = copy_of(store, document)
        sql += " WHERE original_id = ?"
        params.append(link.original_id if link is not None else document)
    rows = store.conn.execute(sql, params).fetchall()
    ids = {DocumentId(r[0]) for r in rows} | {DocumentId(r[1]) for r in rows}
    summaries = store.documents.summaries(sorted(ids))
    members: dict[DocumentId, list[CopyMember]] = {}
    for doc_id, original_id, similarity, found_at in rows:
        if doc_id in summaries and original_id in summaries:
            member = CopyMember(summaries[doc_id], float(similarity), found_at)
            members.setdefault(DocumentId(original_id), []).append(member)
    groups = [
        CopyGroup(
            summaries[original],
            tuple(sorted(copies, key=lambda m: (m.found_at, m.document.id))),
        )
        for original, copies in members.items()
    ]
    groups.sort(key=lambda g: (g.original.imported_at, g.original.id))
    return groups


def group_of(store: Store, document: DocumentId) -> CopyGroup | None:
    """The group `document` is in (as the original or a copy), or None."""
    groups = copy_groups(store, document)
    return groups[0] if groups else None
