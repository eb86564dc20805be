"""The one tokenisation agreement is measured on: a document's text as code-point spans.

TOKENISATION (quoted in the README; `TOKENISATION` below is this text):

- A word is a run of letters, digits and combining marks, with an apostrophe (' ’ ʼ) allowed
  between two of them ("China’s" is one token). These are the words selection snaps to
  (annotator.core.words), so a tagged word is a whole token.
- Each character (with its marks) of a script written without spaces between words is a token
  of its own: Chinese, Japanese, Korean, Thai, Lao, Khmer, Burmese (`annotator.core.scripts`).
- Every other visible character (punctuation, symbols, an emoji with its modifiers and joiners,
  a flag) is a token of its own, as one user-perceived character.
- Whitespace, and invisible format characters standing alone (zero-width space, byte-order
  mark), are not tokens.

Offsets are Unicode code points into the stored text, like every offset in the project.
"""

from __future__ import annotations

import re
import unicodedata

from annotator.core.scripts import SPACELESS_CLASS
from annotator.core.words import is_word_char, next_grapheme

TOKENISATION = (
    "A token is a word (a run of letters, digits and combining marks, with an apostrophe "
    "allowed between two of them), a single character of a script written without spaces "
    "(Chinese, Japanese, Korean, Thai, Lao, Khmer, Burmese), or any other single "
    "visible character (punctuation, a symbol, an emoji with its modifiers, a flag). Whitespace "
    "and lone invisible characters (zero-width space) are not tokens. Offsets are Unicode code "
    "points."
)

_APOSTROPHES = frozenset("'’ʼ")
# Letters and digits of scripts written with spaces: \w less "_" and the scripts written
# without spaces (each of those characters is a token by itself).
_LETTERS = re.compile(rf"[^\W_{SPACELESS_CLASS}]+")
_TOKEN_START = re.compile(rf"(?P<word>[^\W_{SPACELESS_CLASS}]+)|\S")

Token = tuple[int, int]


def _word_end(text: str, end: int) -> int:
    """Extend a word over combining marks and inner apostrophes, from `end` on.

    The regex has already taken every letter and digit up to `end`, so only a mark or an
    apostrophe can continue the word: one cheap check per word in most texts.
    """
    size = len(text)
    while end < size:
        ch = text[end]
        if ch in _APOSTROPHES:
            if end + 1 < size and is_word_char(text[end + 1]):
                end += 1
            else:
                return end
        elif unicodedata.category(ch)[0] == "M":
            end += 1
        else:
            return end
        letters = _LETTERS.match(text, end)
        if letters is not None:
            end = letters.end()
    return end


def tokenise(text: str) -> list[Token]:
    """The tokens of `text` as (start, end) code-point offsets, in order (see the module doc)."""
    tokens: list[Token] = []
    pos = 0
    search = _TOKEN_START.search
    while (match := search(text, pos)) is not None:
        start = match.start()
        if match.group("word") is not None:
            end = _word_end(text, match.end())
        elif is_word_char(text[start]):  # a combining mark opens the word
            end = _word_end(text, start)
        else:
            end = next_grapheme(text, start)
            if end == start + 1 and unicodedata.category(text[start]) == "Cf":
                pos = end  # a lone zero-width space or byte-order mark: not a token
                continue
        tokens.append((start, end))
        pos = end
    return tokens
