"""The spellings of a query's text that all mean the same: ß/ss, æ/ae, ø/oe, œ/oe.

The index keeps these letters as written (folding them would change lengths, and offsets must
stay those of the text; see `annotator.core.store.search_copies`), so the query asks for every
way of writing them instead: `strasse` also looks for "straße", `ærø` for "aeroe", `aeroe` for
"ærø" (and "æroe", "aerø"). A prefix ending in half of a pair also looks for the letter
(`stras*` finds "Straße").
"""

from __future__ import annotations

import itertools
import re

#: Each group's spellings; the first is what a match is replaced by in the query's own form.
_GROUPS = (("ss", "ß"), ("ae", "æ"), ("oe", "ø", "œ"))
_SPELLINGS = {s: group for group in _GROUPS for s in group}
_PAIR = re.compile("|".join(sorted(_SPELLINGS, key=len, reverse=True)), re.IGNORECASE)
#: A prefix ending in the first letter of a pair may go on with its second.
_HALVES = {"s": "ß", "a": "æ", "o": "øœ"}
#: Spellings looked for at most (a query has one or two of these pairs in practice).
MAX_SPELLINGS = 32


def spellings(text: str, *, prefix: bool = False) -> list[str]:
    """`text` first, then its other spellings (at most MAX_SPELLINGS in all)."""
    pieces: list[tuple[str, ...]] = []
    at = 0
    for match in _PAIR.finditer(text):
        pieces.append((text[at : match.start()],))
        found = match.group()
        group = _SPELLINGS[found.lower()]
        pieces.append((found, *(s for s in group if s != found.lower())))
        at = match.end()
    pieces.append((text[at:],))
    last = pieces[-1][0]
    if prefix and last and last[-1].lower() in _HALVES:
        pieces[-1] = (last, *(last[:-1] + half for half in _HALVES[last[-1].lower()]))
    combined = ("".join(parts) for parts in itertools.product(*pieces))
    return list(itertools.islice(combined, MAX_SPELLINGS))
