"""What a claim and a passage are compared on: sentence-sized windows and their words, normalised.

A window is a sentence (cut after . ! ? and their full-width forms when the next word does not
start in lower case, so "U.S. officials" stays whole; and at line breaks), trimmed; a sentence of
more than `MAX_TERMS` words is cut into overlapping runs of them. Its terms are its words, each
NFKC-normalised and case-folded, diacritics dropped from Latin words ("Fénghé" → "fenghe"),
British endings in their American form (`copies.shingling.fold`: "colour", "defence"), common
English suffixes taken off ("instigating"/"instigated" → "instigat") and common function words
left out; characters of scripts written without spaces (`annotator.core.scripts`) are a term
each. Straight and curly quotes and all punctuation separate words and count for nothing.

`SCHEME` names these rules: the index records it per document and re-indexes a document whose
terms were made under other rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from annotator.core.copies.shingling import fold
from annotator.core.scripts import SPACELESS_CLASS

#: Bumped whenever `terms` or `windows` would return anything else for some text.
SCHEME = "sentences-1"
#: Terms per window at most; longer sentences are cut into runs of this many, overlapping.
MAX_TERMS = 48
_OVERLAP = 12

_SENTENCE_END = re.compile(
    r"[.!?]+[\"'”’»)\]]*\s+(?=[^\sa-z])|[。！？]+[」』”’）]*\s*|\n\s*"
)
_HAS_SPACELESS = re.compile(f"[{SPACELESS_CLASS}]")
#: A word: letters, digits and marks (no underscore: the index's tokenizer splits on it).
_WORD = re.compile(r"[^\W_]+")
_SPACED_WORD = re.compile(rf"(?:(?![{SPACELESS_CLASS}])[^\W_])+|(?=[^\W_])[{SPACELESS_CLASS}]")
#: Suffixes taken off English words of five letters or more (longest first).
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ed", "es", "ly", "s", "e")
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves said says say""".split()  # noqa: SIM905 (a word list reads better)
)

_CACHE: dict[str, str] = {}
_MAX_CACHE = 300_000


@dataclass(frozen=True)
class Window:
    """A sentence-sized range of a text, in code points, and its terms (distinct, in order)."""

    start: int
    end: int
    terms: tuple[str, ...]


def _normal(word: str) -> str:
    """One word (already case-folded) as the index keeps it; "" for a word left out."""
    known = _CACHE.get(word)
    if known is not None:
        return known
    if len(_CACHE) >= _MAX_CACHE:
        _CACHE.clear()
    term = word
    if not term.isascii():
        stripped = "".join(
            c for c in unicodedata.normalize("NFKD", term) if not unicodedata.combining(c)
        )
        if stripped.isascii():
            term = stripped
    if term in _STOPWORDS or (len(term) == 1 and term.isascii()):
        term = ""
    elif term.isascii() and term.isalpha():
        term = fold(term)
        if len(term) >= 5:
            for suffix in _SUFFIXES:
                if term.endswith(suffix) and len(term) - len(suffix) >= 4:
                    term = term[: -len(suffix)]
                    break
    _CACHE[word] = term
    return term


def terms(text: str) -> list[str]:
    """The text's terms in order, repeats included."""
    return _terms(text, _SPACED_WORD if _HAS_SPACELESS.search(text) else _WORD)


def _terms(text: str, pattern: re.Pattern[str]) -> list[str]:
    # The hot loop of indexing (ten million words for 10,000 articles): a dict lookup per
    # word, a call only for a word not seen before.
    known = _CACHE.get
    found = []
    for word in pattern.findall(unicodedata.normalize("NFKC", text).casefold()):
        term = known(word)
        if term is None:
            term = _normal(word)
        if term:
            found.append(term)
    return found


def distinct(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """The code-point ranges of the text's sentences, trimmed of surrounding space."""
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        yield from _trimmed(text, begin, match.end())
        begin = match.end()
    yield from _trimmed(text, begin, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


def windows(text: str) -> list[Window]:
    """The text's windows: its sentences (long ones cut into overlapping runs of words)."""
    pattern = _SPACED_WORD if _HAS_SPACELESS.search(text) else _WORD
    found = []
    for start, end in sentences(text):
        words = _terms(text[start:end], pattern)
        if not words:
            continue
        if len(words) <= MAX_TERMS:
            found.append(Window(start, end, distinct(words)))
            continue
        # A run of words is located by its words' positions in the sentence.
        spans = _word_spans(text, start, end, pattern)
        step = MAX_TERMS - _OVERLAP
        for first in range(0, len(spans), step):
            chunk = spans[first : first + MAX_TERMS]
            run = [t for _s, _e, t in chunk]
            found.append(Window(chunk[0][0], chunk[-1][1], distinct(run)))
            if first + MAX_TERMS >= len(spans):
                break
    return found


def _word_spans(
    text: str, start: int, end: int, pattern: re.Pattern[str]
) -> list[tuple[int, int, str]]:
    """Each kept word's range and term in text[start:end] (for cutting a long sentence)."""
    known = _CACHE.get
    spans = []
    for match in pattern.finditer(text, start, end):
        term = known(match.group().casefold())
        if term is None:
            # NFKC may change a word's length; its range stays that of the original characters.
            term = "".join(_terms(match.group(), pattern))
        if term:
            spans.append((match.start(), match.end(), term))
    return spans
