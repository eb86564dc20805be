"""What two articles are compared on: sets of word shingles (k words in a row), hashed.

A text is read as a sequence of tokens: a word of a script written with spaces, or one
character of a script written without them (Chinese, Japanese, Thai …: the ranges the search
index splits, `annotator.core.store.schema.SPACELESS_CLASS`), so such texts are compared on
character n-grams. Tokens are NFKC-normalised and case-folded, and common British/American
respellings are folded to one form ("colour"/"color", "defence"/"defense", "organise"/
"organize") so that an outlet's house style does not hide a copy.

A shingle is kept as a 64-bit hash: each distinct token is hashed once (BLAKE2b), and the
hashes of k tokens in a row are combined with numpy (a polynomial, then the MurmurHash3
finaliser), so a 10,000-character article is shingled in well under a millisecond with no
strings built. Sets of these hashes stand for the sets of shingles (two different shingles
share a hash with probability 2^-64).

`TOKENS_VERSION` changes whenever the shingles of a text would (rules or hashing changed): the
stored signatures carry it in their scheme and are computed again.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING

from annotator.core.store.schema import SPACELESS_CLASS

if TYPE_CHECKING:
    import numpy as np

#: Tokens per shingle: five words (or five characters of a script written without spaces).
K = 5
#: Bumped whenever `tokens` would return anything else for some text.
TOKENS_VERSION = 1

_HAS_SPACELESS = re.compile(f"[{SPACELESS_CLASS}]")
#: A run of word characters; with spaceless characters in the text, each of those alone
#: (letters only: their scripts' punctuation is no token).
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(rf"(?=\w)[{SPACELESS_CLASS}]|(?:(?![{SPACELESS_CLASS}])\w)+")
_ASCII_WORD = re.compile(r"[a-z]{4,}")
#: British → American endings (applied to both texts: the folded form need not be a word).
_RESPELLINGS = (
    (re.compile(r"(?<=..)is(e|es|ed|ing|ation|ations)$"), r"iz\1"),  # organise, realisation
    (re.compile(r"(?<=..)ys(e|es|ed|ing)$"), r"yz\1"),  # analyse
    (re.compile(r"(?<=..)our(s|ed|ing|ite|ites|able|ful)?$"), r"or\1"),  # colour, favourite
    (re.compile(r"(?<=..)tre(s|d)?$"), r"ter\1"),  # centre, metres
    (re.compile(r"(?<=..)ence(s)?$"), r"ense\1"),  # defence, licence, offences
    (re.compile(r"(?<=..)ll(ed|ing|er|ers)$"), r"l\1"),  # travelled, modelling
    (re.compile(r"(?<=..)ogue(s)?$"), r"og\1"),  # dialogue, catalogue
    (re.compile(r"(?<=..)mme(s)?$"), r"m\1"),  # programme
)


def fold(word: str) -> str:
    """A case-folded word with British endings in their American form."""
    if _ASCII_WORD.fullmatch(word) is None:
        return word
    for pattern, replacement in _RESPELLINGS:
        word = pattern.sub(replacement, word)
    return word


def _raw_tokens(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    pattern = _TOKEN if _HAS_SPACELESS.search(folded) else _WORD
    return pattern.findall(folded)


def tokens(text: str) -> list[str]:
    """The text's words (and spaceless characters), normalised, in order."""
    return [fold(token) for token in _raw_tokens(text)]


#: Raw token → hash of its folded form (a dict: a function cache would cost more per call).
_HASHES: dict[str, int] = {}
_MAX_HASHES = 500_000


def _hash(token: str) -> int:
    if len(_HASHES) >= _MAX_HASHES:
        _HASHES.clear()
    digest = hashlib.blake2b(fold(token).encode("utf-8"), digest_size=8).digest()
    value = _HASHES[token] = int.from_bytes(digest, "little")
    return value


_MULTIPLIER = 0x9E3779B97F4A7C15  # odd: the polynomial's base
_FMIX = (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33)


def shingle_hashes(text: str, k: int = K) -> np.ndarray:
    """The hashes (uint64, repeats included) of every run of `k` tokens (of the whole text,
    if it has fewer)."""
    import numpy as np

    known = _HASHES.get
    words = np.array([known(t) or _hash(t) for t in _raw_tokens(text)], dtype=np.uint64)
    if len(words) == 0:
        return words
    width = min(k, len(words))
    base = np.uint64(_MULTIPLIER)
    combined = words[: len(words) - width + 1].copy()
    for offset in range(1, width):
        combined *= base
        combined += words[offset : len(words) - width + 1 + offset]
    s1, m1, s2, m2, s3 = (np.uint64(v) for v in _FMIX)
    combined ^= combined >> s1
    combined *= m1
    combined ^= combined >> s2
    combined *= m2
    combined ^= combined >> s3
    return combined


def shingles(text: str, k: int = K) -> set[int]:
    """The text's shingles (as their hashes): what copies are compared on."""
    return set(shingle_hashes(text, k).tolist())
