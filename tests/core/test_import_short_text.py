"""Short lines in legacy code pages: detected right, and the report says when it is unsure."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.importing import decode_bytes, read_document
from annotator.core.importing.decoding import decode_text

SRC = Path("line.txt")
LINES = {
    "cp1252": [
        "Ça m’a plu, dit-il.",  # French
        "Il a reçu ça hier.",
        "Où est l’hôtel ?",
        "Très bien, merci à vous.",
        "Voilà où ça va.",
        "Grüße aus München",  # German
        "Schöne Straße",
        "Das Mädchen läuft schnell.",
        "¿Dónde está el niño?",  # Spanish
        "Mañana será otro día.",
        "São Paulo é grande.",  # Portuguese
        "A criança comeu pão.",
    ],
    "cp1250": [
        "Zażółć gęślą jaźń.",  # Polish
        "Wczoraj byłem w Łodzi.",
        "Święto Niepodległości",
        "Pięć złotych",
    ],
    "cp1251": ["Привет, как дела?", "Москва — столица России.", "Добрый день!"],
    "koi8-r": ["Привет, как дела?", "Москва столица.", "Здравствуйте"],
    "cp1253": ["Καλημέρα σας, τι κάνετε;", "Η Αθήνα είναι όμορφη.", "Καλή σας μέρα"],
    "cp1254": ["Günaydın, nasılsınız?", "İstanbul çok güzel bir şehir.", "Teşekkür ederim."],
    "gb18030": ["今天天气很好。", "中华人民共和国外交部发言人说。", "你好"],
    "big5": ["今天天氣很好。", "中華民國外交部發言人表示。"],
    "shift_jis": ["今日はいい天気ですね。", "東京都の人口は多い。", "ありがとう"],
    "euc-kr": ["오늘 날씨가 좋네요.", "서울은 대한민국의 수도입니다.", "안녕하세요"],
}
CASES = [(codec, line) for codec, lines in LINES.items() for line in lines]


@pytest.mark.parametrize(("codec", "line"), CASES)
def test_short_line_is_read_in_its_code_page(codec: str, line: str) -> None:
    text, _name, detected = decode_bytes((line + "\n").encode(codec), source=SRC)
    assert text == line + "\n" and detected


def test_the_issue_line_is_french_not_big5(tmp_path: Path) -> None:
    path = tmp_path / "ca.txt"
    path.write_bytes(b"\xc7a m\x92a plu, dit-il.\n")
    doc = read_document(path)
    assert doc.text == "Ça m’a plu, dit-il.\n"
    assert (doc.report.encoding, doc.report.encoding_detected) == ("cp1252", True)


def test_an_uncertain_guess_is_reported_with_the_alternatives(tmp_path: Path) -> None:
    # "Dzień" in cp1250 is "Dzieñ" in cp1252: both read as letters; cp1252 is preferred,
    # and the report says which other code pages it could be.
    path = tmp_path / "pl.txt"
    path.write_bytes("Dzień dobry!\n".encode("cp1250"))
    doc = read_document(path)
    assert doc.report.encoding == "cp1252"
    notes = [w for w in doc.report.warnings if w.startswith("encoding uncertain")]
    assert notes and "cp1250 (Central European)" in notes[0] and "--encoding" in notes[0]
    assert "encoding uncertain" in doc.report.summary()


def test_a_certain_guess_has_no_note() -> None:
    _text, name, _detected, notes = decode_text("Schöne Straße\n".encode("cp1252"), source=SRC)
    assert name == "cp1252" and notes == []


def test_the_encoding_option_overrides_the_guess(tmp_path: Path) -> None:
    path = tmp_path / "pl.txt"
    path.write_bytes("Dzień dobry!\n".encode("cp1250"))
    doc = read_document(path, encoding="cp1250")
    assert doc.text == "Dzień dobry!\n"
    assert (doc.report.encoding, doc.report.encoding_detected) == ("cp1250", False)
    assert not [w for w in doc.report.warnings if w.startswith("encoding uncertain")]


def test_mostly_latin_chinese_text_stays_chinese() -> None:
    line = "Apple 发布 iPhone 16 Pro Max 新品, CEO Tim Cook 说。\n"
    text, name, _ = decode_bytes(line.encode("gb18030"), source=SRC)
    assert (text, name) == (line, "gb18030")
