"""Re-anchoring a stored quote in a (possibly different) copy of its text.

An annotation travels as a selector: the quoted text, up to 32 characters of context either side
and the offsets where it was. In another copy of the article the offsets may be wrong (a
paragraph added above), the quote may differ slightly (a typo fixed) or be gone. Like the
Hypothesis client we look for the quote first, then use the context, then the position:

1. ``position`` – ``text[start:end]`` is the quote: done.
2. ``quote`` – every exact occurrence, the best by context then by distance to the old offsets.
3. ``normalised`` – as 2, with runs of whitespace read as one space and typographic quotes
   and dashes as their ASCII forms (copies of an article differ in those most often).
4. ``fuzzy`` – approximate matches with at most 20 % of the quote's characters edited, found
   with Myers' bit-parallel algorithm near the old position (and near it moved by the shift
   seen in the previous annotations) first, then in the whole text through exact "seed"
   pieces of the quote, so a 1 MB text is never scanned character by character in Python.

Each candidate span gets ``score = (50·quote + 20·prefix + 20·suffix + 2·position) / 92``:
the similarities (1 − edits / length) of the quote, of the context either side, and the
proximity to the old offset (1 − distance / text length), weighted as Hypothesis weighs them.
A candidate is accepted from ``ACCEPT_SCORE`` (0.75) up. Whatever is found, the span is the
matched stretch of *this* text; the caller re-reads quote and context from it.

Three rules keep an annotation whose own passage is gone from sitting silently on the same
words elsewhere:

- a span another annotation of the same kind (the caller's ``key``: analyst and label) took
  with a better score is not taken again; one that took it with a worse score is named in
  the new anchor's ``displaced``, for the caller to list (it was placed already);
- a candidate far from where the annotations before it moved (``FAR_CHARS``) is taken only if
  one side of its context survives (``STRONG_CONTEXT``), and then with a ``review`` note;
- whatever carries a note is listed for the analyst to check.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Hashable
from dataclasses import dataclass, replace
from functools import cached_property

#: Largest share of the quote's characters that may differ in a fuzzy match.
MAX_ERROR_RATE = 0.2
#: Weights of quote, prefix, suffix and position similarity in a candidate's score.
WEIGHTS = (50, 20, 20, 2)
#: Lowest score accepted. Unrelated 32-character contexts are 15–25 % similar, so an exact
#: quote amid unrelated text scores 0.63–0.67: a short quote such as a name is not moved to
#: another mention of it when its passage was deleted. One side of the context surviving
#: (≥ 0.81), or a quote with 20 % edited and its context (≥ 0.89), passes.
ACCEPT_SCORE = 0.75
#: Away from its old offsets, one side of the context must be at least this similar.
STRONG_CONTEXT = 0.8
#: Placed further than this from where the previous annotations' shift predicts: reviewed.
FAR_CHARS = 512
#: Characters searched either side of the old position before the whole text is searched.
NEAR_CHARS = 512
#: Exact occurrences scored in full; beyond this the best by cheap context checks are kept.
MAX_CANDIDATES = 200
#: Seed pieces of a quote with more occurrences than this are too common to be useful.
MAX_SEED_HITS = 64
#: Places in the whole text verified for a fuzzy match, best-voted first.
MAX_WINDOWS = 8
#: Longer quotes must match exactly (up to `normalise`): the bit-parallel search costs time
#: in proportion to the quote's length for every character it reads.
MAX_FUZZY_CHARS = 4096
_WHITESPACE = re.compile(r"\s+")
# One character for one, so that offsets survive: “ ” „ ‟ ″ ‘ ’ ‚ ‛ ′ ‐ ‑ ‒ – — ― −
_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)
_LONG_WHITESPACE = re.compile(r"\s{2,}")


@dataclass(frozen=True)
class Selector:
    """Where an annotation was: its quote, the context around it, its old code-point offsets."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Anchor:
    """A span of the local text: code-point offsets, score in [0, 1] and how it was found."""

    start: int
    end: int
    score: float
    method: str  # "position" | "quote" | "normalised" | "fuzzy"
    #: Why the analyst should look at it ("" when nothing is in doubt).
    review: str = ""
    #: The caller's token of an earlier anchor that had this span with a worse score.
    displaced: Hashable = None


