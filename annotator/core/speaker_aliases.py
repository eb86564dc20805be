"""Suggested speaker aliases: "Wei", "Gen. Wei" and "Minister of National Defense Wei Fenghe"
grouped under one canonical name, for the analyst to accept or reject.

A speaker span is named by its canonical name, or else by its quote. A shorter name is
suggested as an alias of a longer one when, in a document where both are tagged as speakers,
its words (titles and ranks left out) are a subset of the longer name's. A name that would
fit two longer names ("Wei" beside both "Wei Fenghe" and "Wei Jianguo") is not suggested.
Accepting gives every speaker span named by an alias the canonical name (one undoable step).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.occurrences import fold
from annotator.core.records import AnnotationId

if TYPE_CHECKING:
    from annotator.core.store import Store

#: Words that name a rank or an office, not a person: left out when comparing names.
_TITLE_WORDS = """
    mr mrs ms miss dr prof sir gen general lt col colonel maj major adm admiral capt captain
    sgt president vice prime minister ministry secretary spokesman spokeswoman spokesperson
    deputy foreign defense defence national state senator rep representative ambassador
    chairman chairwoman chair premier chancellor king queen prince princess of the for and
    affairs director head chief commander governor mayor
"""
TITLES = frozenset(_TITLE_WORDS.split())
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class AliasGroup:
    """`aliases` (names as written) suggested to be `canonical`; `spans` are the speaker spans
    they name, which accepting renames."""

    canonical: str
    aliases: tuple[str, ...]
    spans: tuple[AnnotationId, ...]


def core_words(name: str) -> frozenset[str]:
    """A name's words, folded, titles left out."""
    return frozenset(w for w in _WORD.findall(fold(name)) if w not in TITLES)


def suggest_alias_groups(store: Store) -> list[AliasGroup]:
    """Groups of speaker names that look like one person, most spans first."""
    rows = store.conn.execute(
        "SELECT a.id, a.document_id, coalesce(a.speaker_name, a.quote) FROM annotations a "
        "JOIN labels l ON l.id = a.label_id WHERE l.role = 'speaker'"
    ).fetchall()
    spans_of: dict[str, list[AnnotationId]] = defaultdict(list)
    names_in: dict[str, set[str]] = defaultdict(set)
    for annotation_id, document_id, name in rows:
        name = " ".join(name.split())
        spans_of[name].append(AnnotationId(annotation_id))
        names_in[document_id].add(name)
    longer: dict[str, set[str]] = defaultdict(set)  # alias → the longer names it fits
    for names in names_in.values():
        for short in names:
            words = core_words(short)
            if not words:
                continue
            for long in names:
                wider = core_words(long)
                if long != short and words <= wider and (words < wider or len(long) > len(short)):
                    longer[short].add(long)
    groups: dict[frozenset[str], set[str]] = defaultdict(set)
    for short, candidates in longer.items():
        heads = {
            frozenset(core_words(c))
            for c in candidates
            if not any(core_words(c) < core_words(o) for o in candidates)
        }
        if len(heads) == 1:  # two different people it could be: no suggestion
            groups[next(iter(heads))] |= {short, *candidates}
    result = []
    for members in groups.values():
        canonical = min(members, key=lambda n: (-len(core_words(n)), len(n), n))
        spans = tuple(s for n in sorted(members) for s in spans_of[n])
        aliases = tuple(sorted(members - {canonical}, key=lambda n: (len(n), n)))
        result.append(AliasGroup(canonical, aliases, spans))
    result.sort(key=lambda g: (-len(g.spans), g.canonical))
    return result
