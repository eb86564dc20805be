"""A source text as Annotator stores it, with its selections' positions carried along.

REFI-QDA counts positions in Unicode code points of the plain text, the first being 0 (spec
1.5, section 10.2), as Annotator does; a selection's endPosition is taken as the position after
its last character (what QDA programs write). The text goes through the same normalisation as
every import (`importing.normalise_text`: CRLF and CR to LF, separators to LF, BOMs and control
characters dropped), which can shorten it, so each raw position is mapped to where it ends up.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.importing import normalise_text

_DROPPED = frozenset(
    [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + ["\x7f", "\ufeff"]
)


@dataclass(frozen=True)
class MappedText:
    """The normalised text, its warnings, and `position(raw)` for each raw position."""

    raw_length: int
    text: str
    warnings: tuple[str, ...]
    _map: tuple[int, ...]  # empty: positions unchanged

    def position(self, raw: int) -> int:
        """Where the raw position `raw` (0…raw_length) lies in the stored text."""
        return self._map[raw] if self._map else raw


def mapped(raw: str) -> MappedText:
    """`raw` normalised as every import does, with the position map."""
    text, warnings = normalise_text(raw)
    if text == raw:
        return MappedText(len(raw), text, tuple(warnings), ())
    positions = [0] * (len(raw) + 1)
    out = 0
    for i, ch in enumerate(raw):
        positions[i] = out
        if ch in _DROPPED:
            continue
        if ch == "\r" and i + 1 < len(raw) and raw[i + 1] == "\n":
            continue  # CRLF: the LF that follows stands for both
        out += 1
    positions[len(raw)] = out
    if out != len(text):  # never expected: normalise_text changed in a way not known here
        raise ValueError("the text's normalisation could not be followed position by position")
    return MappedText(len(raw), text, tuple(warnings), tuple(positions))


__all__ = ["MappedText", "mapped"]
