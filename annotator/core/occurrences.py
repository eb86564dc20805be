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

import dataclasses
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from annotator.core.errors import ValidationError
from annotator.core.records import DocumentId
from annotator.core.scripts import SPACELESS_CLASS, is_spaceless
from annotator.core.search.fts import term_match
from annotator.core.search.index import sync_index
from annotator.core.search.query import Term, has_letters
from annotator.core.store.search_copies import FOLD_TABLE

if TYPE_CHECKING:
    from annotator.core.store import Store

#: Occurrences listed at most (a preview beyond this is not read by anyone).
LIMIT = 1000
_BATCH = 32
#: Characters of context either side of an occurrence.
CONTEXT = 60
#: Aliases of a speaker looked for at most, and their longest quote.
MAX_ALIASES = 50
MAX_ALIAS_LENGTH = 80
_WORDS = re.compile(r"\w+")
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


# Each character's fold, filled as characters are met: str.translate then folds a text in C.
_TABLE: dict[int, str] = {}
#: Characters that fold to other than exactly one character (ß, ﬁ, a lone combining mark).
_UNEVEN: set[str] = set()


def fold_text(text: str) -> tuple[str, list[int] | None]:
    """`text` folded, and for each folded position the code point it came from (None when
    every character folds to exactly one: positions are the text's own)."""
    if text.isascii():
        return text.lower(), None
    chars = set(text)
    for ch in chars:
        if ord(ch) not in _TABLE:
            folded_ch = _fold_char(ch)
            _TABLE[ord(ch)] = folded_ch
            if len(folded_ch) != 1:
                _UNEVEN.add(ch)
    folded = text.translate(_TABLE)
    if chars.isdisjoint(_UNEVEN):
        return folded, None
    origin = [i for i, ch in enumerate(text) for _ in _TABLE[ord(ch)]]
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


# Where letters that fold alike come from: the Latin, Greek and Cyrillic blocks, general
# punctuation (curly quotes) and ligatures, and every letter the index folds.
_RANGES = ((0x0000, 0x052F), (0x1E00, 0x1FFF), (0x2000, 0x206F), (0xFB00, 0xFB06))
_MARKS = "[\u0300-\u036f]*"  # combining accents after a letter (decomposed text)
#: After a match: a letter or digit of a spaced script, or an accent, means the word goes on.
_WORD_GOES_ON = rf"(?!(?![{SPACELESS_CLASS}])\w|[\u0300-\u036f])"


@lru_cache(maxsize=1)
def _sources() -> tuple[dict[str, str], dict[str, str]]:
    """For each folded character, the characters that fold to it (as a regex class body);
    for each two-character fold (ß → ss, æ → ae), the characters that fold to it."""
    single: dict[str, set[str]] = {}
    double: dict[str, set[str]] = {}
    codes = [c for low, high in _RANGES for c in range(low, high + 1)] + list(FOLD_TABLE)
    for code in codes:
        ch = chr(code)
        if unicodedata.category(ch).startswith(("C", "Z")) or unicodedata.combining(ch):
            continue
        folded = _fold_char(ch)
        if len(folded) == 1:
            single.setdefault(folded, {folded}).add(ch)
        elif len(folded) == 2:
            double.setdefault(folded, set()).add(ch)
    return (
        {k: "".join(map(re.escape, sorted(v))) for k, v in single.items()},
        {k: "".join(map(re.escape, sorted(v))) for k, v in double.items()},
    )


def _form_regex(form: str) -> str:
    """A pattern matching `form` in unfolded text: each letter as any letter folding alike
    (any case, accented or not, precomposed or decomposed), spaces as any whitespace."""
    single, double = _sources()
    target = fold(form)
    parts: list[str] = []
    i = 0
    while i < len(target):
        ch = target[i]
        if ch.isspace():
            parts.append(r"\s+")
            i += 1
            continue
        one = f"[{single.get(ch, re.escape(ch))}]{_MARKS}"
        pair = target[i : i + 2]
        if len(pair) == 2 and pair in double:
            two = f"[{single.get(pair[1], re.escape(pair[1]))}]{_MARKS}"
            parts.append(f"(?:{one}{two}|[{double[pair]}])")
            i += 2
            continue
        parts.append(one)
        i += 1
    body = "".join(parts)
    # No look-behind for the word's start: it stops re's fast scan for the first letter
    # (5x slower); callers check the character before a match (`_starts_word`).
    tail = "" if is_spaceless(form[-1]) else _WORD_GOES_ON
    return f"(?:{body}){tail}"


def _patterns(forms: Sequence[str]) -> list[re.Pattern[str]]:
    # One pattern per form: an alternation of forms starting with different letters would
    # lose re's fast scan for the first letter (3x slower for three forms).
    return [re.compile(_form_regex(form)) for form in forms]


