"""Every occurrence of a name or phrase in the corpus, for "tag every occurrence".

Matching is exact after folding case, accents and a few spellings (ß/ss, æ/ae, ø/oe, œ/oe,
curly/straight apostrophes), on whole words (except in scripts written without spaces), and
takes known aliases too: the longest form wins where two overlap ("Wei Fenghe" over "Wei").

Speed: the FTS5 document index (kept current by `sync_index`) gives the documents that contain
any form's words as a phrase; only those texts are read and matched in Python. ASCII texts are
folded by `str.lower` (same offsets); others character by character through a cached fold,
with a map from folded positions back to code points.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from annotator.core.errors import ValidationError
from annotator.core.records import DocumentId
from annotator.core.scripts import is_spaceless
from annotator.core.search.fts import term_match
from annotator.core.search.index import sync_index
from annotator.core.search.query import Term, has_letters
from annotator.core.store.search_copies import FOLD_TABLE

if TYPE_CHECKING:
    from annotator.core.store import Store

#: Occurrences listed at most (a preview beyond this is not read by anyone).
LIMIT = 5000
#: Characters of context either side of an occurrence.
CONTEXT = 60
_PAIRS = str.maketrans({"æ": "ae", "ø": "oe", "œ": "oe", "’": "'", "‘": "'", "ʼ": "'"})


@dataclass(frozen=True)
class Occurrence:
    """text[start:end] of a document (code points) matched `form`, between `before`/`after`."""

    document_id: DocumentId
    document_title: str
    start: int
    end: int
    quote: str
    before: str
    after: str
    form: str  # the name or alias it matched
    tagged: bool  # a span with exactly these offsets is tagged already


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch.translate(FOLD_TABLE))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_PAIRS)


def fold_text(text: str) -> tuple[str, list[int] | None]:
    """`text` folded, and for each folded position the code point it came from (None when
    every character folds to exactly one: positions are the text's own)."""
    if text.isascii():
        return text.lower(), None
    parts = [_fold_char(ch) for ch in text]
    folded = "".join(parts)
    if len(folded) == len(text) and all(len(p) == 1 for p in parts):
        return folded, None
    origin = [i for i, part in enumerate(parts) for _ in part]
    origin.append(len(text))
    return folded, origin


def fold(text: str) -> str:
    """`text` folded for comparison (case, accents, spellings)."""
    return fold_text(text)[0]


def _forms(forms: Iterable[str]) -> list[str]:
    """Distinct forms (spaces collapsed), longest first; refuses one without a letter."""
    seen: dict[str, str] = {}
    for form in forms:
        cleaned = " ".join(form.split())
        if not cleaned:
            continue
        if not has_letters(cleaned):
            raise ValidationError(f"“{cleaned}” has no letters or digits to look for.")
        seen.setdefault(fold(cleaned), cleaned)
    if not seen:
        raise ValidationError("Select or type a name or phrase to look for.")
    return [seen[k] for k in sorted(seen, key=len, reverse=True)]


def _pattern(forms: Sequence[str]) -> re.Pattern[str]:
    alternatives = []
    for form in forms:
        body = r"\s+".join(re.escape(word) for word in fold(form).split(" "))
        head = "" if is_spaceless(form[0]) else r"(?<!\w)"
        tail = "" if is_spaceless(form[-1]) else r"(?!\w)"
        alternatives.append(f"{head}(?:{body}){tail}")
    return re.compile("|".join(f"({a})" for a in alternatives))


def find_occurrences(
    store: Store,
    forms: Iterable[str],
    *,
    document_ids: Iterable[str] | None = None,
    limit: int = LIMIT,
) -> list[Occurrence]:
    """Every occurrence of any of `forms` (a name and its aliases), by document then offset.

    Raises ValidationError for nothing to look for, or for a form with no letters or digits.
    """
    wanted = _forms(forms)
    pattern = _pattern(wanted)
    conn = store.conn
    sync_index(store)
    match = " OR ".join(term_match(Term(f, phrase=True), ("text",)).expr for f in wanted)
    sql = (
        "SELECT d.id, d.title, d.text FROM documents d WHERE d.rowid IN "
        "(SELECT rowid FROM search_documents WHERE search_documents MATCH ?)"
    )
    params: list[object] = [match]
    if document_ids is not None:
        sql += " AND d.id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(document_ids)))
    found: list[Occurrence] = []
    for doc_id, title, text in conn.execute(sql + " ORDER BY d.published, d.title", params):
        folded, origin = fold_text(text)
        spans = []
        for m in pattern.finditer(folded):
            start, end = m.span()
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
            spans.append((start, end, wanted[m.lastindex - 1 if m.lastindex else 0]))
        if not spans:
            continue
        tagged = _tagged(store, doc_id)
        for start, end, form in spans:
            found.append(
                Occurrence(
                    DocumentId(doc_id),
                    title,
                    start,
                    end,
                    text[start:end],
                    text[max(0, start - CONTEXT) : start],
                    text[end : end + CONTEXT],
                    form,
                    (start, end) in tagged,
                )
            )
            if len(found) >= limit:
                return found
    return found


def _tagged(store: Store, document_id: str) -> set[tuple[int, int]]:
    rows = store.conn.execute(
        'SELECT start, "end" FROM annotations WHERE document_id = ?', [document_id]
    )
    return {(s, e) for s, e in rows}


def speaker_forms(store: Store, name: str) -> list[str]:
    """A speaker's canonical name and every way the corpus writes it (the quotes of speaker
    spans carrying that name), for finding its occurrences."""
    rows = store.conn.execute(
        "SELECT DISTINCT a.quote FROM annotations a JOIN labels l ON l.id = a.label_id "
        "WHERE l.role = 'speaker' AND a.speaker_name = ? COLLATE NOCASE",
        [" ".join(name.split())],
    )
    return _forms([name, *(" ".join(q.split()) for (q,) in rows)])
