"""Targeted mojibake repair: the shipped sample pinned exactly, classic cases, legit text kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  -- "sloppy-windows-1252" for building test input
import pytest

from annotator.core.importing import Repair, read_document, repair_mojibake

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "samples"
    / "global-times-2022-04-26-wei-fenghe-kazakhstan.txt"
)
SAMPLE_SHA256 = "69c74747fe8265eddbb8eb0a7d52c9c6160c6cece2e56fe9ea6fd0d06e749d74"


def mis_decode(text: str, codec: str = "sloppy-windows-1252", times: int = 1) -> str:
    """What `text` looks like after being read as `codec` although it was UTF-8."""
    for _ in range(times):
        text = text.encode("utf-8").decode(codec)
    return text


def test_sample_file_is_untouched() -> None:
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() == SAMPLE_SHA256


def test_sample_is_repaired_exactly_once_and_nothing_else_changes() -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    assert raw.count("Ă©") == 1
    doc = read_document(SAMPLE)

    assert doc.text == raw.replace("Ă©", "é")
    assert "“attempted coup d’état” by “armed fighters.”" in doc.text
    for char in "“”’–":
        assert doc.text.count(char) == raw.count(char), char
    assert doc.text.endswith("external force.")  # no newline added

    [repair] = doc.report.repairs
    assert (repair.before, repair.after) == ("Ă©", "é")
    assert repair.offset == doc.text.index("d’état") + 2
    assert doc.text[repair.offset] == "é"
    assert "coup d’état”" in repair.context
    assert doc.report.warnings == []


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("Itâ€™s", "It’s"),
        ("cafÃ©", "café"),
        ("Ã¼ber", "über"),
        ("smile ðŸ˜€!", "smile 😀!"),
        ("Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "привет"),
        ("â€œquotedâ€\x9d", "“quoted”"),
        ("Ã\xa0 la carte", "à la carte"),
        ("coup d’Ă©tat", "coup d’état"),
    ],
)
def test_classic_mojibake_is_repaired(broken: str, fixed: str) -> None:
    text, repairs = repair_mojibake(broken)
    assert text == fixed
    assert repairs


@pytest.mark.parametrize(
    "original",
    [
        "Der „Fuß“ ist 30 cm — Straße, Größe.",
        "Il a dit « café » et « crème brûlée ».",
        "Příliš žluťoučký kůň úpěl ďábelské ódy.",
        "Zażółć gęślą jaźń, powiedział Łukasz.",
        "Привет, мир! «Всё хорошо», — ответил он.",
        "«Мы не уйдём», — ЗАЯВИЛ он. ВСЁ.",
        "قال الوزير: «لن نتراجع».",
        "外交部发言人表示，“中方坚决反对”。「世界」",
        "Launch 🚀 today 😀 in Almaty 🇰🇿 👨‍👩‍👧",
        "Türkiye’de “ğüşıöç” — Tiếng Việt: Người",
    ],
)
def test_mis_decoded_text_in_any_script_is_repaired(original: str) -> None:
    text, repairs = repair_mojibake(mis_decode(original))
    assert text == original
    assert all(r.before != r.after for r in repairs)


def test_latin1_mis_decoding_with_c1_controls() -> None:
    assert repair_mojibake(mis_decode("It’s “fine”", "latin-1"))[0] == "It’s “fine”"


def test_double_encoding_is_undone_and_reported_once() -> None:
    broken = "Caf" + mis_decode("é", times=2) + " and " + mis_decode("don’t", times=2)
    text, repairs = repair_mojibake(broken)
    assert text == "Café and don’t"
    assert [(r.before, r.after) for r in repairs] == [
        (mis_decode("é", times=2), "é"),
        (mis_decode("’", times=2), "’"),
    ]


def test_mis_decoded_bom_is_removed() -> None:
    text, repairs = repair_mojibake("ï»¿Headline")
    assert text == "Headline"
    assert repairs == [Repair(offset=0, before="ï»¿", after="", context="Headline")]


LEGIT = [
    "„Fuß“ – sagte er. Straße, Größe, Übermaß…“",
    "« café », « crème brûlée »… l’État, c’est moi — Éric : « Ça ira ! »",
    "Příliš žluťoučký kůň úpěl ďábelské ódy. Řekl: „Nevím.“",
    "Zażółć gęślą jaźń. „Źródło” — powiedział Łukasz.",
    "Привет, ВСЁ «хорошо». — Ну и что? Ёлки-палки, СЪЕЗД, объём",
    "مرحبا بالعالم «قال» الوزير: “لن نتراجع”.",
    "你好「世界」『引用』。日本語のテキスト、한국어 텍스트.",
    "😀🚀🇰🇿 👨‍👩‍👧 ✅ ❤️ “quoted” ‘single’ – — … • ™ © ® ° ± × ÷ ½ µ £ € ¥ §¶",
    "Ελληνικά: «Καλημέρα» — είπε. עברית: ״שלום״ हिन्दी पाठ ไทย",
    "¿Qué pasó? ¡Año nuevo! niño, São Paulo, NÃO, AÇÃO, coração",
    "Ästhetik Öl ÄÖÜ äöü ß ẞ Åsa Ærø Øre ñÑ çÇ Œuvre œ Ÿ ÿ ÂÊÎÔÛ âêîôû",
    "Română: Ăștia, Țară — „ghilimele”. Magyar: „Ő” ű. Fuß“ ",
    "1–2 °C ±0.5 ×3 ≈ ≠ ≤ ≥ ∞ → ⇒ ✓ ★ ♥ « » ‹ › „ “ ‚ ‘ ” ’",
]


@pytest.mark.parametrize("text", LEGIT)
def test_legitimate_text_is_left_alone(text: str) -> None:
    assert repair_mojibake(text) == (text, [])


def test_repairs_report_before_after_and_final_offsets() -> None:
    text, repairs = repair_mojibake("cafÃ© and Ã¼ber, Itâ€™s ðŸ˜€ ok")
    assert text == "café and über, It’s 😀 ok"
    assert [(r.before, r.after) for r in repairs] == [
        ("Ã©", "é"),
        ("Ã¼", "ü"),
        ("â€™", "’"),
        ("ðŸ˜€", "😀"),
    ]
    for repair in repairs:
        assert text[repair.offset : repair.offset + len(repair.after)] == repair.after
        assert repair.context in text
        assert repair.after in repair.context


def test_report_context_is_about_twenty_characters_each_side() -> None:
    text, [repair] = repair_mojibake("x" * 50 + "Ã©" + "y" * 50)
    assert repair.offset == 50
    assert repair.context == "x" * 20 + "é" + "y" * 20
    assert len(text) == 101


def test_mixed_paragraph_gets_only_confirmed_repairs() -> None:
    # "ß“" also decodes as UTF-8 (to an NKo letter) but is legitimate German next to the
    # correctly encoded „ and must survive, while the real mojibake is repaired.
    assert repair_mojibake("Der „Fuß“ ist cafÃ©.")[0] == "Der „Fuß“ ist café."


def test_fully_mis_decoded_paragraph_is_repaired_throughout() -> None:
    original = "«Мы не уйдём», — ЗАЯВИЛ он.\nقال الوزير: «لن نتراجع»."
    text, repairs = repair_mojibake(mis_decode(original))
    assert text == original
    assert len(repairs) == sum(1 for ch in original if not ch.isascii())


def test_capital_a_tilde_before_a_no_break_space_is_left_as_written() -> None:
    for text in ("A IRMÃ\u00a0de Maria chegou.", "Até AMANHÃ\u00a0!", "TÂ\u00a0test"):
        assert repair_mojibake(text) == (text, [])


def test_the_same_pair_is_repaired_in_a_paragraph_mis_decoded_throughout() -> None:
    fixed, repairs = repair_mojibake("Ã‰tÃ© Ã\u00a0 Paris, voilÃ\u00a0.")
    assert fixed == "Été à Paris, voilà."
    assert len(repairs) == 4