def reanchor(text: str, selector: Selector) -> Anchor | None:
    """The best span of `text` for `selector`, or None if nothing scores `ACCEPT_SCORE`."""
    return Anchorer(text).anchor(selector)


class Anchorer:
    """Anchors many selectors in one text: its normalised form is computed once, and the shift
    between old and new offsets seen so far guides the search for the next (in file order)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._drift = 0
        self._token: Hashable = None
        #: Spans taken so far, per key: the score they were taken with and by whom.
        self._claims: dict[tuple[Hashable, int, int], tuple[float, Hashable]] = {}
        self._key: Hashable = None

    def anchor(
        self, selector: Selector, key: Hashable = None, token: Hashable = None
    ) -> Anchor | None:
        """The span for `selector`; `key` says which annotations compete for one span (those of
        one analyst and label): a span one of them took with a better score is not taken.
        `token` names this annotation in a later anchor's `displaced`."""
        text, exact = self.text, selector.exact
        if not exact:
            return None
        self._key, self._token = key, token
        start, end = selector.start, selector.end
        if start is not None and end is not None and start >= 0 and text[start:end] == exact:
            self._drift = 0
            found = Anchor(start, end, self._score(selector, start, end, 1.0), "position")
            return self._claim(found)
        best = self._exact(selector)
        if best is None or best.score < ACCEPT_SCORE:
            best = _better(best, self._normalised(selector))
        if best is None or best.score < ACCEPT_SCORE:
            best = _better(best, self._fuzzy(selector))
        if best is None or best.score < ACCEPT_SCORE:
            return None
        if start is not None:
            predicted = start + self._drift
            if abs(best.start - predicted) > FAR_CHARS:
                if not self._context_holds(selector, best.start, best.end):
                    return None  # far off, amid other words: another passage
                best = replace(
                    best,
                    review=f"moved {abs(best.start - start):,} characters, away from where the "
                    "annotations before it moved: check that it is the same passage",
                )
            self._drift = best.start - start
        return self._claim(best)

    def _claim(self, anchor: Anchor) -> Anchor:
        """Record who has the span; name an earlier, worse match it displaces (an annotation
        at its own old offsets beats every re-anchored one, and is never displaced)."""
        span = (self._key, anchor.start, anchor.end)
        rank = 2.0 if anchor.method == "position" else anchor.score
        earlier = self._claims.get(span)
        if earlier is None or rank > earlier[0]:
            self._claims[span] = (rank, self._token)
        if earlier is not None and earlier[0] <= 1.0 and rank > earlier[0]:
            anchor = replace(anchor, displaced=earlier[1])
        return anchor

    # -- the stages ---------------------------------------------------------------------------

    def _exact(self, selector: Selector) -> Anchor | None:
        starts = _occurrences(self.text, selector.exact)
        m = len(selector.exact)
        if len(starts) > MAX_CANDIDATES:
            # A very common quote ("China"): keep those whose nearest context matches exactly.
            starts.sort(
                key=lambda s: (-self._context_hint(selector, s, s + m), _distance(selector, s))
            )
            starts = starts[:MAX_CANDIDATES]
        return self._best(selector, [(s, s + m, 1.0) for s in starts], "quote")

    def _normalised(self, selector: Selector) -> Anchor | None:
        quote = normalise(selector.exact)
        if quote == selector.exact and self._normalised_text == self.text:
            return None  # nothing to normalise on either side: stage 2 already looked
        spans = [
            (self._original(s), self._original(s + len(quote)), 1.0)
            for s in _occurrences(self._normalised_text, quote)[:MAX_CANDIDATES]
        ]
        return self._best(selector, spans, "normalised")

    def _fuzzy(self, selector: Selector) -> Anchor | None:
        m = len(selector.exact)
        k = int(m * MAX_ERROR_RATE)
        if k == 0 or m > MAX_FUZZY_CHARS:
            return None
        best: Anchor | None = None
        if selector.start is not None:
            # Text added or removed above shifts every later annotation alike: look where the
            # previous one moved to as well as where this one was.
            for at in dict.fromkeys((selector.start + self._drift, selector.start)):
                window = (max(0, at - NEAR_CHARS - k), min(len(self.text), at + m + NEAR_CHARS + k))
                found = self._best(
                    selector, self._approximate(selector.exact, k, [window]), "fuzzy"
                )
                best = _better(best, found)
                if best is not None and best.score >= ACCEPT_SCORE:
                    return best
        windows = _seed_windows(self.text, selector.exact, k)
        return _better(
            best, self._best(selector, self._approximate(selector.exact, k, windows), "fuzzy")
        )

    # -- helpers ------------------------------------------------------------------------------

    def _approximate(
        self, quote: str, k: int, windows: list[tuple[int, int]]
    ) -> list[tuple[int, int, float]]:
        """(start, end, similarity) of the best approximate match of `quote` in each window."""
        found: dict[tuple[int, int], float] = {}
        m = len(quote)
        for lo, hi in windows:
            scores = edit_scores(quote, self.text[lo:hi], anchored=False)
            for end in _local_minima(scores, k):
                start, errors = _match_start(quote, self.text, lo + end + 1, k)
                end += lo + 1
                found[(start, end)] = 1.0 - errors / m
        return [(s, e, q) for (s, e), q in found.items()]

    def _best(
        self, selector: Selector, spans: list[tuple[int, int, float]], method: str
    ) -> Anchor | None:
        best: Anchor | None = None
        for start, end, quote_score in spans:
            score = self._score(selector, start, end, quote_score)
            if self._claims.get((self._key, start, end), (-1.0, None))[0] >= score:
                continue  # taken by an annotation that matched it better
            candidate = Anchor(start, end, score, method)
            if best is None or (candidate.score, -_distance(selector, start)) > (
                best.score,
                -_distance(selector, best.start),
            ):
                best = candidate
        return best

    def _score(self, selector: Selector, start: int, end: int, quote_score: float) -> float:
        text = self.text
        prefix = _context_score(selector.prefix, text[max(0, start - len(selector.prefix)) : start])
        suffix = _context_score(selector.suffix, text[end : end + len(selector.suffix)])
        position = 1.0
        if selector.start is not None and text:
            position = max(0.0, 1.0 - abs(start - selector.start) / len(text))
        parts = (quote_score, prefix, suffix, position)
        return sum(w * p for w, p in zip(WEIGHTS, parts, strict=True)) / sum(WEIGHTS)

    def _context_holds(self, selector: Selector, start: int, end: int) -> bool:
        """One side of the context survives (or there was none to tell passages apart by)."""
        if not selector.prefix and not selector.suffix:
            return True  # nothing to tell passages apart by: the score decides
        text = self.text
        prefix = _context_score(selector.prefix, text[max(0, start - len(selector.prefix)) : start])
        suffix = _context_score(selector.suffix, text[end : end + len(selector.suffix)])
        return max(prefix, suffix) >= STRONG_CONTEXT

    def _context_hint(self, selector: Selector, start: int, end: int) -> int:
        """Cheap pre-ranking: how many of the 8 characters either side match exactly."""
        before = selector.prefix[-8:]
        after = selector.suffix[:8]
        text = self.text
        return (text[max(0, start - len(before)) : start] == before) + (
            text[end : end + len(after)] == after
        )

    @cached_property
    def _normalised_text(self) -> str:
        return normalise(self.text)

    @cached_property
    def _shifts(self) -> tuple[list[int], list[int]]:
        """Normalised offsets just after each long whitespace run, and characters removed so far."""
        ends: list[int] = []
        removed: list[int] = []
        total = 0
        for run in _LONG_WHITESPACE.finditer(self.text):
            ends.append(run.start() - total + 1)
            total += run.end() - run.start() - 1
            removed.append(total)
        return ends, removed

    def _original(self, collapsed_offset: int) -> int:
        """The offset in the text of an offset in its normalised form."""
        ends, removed = self._shifts
        i = bisect.bisect_right(ends, collapsed_offset)
        return collapsed_offset + (removed[i - 1] if i else 0)


