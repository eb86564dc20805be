"""The one place where code-point offsets (storage) and UTF-16 positions (Qt) are converted.

Storage counts Unicode code points; Qt's QTextCursor counts UTF-16 code units, in which every
astral character (emoji, some CJK, historic scripts) takes two. The map keeps the sorted
code-point positions of astral characters, so a conversion is one binary search, and a text
without any (most articles) converts by identity.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 position of each astral character's first unit, for the reverse direction.
        self._astral_utf16 = [cp + i for i, cp in enumerate(self._astral)]
        self.length = len(text)
        self.utf16_length = self.length + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        """Qt position of code-point offset `cp`."""
        if not self._astral:
            return cp
        return cp + bisect_left(self._astral, cp)

    def from_utf16(self, pos: int) -> int:
        """Code-point offset of Qt position `pos`; inside a surrogate pair it rounds down."""
        if not self._astral:
            return pos
        # Astral characters whose first unit lies before `pos` each took one extra unit; a pos
        # on a low surrogate counts its own character too, which rounds it down to its start.
        return pos - bisect_right(self._astral_utf16, pos - 1)
