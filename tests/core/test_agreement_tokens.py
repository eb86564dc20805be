"""The agreement tokenisation: words, CJK characters, punctuation and emoji, in code points."""

from __future__ import annotations

import pytest

from annotator.core.agreement import TOKENISATION, tokenise
from annotator.core.words import snap_to_words


def words(text: str) -> list[str]:
    return [text[start:end] for start, end in tokenise(text)]


def test_latin_words_and_punctuation() -> None:
    text = "China’s defence minister, Wei Fenghe, said: “No!” (2022)"
    assert words(text) == [
        "China’s",
        "defence",
        "minister",
        ",",
        "Wei",
        "Fenghe",
        ",",
        "said",
        ":",
        "“",
        "No",
        "!",
        "”",
        "(",
        "2022",
        ")",
    ]


def test_apostrophes_join_only_between_letters() -> None:
    assert words("don't 'quoted' rock’n’roll ’90s") == [
        "don't",
        "'",
        "quoted",
        "'",
        "rock’n’roll",
        "’",
        "90s",
    ]


def test_each_chinese_and_japanese_character_is_a_token() -> None:
    assert words("中国人民 说：hello世界 ひらがなカタカナ") == [
        *"中国人民",
        "说",
        "：",
        "hello",
        "世",
        "界",
        *"ひらがなカタカナ",
    ]


def test_arabic_words() -> None:
    assert words("قال الوزير، إن الصين؟") == ["قال", "الوزير", "،", "إن", "الصين", "؟"]


def test_combining_marks_stay_in_their_word() -> None:
    text = "e\u0301te\u0301 नमस्ते \u0301x"  # decomposed accents, Devanagari vowel signs
    assert words(text) == ["e\u0301te\u0301", "नमस्ते", "\u0301x"]


def test_emoji_sequences_and_flags_are_one_token_each() -> None:
    text = "ok 👩\u200d💻 👍🏽 🇰🇿🇨🇳 1\ufe0f\u20e3 ❤\ufe0f!"
    assert words(text) == ["ok", "👩\u200d💻", "👍🏽", "🇰🇿", "🇨🇳", "1\ufe0f\u20e3", "❤\ufe0f", "!"]


def test_offsets_are_code_points_after_astral_characters() -> None:
    text = "🇰🇿 Kazakhstan 😀 said"
    tokens = tokenise(text)
    # Each flag half and the emoji are one code point each (two UTF-16 units).
    assert tokens == [(0, 2), (3, 13), (14, 15), (16, 20)]
    assert [text[s:e] for s, e in tokens][1] == "Kazakhstan"


def test_whitespace_and_lone_invisible_characters_are_not_tokens() -> None:
    assert tokenise("") == []
    assert tokenise(" \n\t\u00a0\u3000 ") == []
    assert words("a\u200bb \ufeffc") == ["a", "b", "c"]


@pytest.mark.parametrize(
    "text",
    [
        "Tokayev said Kazakhstan’s partnership is important.",
        "“=HYPERLINK” – isn’t it? 12,5 % …",
        "中国外交部发言人 said 今天",
    ],
)
def test_a_span_snapped_to_words_covers_whole_tokens(text: str) -> None:
    # Selections snap to words; a snapped span must never cut a token in two.
    tokens = tokenise(text)
    for cut in range(len(text)):
        start, end = snap_to_words(text, cut, cut + 1)
        for t_start, t_end in tokens:
            inside = start <= t_start and t_end <= end
            outside = t_end <= start or end <= t_start
            assert inside or outside, (text[start:end], text[t_start:t_end])


def test_the_documented_rule_is_exposed() -> None:
    assert "code points" in TOKENISATION and "Whitespace" in TOKENISATION