def _matches(patterns: list[re.Pattern[str]], text: str) -> list[tuple[int, int, int]]:
    """(start, end, form) of every match not inside an earlier or longer one."""
    found = sorted(
        ((m.start(), -m.end(), i) for i, p in enumerate(patterns) for m in p.finditer(text)),
    )
    out: list[tuple[int, int, int]] = []
    reached = 0
    for start, negative_end, i in found:
        if start >= reached:
            out.append((start, -negative_end, i))
            reached = -negative_end
    return out


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
    patterns = _patterns(wanted)
    conn = store.conn
    sync_index(store)
    match = " OR ".join(term_match(Term(f, phrase=True), ("text",)).expr for f in wanted)
    # The candidates in order from the listing index alone, then their texts a few at a time:
    # a preview that reaches its limit early never reads the rest.
    sql = (
        "SELECT d.rowid FROM documents d INDEXED BY documents_listing WHERE d.rowid IN "
        "(SELECT rowid FROM search_documents WHERE search_documents MATCH ?)"
    )
    params: list[object] = [match]
    if document_ids is not None:
        sql += " AND d.id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(document_ids)))
    order = [row[0] for row in conn.execute(sql + " ORDER BY d.published, d.title", params)]
    found: list[Occurrence] = []
    for doc_id, title, text in _texts(conn, order):
        if len(found) >= limit:
            break
        for start, end, i in _matches(patterns, text):
            form = wanted[i]
            if start and not _starts_word(text[start - 1], form[0]):
                continue
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
                    False,
                )
            )
    del found[limit:]
    tagged = _tagged(store, found)
    return [o if (o.document_id, o.start, o.end) not in tagged else _as_tagged(o) for o in found]


def _texts(conn: sqlite3.Connection, rowids: list[int]) -> Iterator[tuple[str, str, str]]:
    """(id, title, text) of the documents, in the order given, read in small batches."""
    for at in range(0, len(rowids), _BATCH):
        batch = rowids[at : at + _BATCH]
        rows = conn.execute(
            "SELECT rowid, id, title, text FROM documents WHERE rowid IN "
            "(SELECT value FROM json_each(?))",
            [json.dumps(batch)],
        )
        by_rowid = {row[0]: row[1:] for row in rows}
        yield from (by_rowid[r] for r in batch if r in by_rowid)


def _starts_word(before: str, first: str) -> bool:
    """Whether a match whose first character is `first` starts a word after `before`."""
    if is_spaceless(first) or is_spaceless(before):
        return True
    return not (before.isalnum() or before == "_" or unicodedata.combining(before))


def _as_tagged(occurrence: Occurrence) -> Occurrence:
    return dataclasses.replace(occurrence, tagged=True)


def _tagged(store: Store, found: list[Occurrence]) -> set[tuple[str, int, int]]:
    """Of the occurrences, those a span with exactly these offsets tags already (one query,
    through the index on document and start)."""
    if not found:
        return set()
    keys = json.dumps([[o.document_id, o.start] for o in found])
    rows = store.conn.execute(
        'SELECT a.document_id, a.start, a."end" FROM json_each(?) AS k '
        "CROSS JOIN annotations a ON a.document_id = k.value ->> 0 AND a.start = k.value ->> 1",
        [keys],
    )
    return {(d, s, e) for d, s, e in rows}


def speaker_forms(store: Store, name: str) -> list[str]:
    """A speaker's canonical name and the ways the corpus writes it: the quotes of speaker
    spans carrying that name that share a word with it ("Gen. Wei" for "Wei Fenghe"; a span
    quoting "the minister" is an attribution, not a spelling), most used first, at most
    MAX_ALIASES of them."""
    name = " ".join(name.split())
    words = set(_WORDS.findall(fold(name)))
    rows = store.conn.execute(
        # `+label_id`: found through the speaker-name index, not by walking the label's spans.
        "SELECT a.quote, count(*) AS uses FROM annotations a "
        "WHERE +a.label_id IN (SELECT id FROM labels WHERE role = 'speaker') "
        "AND a.speaker_name IN (?, ?, ?, ?) AND length(a.quote) <= ? "
        "GROUP BY a.quote ORDER BY uses DESC, a.quote",
        # The name as typed and as usually capitalised: each an indexed look-up.
        [name, name.title(), name.lower(), name.upper(), MAX_ALIAS_LENGTH],
    )
    aliases = []
    for quote, _uses in rows:
        quote = " ".join(quote.split())
        if words & set(_WORDS.findall(fold(quote))):
            aliases.append(quote)
            if len(aliases) >= MAX_ALIASES:
                break
    return _forms([name, *aliases])
