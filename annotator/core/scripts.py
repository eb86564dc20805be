"""The scripts written without spaces between words: the one list the core uses.

Chinese, Japanese, Korean, Thai, Lao, Khmer and Burmese text is not cut into words by spaces,
so each character of these scripts is taken on its own: a word for selection snapping
(`annotator.core.words`), a token for search (`annotator.core.store.search_tables`) and for
finding syndicated copies (`annotator.core.copies.shingling`).

The search index's format depends on this list (an index row can only be deleted with the very
text it was given): changing it needs a migration that rebuilds the search indexes, and
`tests/core/test_migrations_frozen.py` fails until there is one. This module imports nothing
from annotator, so every layer, the store included, may use it.
"""

from __future__ import annotations

import re

SPACELESS_RANGES = (
    ("\u0e00", "\u0eff"),  # Thai, Lao
    ("\u1000", "\u109f"),  # Myanmar
    ("\u1100", "\u11ff"),  # Hangul Jamo
    ("\u1780", "\u17ff"),  # Khmer
    ("\u3005", "\u3007"),  # 々 〆 〇
    ("\u3040", "\u30ff"),  # Hiragana, Katakana
    ("\u3100", "\u318f"),  # Bopomofo, Hangul compatibility Jamo
    ("\u31f0", "\u31ff"),  # Katakana phonetic extensions
    ("\u3400", "\u4dbf"),  # CJK Unified Ideographs Extension A
    ("\u4e00", "\u9fff"),  # CJK Unified Ideographs
    ("\uac00", "\ud7af"),  # Hangul syllables
    ("\uf900", "\ufaff"),  # CJK Compatibility Ideographs
    ("\uff66", "\uff9f"),  # half-width Katakana
    ("\U00020000", "\U0003134f"),  # CJK Unified Ideographs Extensions B-G, compatibility
)
#: Punctuation and symbols inside those blocks: separators already, left as they are. A fixed
#: list, not Unicode categories, so that nothing changes with Python's Unicode version.
SPACELESS_PUNCTUATION = (
    "\u0e3f\u0e4f\u0e5a\u0e5b\u0eaf\u104a\u104b\u104c\u104d\u104e\u104f\u109e\u109f"
    "\u17d4\u17d5\u17d6\u17d8\u17d9\u17da\u17db\u309b\u309c\u30a0\u30fb"
)
#: The ranges as the inside of a regular-expression (or SQLite GLOB) character class.
SPACELESS_CLASS = "".join(f"{low}-{high}" for low, high in SPACELESS_RANGES)
#: One character of those scripts that is not punctuation (as a regex group).
SPACELESS_CHAR = re.compile(f"((?![{SPACELESS_PUNCTUATION}])[{SPACELESS_CLASS}])")


def is_spaceless(ch: str) -> bool:
    """Whether `ch` is a letter, mark or digit of a script written without spaces."""
    return SPACELESS_CHAR.fullmatch(ch) is not None
