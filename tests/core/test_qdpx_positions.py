"""REFI-QDA positions (code points of the raw text) mapped into the normalised stored text."""

from __future__ import annotations

import pytest

from annotator.core.importing import normalise_text
from annotator.core.qdpx.positions import mapped

RAWS = [
    "plain 😀 text 中文",
    "a\r\nb\r\nc 😀\r\n",
    "lone\rcarriage\r\rreturns",
    "sep\u2028ara\u2029tors",
    "\ufeffbom and \x00nul \x07bell \x7fdel",
    "mixed\r\n\x01\r\u2028😀\ufeff中",
]


@pytest.mark.parametrize("raw", RAWS)
def test_every_span_keeps_its_characters(raw: str) -> None:
    """Each raw span maps to the span holding the same characters, less what was removed."""
    result = mapped(raw)
    assert result.text == normalise_text(raw)[0]
    for start in range(len(raw) + 1):
        for end in range(start, len(raw) + 1):
            got = result.text[result.position(start) : result.position(end)]
            # A span ending between the CR and the LF of a CRLF ends before the line break.
            inside_crlf = raw[start:end].endswith("\r") and raw[end : end + 1] == "\n"
            assert got == normalise_text(raw[start:end])[0] or inside_crlf


def test_crlf_counts_two_raw_positions_and_one_stored() -> None:
    raw = "one\r\ntwo 😀 three"
    result = mapped(raw)
    start = raw.index("two")
    assert result.text[result.position(start) : result.position(len(raw))] == "two 😀 three"
    assert result.position(start) == start - 1
    assert result.warnings == ("line endings normalised (CRLF)",)


def test_text_that_needs_no_change_keeps_its_positions() -> None:
    result = mapped("中文 😀")
    assert [result.position(i) for i in range(5)] == [0, 1, 2, 3, 4]
