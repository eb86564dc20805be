"""Snapping selections to whole words in any script."""

from __future__ import annotations

import unicodedata

import pytest

from annotator.core.words import snap_to_words, word_end_after, word_start_before


def snapped(text: str, fragment: str, *, offset: int = 0, length: int | None = None) -> str:
    start = text.index(fragment) + offset
    end = start + (len(fragment) - offset if length is None else length)
    s, e = snap_to_words(text, start, end)
    return text[s:e]


@pytest.mark.parametrize(
    ("text", "fragment", "offset", "length", "expected"),
    [
        ("said Wei Fenghe on Monday", "ei Fen", 0, None, "Wei Fenghe"),
        ("China’s support", "hina", 0, 2, "China’s"),
        ("the “color revolution” in", "olor rev", 0, None, "color revolution"),
        ("  spaced  ", "spaced", 0, None, "spaced"),
        ("Министр обороны заявил", "нистр обо", 0, None, "Министр обороны"),
        ("قال وزير الدفاع", "زير الد", 0, None, "وزير الدفاع"),
        ("中国坚决反对外部势力", "坚决", 0, None, "坚决"),
        ("launch 🚀 today", "🚀", 0, None, "🚀"),
    ],
)
def test_snaps_to_whole_words(
    text: str, fragment: str, offset: int, length: int | None, expected: str
) -> None:
    assert snapped(text, fragment, offset=offset, length=length) == expected


def test_only_whitespace_snaps_to_nothing() -> None:
    s, e = snap_to_words("a   b", 1, 4)
    assert s == e


def test_word_steps_for_moving_boundaries() -> None:
    text = "one two three"
    assert word_start_before(text, 8) == 4
    assert word_end_after(text, 3) == 7
    assert word_start_before(text, 0) == 0
    assert word_end_after(text, len(text)) == len(text)


def test_grapheme_steps_keep_emoji_flags_and_marks_whole() -> None:
    from annotator.core.words import next_grapheme, previous_grapheme

    text = "a👍🏽b🇰🇿🇨🇳c👨‍👩‍👧é"  # skin tone, two flags, ZWJ family, e + combining acute
    stops = [0]
    while stops[-1] < len(text):
        stops.append(next_grapheme(text, stops[-1]))
    pieces = [text[a:b] for a, b in zip(stops, stops[1:], strict=False)]
    assert pieces == ["a", "👍🏽", "b", "🇰🇿", "🇨🇳", "c", "👨‍👩‍👧", "é"]
    back = [len(text)]
    while back[-1] > 0:
        back.append(previous_grapheme(text, back[-1]))
    assert back[::-1] == stops


@pytest.mark.parametrize(
    ("text", "fragment", "expected"),
    [
        ("ภาษาไทยเป็นภาษา", "ษ", "ษ"),  # Thai: no spaces, no dictionary: the character alone
        ("ภาษาไทยเป็นภาษา", "ป", "ป็"),  # … with its vowel sign, never parted from it
        ("한국어를 배우다", "국", "국"),  # Korean: syllable by syllable, as search finds them
        ("ភាសាខ្មែរ", "ខ", "ខ្"),  # Khmer
        ("ကမ္ဘာ", "က", "က"),  # Burmese
        ("東京タワー", "タ", "タ"),
    ],
)
def test_scripts_written_without_spaces_snap_character_by_character(
    text: str, fragment: str, expected: str
) -> None:
    assert snapped(text, fragment, length=1) == expected


def test_words_and_search_take_the_same_scripts_one_character_at_a_time() -> None:
    from annotator.core.scripts import SPACELESS_RANGES
    from annotator.core.store.search_tables import SEPARATOR, split_spaceless
    from annotator.core.words import is_word_char

    for low, high in SPACELESS_RANGES:
        for code in range(ord(low), ord(high) + 1, 61):
            ch = chr(code)
            split = split_spaceless(f"a{ch}b")
            if ch.isalnum() or unicodedata.category(ch)[0] == "M":
                assert split == f"a{SEPARATOR}{ch}{SEPARATOR}b", hex(code)
                assert not is_word_char(ch), hex(code)


@pytest.mark.parametrize("text", ["ภาษาไทยเป็นภาษา ok", "한국어를 배우다", "ភាសាខ្មែរ ကမ္ဘာ"])
def test_a_snapped_span_never_cuts_an_agreement_token(text: str) -> None:
    from annotator.core.agreement import tokenise

    tokens = tokenise(text)
    for cut in range(len(text)):
        start, end = snap_to_words(text, cut, cut + 1)
        for t_start, t_end in tokens:
            assert start <= t_start and t_end <= end or t_end <= start or end <= t_start
