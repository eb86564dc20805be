"""Passages elsewhere in the corpus that restate a claim, ranked.

1. The claim's terms (`terms.terms`) are weighed by how rare they are among all windows
   (inverse document frequency from the index's vocabulary), so that the words that make the
   claim distinctive ("instigat", "color", "revolution") count and the common ones barely do.
2. Candidates come from the index: the windows holding the claim's rarest terms (up to
   `PROBED` of them, each in at most a twentieth of the windows), summed by weight; a window
   whose probed words, with every unprobed one granted, could not reach the coverage the score
   needs is never read.
3. Each candidate is scored on its terms: `COVERAGE_WEIGHT` × the share of the claim's weight
   it holds (order does not matter; a clause added to the passage costs nothing, one dropped
   costs only its words' weight) plus the rest × rapidfuzz's token-set ratio of the two term
   lists (near-identical wording scores higher). A decoy that shares a few common words with the
   claim ("external forces" in a market story) covers little of its weight and does not rank.

Hits overlapping each other in a document (runs of a long sentence) keep the best one.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from annotator.core.errors import ValidationError
from annotator.core.records import AnnotationId
from annotator.core.recurrences.index import update_index
from annotator.core.recurrences.terms import distinct, terms
from annotator.core.store import Store

#: The share of the score that the claim's weighted words covered make.
COVERAGE_WEIGHT = 0.75
#: Rarest claim terms whose windows are read as candidates.
PROBED = 8
#: Candidates scored at most (the best by probed weight).
MAX_CANDIDATES = 400
_MAX_CLAIM = 2000


@dataclass(frozen=True)
class Recurrence:
    """A passage restating a claim; `start`/`end` in code points of the document's text."""

    document_id: str
    document_title: str
    start: int
    end: int
    quote: str
    score: float


def find_recurrences(
    store: Store,
    claim: str | AnnotationId,
    *,
    limit: int = 20,
    min_score: float = 0.6,
    exclude_document: str | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Recurrence]:
    """Passages of other documents that restate `claim` (an annotation's id, or text), best first.

    For an annotation, its own document is left out; `exclude_document` leaves out one more.
    The index is brought up to date first (cheap when it is). Returns [] when cancelled.
    """
    text, own = _claim_text(store, claim)
    excluded = {d for d in (own, exclude_document) if d}
    claimed = distinct(terms(text[:_MAX_CLAIM]))
    if not claimed:
        raise ValidationError(
            "The claim has no words to look for (only punctuation or very common words): "
            "select a longer passage."
        )
    update_index(store, cancelled=cancelled)
    if cancelled is not None and cancelled():
        return []
    conn = store.conn
    total_windows = int(conn.execute("SELECT count(*) FROM recurrence_windows").fetchone()[0])
    freq = {
        term: int(row[0]) if row else 0
        for term in claimed
        for row in [
            conn.execute("SELECT doc FROM recurrence_vocab WHERE term = ?", [term]).fetchone()
        ]
    }
    weight = {t: math.log((total_windows + 1) / (freq[t] + 0.5)) for t in claimed}
    whole = sum(weight.values())
    need = max(0.0, (min_score - (1 - COVERAGE_WEIGHT)) / COVERAGE_WEIGHT)
    # Rarest first; a word in more than a twentieth of the windows says little about the claim.
    cap = max(50, total_windows // 20)
    findable = sorted((t for t in claimed if freq[t]), key=lambda t: freq[t])
    probed = [t for t in findable if freq[t] <= cap][:PROBED] or findable[:2]
    if not probed:
        return []
    granted = whole - sum(weight[t] for t in probed)
    partial: dict[int, float] = {}
    for term in probed:
        quoted = '"' + term.replace('"', '""') + '"'
        for (rowid,) in conn.execute(
            "SELECT rowid FROM recurrence_terms WHERE recurrence_terms MATCH ?", [quoted]
        ):
            partial[rowid] = partial.get(rowid, 0.0) + weight[term]
    if cancelled is not None and cancelled():
        return []
    floor = need * whole - granted - 1e-9
    chosen = sorted((r for r, w in partial.items() if w >= floor), key=partial.__getitem__)
    chosen = chosen[-MAX_CANDIDATES:]
    scored = _score(conn, chosen, claimed, weight, whole, excluded)
    hits = _best_apart([s for s in scored if s[0] >= min_score])[:limit]
    return _recurrences(store, hits)


def _claim_text(store: Store, claim: str) -> tuple[str, str | None]:
    """The claim's text, and its document when it is an annotation's id."""
    key = claim.strip()
    if key and len(key) <= 64 and " " not in key:
        annotation = store.annotations.find(AnnotationId(key))
        if annotation is not None:
            return annotation.quote, annotation.document_id
    if not key:
        raise ValidationError("Give a claim: an annotation's id or the text to look for.")
    return claim, None


Scored = tuple[float, str, int, int]


def _score(
    conn: sqlite3.Connection,
    rowids: list[int],
    claimed: tuple[str, ...],
    weight: dict[str, float],
    whole: float,
    excluded: set[str],
) -> list[Scored]:
    claim_words = " ".join(claimed)
    scored: list[Scored] = []
    for begin in range(0, len(rowids), 500):
        part = rowids[begin : begin + 500]
        marks = ", ".join("?" * len(part))
        rows = conn.execute(
            f'SELECT document_id, start, "end", terms FROM recurrence_windows '
            f"WHERE id IN ({marks})",
            part,
        )
        for doc_id, start, end, words in rows:
            if doc_id in excluded:
                continue
            held = set(words.split())
            coverage = sum(weight[t] for t in claimed if t in held) / whole if whole else 0.0
            likeness = fuzz.token_set_ratio(claim_words, words) / 100
            score = COVERAGE_WEIGHT * coverage + (1 - COVERAGE_WEIGHT) * likeness
            scored.append((round(score, 4), doc_id, start, end))
    return scored


def _best_apart(scored: list[Scored]) -> list[Scored]:
    """Best first; a hit overlapping a better one of its document is left out."""
    kept: list[Scored] = []
    taken: dict[str, list[tuple[int, int]]] = {}
    for hit in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        _score_, doc_id, start, end = hit
        ranges = taken.setdefault(doc_id, [])
        if any(start < e and s < end for s, e in ranges):
            continue
        ranges.append((start, end))
        kept.append(hit)
    return kept


def _recurrences(store: Store, hits: list[Scored]) -> list[Recurrence]:
    found = []
    for score, doc_id, start, end in hits:
        row = store.conn.execute(
            "SELECT title, substr(text, ?, ?) FROM documents WHERE id = ?",
            [start + 1, end - start, doc_id],
        ).fetchone()
        if row is None:
            continue
        found.append(Recurrence(doc_id, row[0], start, end, row[1], score))
    return found