# -- approximate matching (Myers 1999, in Hyyrö's formulation) -------------------------------


def edit_scores(pattern: str, segment: str, *, anchored: bool) -> list[int]:
    """Edit distance between `pattern` and the best substring of `segment` ending at each index.

    With `anchored` the substring must start at segment[0] (plain edit distance of prefixes);
    otherwise it may start anywhere. Bit-parallel: one step per character of `segment`, the
    pattern's columns held in one Python integer.
    """
    m = len(pattern)
    peq: dict[str, int] = {}
    for i, char in enumerate(pattern):
        peq[char] = peq.get(char, 0) | (1 << i)
    mask = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    carry = 1 if anchored else 0
    scores = []
    for char in segment:
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | ~(xh | pv)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = (ph << 1) | carry
        mh <<= 1
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
        scores.append(score)
    return scores


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings."""
    if not a or not b:
        return max(len(a), len(b))
    return edit_scores(a, b, anchored=True)[-1]


def _local_minima(scores: list[int], k: int) -> list[int]:
    """Indexes of the lowest score in each run of consecutive scores ≤ k (ties all kept, so
    that the context can choose between, say, a substituted and a deleted last character)."""
    ends: list[int] = []
    run: list[int] = []
    for i, score in enumerate([*scores, k + 1]):
        if score <= k:
            run.append(i)
        elif run:
            low = min(scores[j] for j in run)
            ends.extend(j for j in run if scores[j] == low)
            run = []
    return ends


def _match_start(quote: str, text: str, end: int, k: int) -> tuple[int, int]:
    """Start of the best match of `quote` ending at `end`: align backwards from there."""
    m = len(quote)
    lo = max(0, end - m - k)
    scores = edit_scores(quote[::-1], text[lo:end][::-1], anchored=True)
    # Fewest edits; among equals, the length nearest the quote's.
    length = min(range(len(scores)), key=lambda j: (scores[j], abs(j + 1 - m)))
    return end - length - 1, scores[length]


def _seed_windows(text: str, quote: str, k: int) -> list[tuple[int, int]]:
    """Stretches of `text` likely to hold `quote` with ≤ k edits, found via exact pieces of it.

    Split into p pieces, a match with fewer than p edits keeps a piece intact (pigeonhole);
    more edits must be bunched (a rewritten word), which leaves pieces intact too. Each hit of
    a piece votes for where the quote would start; a real match collects votes from many
    pieces within k characters, so only the `MAX_WINDOWS` best-voted places are verified.
    Pieces found too often say nothing and are skipped.
    """
    m = len(quote)
    pieces = min(k + 1, 16, max(2, m // 6))
    size = m // pieces
    width = k + 1
    votes: dict[int, set[int]] = {}  # start // width → pieces voting for it
    for p in range(pieces):
        offset = p * size
        hits = _occurrences(text, quote[offset : offset + size], limit=MAX_SEED_HITS + 1)
        if len(hits) <= MAX_SEED_HITS:
            for hit in hits:
                votes.setdefault((hit - offset) // width, set()).add(p)
    # Errors move a piece's estimate by at most k: a match's votes fall in two neighbour buckets.
    ranked = sorted(
        ((len(voters | votes.get(b + 1, set())), b) for b, voters in votes.items()),
        reverse=True,
    )
    return [
        (max(0, b * width - k), min(len(text), (b + 2) * width + m + k))
        for _, b in ranked[:MAX_WINDOWS]
    ]


# -- small pure helpers -------------------------------------------------------------------------


def _occurrences(text: str, needle: str, *, limit: int | None = None) -> list[int]:
    """Start of every (possibly overlapping) exact occurrence of `needle`."""
    starts: list[int] = []
    if not needle:
        return starts
    at = text.find(needle)
    while at >= 0 and (limit is None or len(starts) < limit):
        starts.append(at)
        at = text.find(needle, at + 1)
    return starts


def normalise(text: str) -> str:
    """Whitespace runs as one space, typographic quotes and dashes as ASCII.

    Only whitespace runs change the length, which is what `Anchorer._original` undoes.
    """
    return _WHITESPACE.sub(" ", text.translate(_FOLD))


def _context_score(expected: str, found: str) -> float:
    """Similarity of stored and found context, both normalised (see `normalise`)."""
    if not expected or expected == found:
        return 1.0  # nothing to contradict (at the start or end of the text), or the same
    expected, found = normalise(expected), normalise(found)
    if expected == found:
        return 1.0
    return max(0.0, 1.0 - edit_distance(expected, found) / max(len(expected), len(found)))


def _distance(selector: Selector, start: int) -> int:
    return 0 if selector.start is None else abs(start - selector.start)


def _better(a: Anchor | None, b: Anchor | None) -> Anchor | None:
    if a is None or (b is not None and b.score > a.score):
        return b
    return a
