"""Code points (storage) ↔ UTF-16 units (Qt): the one conversion, checked on every script."""

from __future__ import annotations

import pytest

from annotator.core.offsets import OffsetMap

TEXTS = [
    "plain ASCII text",
    "Emoji 😀 then 🇰🇿 flag and 𝐛𝐨𝐥𝐝 math",
    "中文文本：新闻报道 𠮷野家",
    "العربية مع 😀 في النص",
    "😀😀😀",
    "",
]


def utf16_position(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


@pytest.mark.parametrize("text", TEXTS)
def test_every_code_point_maps_to_its_utf16_position_and_back(text: str) -> None:
    offsets = OffsetMap(text)
    for cp in range(len(text) + 1):
        pos = utf16_position(text, cp)
        assert offsets.to_utf16(cp) == pos
        assert offsets.from_utf16(pos) == cp
    assert offsets.utf16_length == len(text.encode("utf-16-le")) // 2


def test_position_inside_a_surrogate_pair_rounds_down_to_the_character() -> None:
    text = "a😀b"
    offsets = OffsetMap(text)
    assert offsets.from_utf16(2) == 1  # the low surrogate of 😀 belongs to code point 1
    assert offsets.from_utf16(3) == 2
