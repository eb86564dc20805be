"""Which code page a few non-UTF-8 bytes were written in, when a detector cannot tell.

charset-normalizer judges by letter frequencies, which need text: on one short line every
candidate scores alike, and "Ça m'a plu" (cp1252) comes out as Big5 "ぺ m𠿟 plu". Here each
candidate decoding is read the way a person would glance at it, for things real text does
not do:

- oddities: control or unassigned characters, rarely used blocks (CJK extension B, halfwidth
  katakana, Arabic presentation forms, box drawing), two scripts inside one word ("re蓰"),
  a symbol glued to letters ("by³em", "£odzi"), a capital after a small letter inside a
  non-ASCII word ("рТЙЧЕФ"), a final sigma inside a word;
- fit: the share of non-ASCII letters that belong to one language's alphabet ("Günaydýn"
  mixes German ü with Icelandic ý; "Günaydın" is all Turkish);
- inner capitals: capitals past a word's first letter (all-capital words), fewest wins.

The candidate with the fewest oddities, then the best fit, then the fewest inner capitals
wins, then (among CJK readings) the one of common characters; a tie goes to the detector's
own pick when it had enough text to judge, else to the first in `CANDIDATES` (Western
European cp1252 first: the likeliest code page of mostly-ASCII text). Mostly-ASCII text that
reads cleanly in a Western code page is never taken for CJK. Only a prefix is read, and only
its words with non-ASCII characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from charset_normalizer.constant import FREQUENCIES

_MULTI_BYTE = frozenset({"gb18030", "big5", "cp932", "euc_jp", "cp949"})
#: Code pages tried besides the detector's pick, most likely first (ties go to the first).
CANDIDATES = (
    "cp1252",
    "cp1254",
    "cp1250",
    "cp1251",
    "koi8-r",
    "koi8-u",
    "cp1253",
    "gb18030",
    "big5",
    "cp932",
    "euc_jp",
    "cp949",
    "cp1257",
    "cp1255",
    "cp1256",
    "cp866",
    "cp874",
)
LANGUAGES = {
    "cp1252": "Western European",
    "cp1250": "Central European",
    "cp1251": "Cyrillic",
    "koi8-r": "Russian",
    "koi8-u": "Ukrainian",
    "cp1253": "Greek",
    "cp1254": "Turkish",
    "cp1257": "Baltic",
    "cp1255": "Hebrew",
    "cp1256": "Arabic",
    "cp874": "Thai",
    "cp866": "Cyrillic (DOS)",
    "gb18030": "Chinese, simplified",
    "big5": "Chinese, traditional",
    "cp932": "Japanese",
    "euc_jp": "Japanese",
    "cp949": "Korean",
}
#: Non-ASCII letters of the languages written in Latin script (lower case).
_LATIN_ALPHABETS = (
    "àâæçéèêëîïôœùûüÿ",  # French
    "äöüß",  # German
    "áéíñóúü",  # Spanish
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóù",  # Italian
    "àçèéíïòóú",  # Catalan
    "åæøäöé",  # Danish, Norwegian, Swedish
    # Not Icelandic: its ð þ ý are Turkish ğ ş ı in cp1254, and Turkish is far more common.
    "ąćęłńóśźż",  # Polish
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "áéíóöőúüű",  # Hungarian
    "ăâîșțşţ",  # Romanian
    "čćđšž",  # Croatian, Serbian, Bosnian, Slovene
    "çğıöşüâî",  # Turkish
    "ąčęėįšųūž",  # Lithuanian
    "āčēģīķļņšūž",  # Latvian
    "äõöüšž",  # Estonian
    "çë",  # Albanian
)
_SCRIPTS = (  # (first, last, script) for letters outside Latin
    (0x0370, 0x03FF, "greek"),
    (0x1F00, 0x1FFF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x0E00, 0x0E7F, "thai"),
    (0x1100, 0x11FF, "hangul"),
    (0x3130, 0x318F, "hangul"),
    (0xAC00, 0xD7AF, "hangul"),
    (0x3040, 0x30FF, "cjk"),
    (0x3400, 0x4DBF, "cjk"),
    (0x4E00, 0x9FFF, "cjk"),
)
_RARE = (  # blocks that real text of any language hardly uses
    (0x2500, 0x25FF),  # box drawing, block elements, geometric shapes
    (0xE000, 0xF8FF),  # private use
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFB50, 0xFDFF),  # Arabic presentation forms A
    (0xFE70, 0xFEFF),  # Arabic presentation forms B
    (0xFF61, 0xFF9F),  # halfwidth katakana
    (0x3130, 0x318F),  # Hangul letters standing alone (compatibility jamo)
    (0x20000, 0x10FFFF),  # CJK extension B and beyond
)
_GLUE_OK = frozenset("’‘·-'")  # between two letters of one word
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєў")
_SIGNS = frozenset("ьъ")
#: The most frequent characters of Chinese, Japanese and Korean (charset-normalizer's tables):
#: of two readings in CJK, the one made of common characters is the text.
_COMMON_CJK = frozenset(
    char for language in ("Chinese", "Japanese", "Korean") for char in FREQUENCIES[language]
)
_AFTER_LETTERS_OK = frozenset("™®©²³")
#: Punctuation and symbols of ordinary text; any other (¼ ¹ ¤ ¦ ¨ ¬ ± µ ¶ ¸ ×, a soft hyphen)
#: is odd unless it stands by a digit.
_TYPOGRAPHY = frozenset("“”‘’‚„«»‹›–—…•·€£¥°§©®™¡¿†‰′″")
_INVISIBLE_OK = frozenset("\u200c\u200d\u200e\u200f")
_WORD_WITH_NON_ASCII = re.compile(r"\S*[^\x00-\x7f]\S*")
#: Non-ASCII bytes from which charset-normalizer's pick is trusted on a tie.
JUDGED_BYTES = 200
#: How much of the text is read: a prefix of this many bytes, cut at a line break.
SAMPLE_BYTES = 8 * 1024


@dataclass(frozen=True)
class Reading:
    """One candidate decoding and how it reads (lower `key` reads better)."""

    codec: str
    text: str
    oddities: int
    fit: float
    inner_capitals: int
    #: The share of its CJK characters that are common ones (kana, the most frequent
    #: ideographs and syllables); 0 without any, so a CJK reading wins a tie.
    common: float

    @property
    def key(self) -> tuple[int, float, int, float]:
        return (self.oddities, -round(self.fit, 3), self.inner_capitals, -round(self.common, 3))


def _script(char: str) -> str:
    code = ord(char)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    for first, last, script in _SCRIPTS:
        if first <= code <= last:
            return script
    return "other"


def _is_typography(char: str) -> bool:
    """Punctuation and symbols of ordinary text, CJK punctuation and full-width forms."""
    return char in _TYPOGRAPHY or "\u3000" <= char <= "\u303f" or "\uff01" <= char <= "\uff60"


def _is_rare(char: str) -> bool:
    code = ord(char)
    return any(first <= code <= last for first, last in _RARE)


def _word_oddities(word: str) -> int:
    odd = 0
    scripts = {_script(c) for c in word if c.isalpha()}
    if len(scripts) > 1:
        odd += 1
    for i, char in enumerate(word):
        if char.isascii():
            continue
        before = word[i - 1] if i else ""
        after = word[i + 1] if i + 1 < len(word) else ""
        category = unicodedata.category(char)
        if category[0] == "M":
            script = _script(char)
            if not before.isalpha() or script not in ("other", _script(before)):
                odd += 1  # a vowel sign on nothing, on a second sign, on another script
            continue
        if category[0] == "L":
            if category == "Lu" and before.isalpha() and before.islower():
                odd += 1  # "рТЙЧЕФ"
            elif char == "ς" and after.isalpha():
                odd += 1
            elif char.lower() in _SIGNS and (not before or before.lower() in _CYRILLIC_VOWELS):
                odd += 1  # a soft or hard sign opening a word or after a vowel
            continue
        letters = before.isalpha() + after.isalpha()
        digits = before.isdigit() or after.isdigit()
        after_letters = char in _AFTER_LETTERS_OK and before.isalpha() and not after.isalpha()
        if char in _INVISIBLE_OK:
            odd += letters < 2  # joiners and direction marks sit between letters
        elif "\u3000" <= char <= "\u303f" or "\uff01" <= char <= "\uff60":
            continue  # CJK punctuation: between characters, no spaces around it
        elif letters == 2 and char not in _GLUE_OK:
            odd += 1  # "ni¿ej", "by³em"
        elif _is_typography(char):
            # "£odzi": a currency or other symbol glued to letters, with no number by it
            odd += bool(letters and not digits and category[0] == "S" and not after_letters)
        elif not digits and not after_letters:
            odd += 1  # "¼­¿ï": signs ordinary text does not use
    return odd


def read_as(codec: str, sample: bytes) -> Reading | None:
    """How `sample` reads in `codec` (None if it cannot be decoded in it)."""
    try:
        text = sample.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    oddities = sum(
        1
        for c in text
        if not c.isascii()
        and (unicodedata.category(c) in ("Cc", "Co", "Cn", "Cs") or c == "\ufffd" or _is_rare(c))
    )
    letters: Counter[str] = Counter()
    inner_capitals = 0
    for word in _WORD_WITH_NON_ASCII.findall(text):
        oddities += _word_oddities(word)
        for i, char in enumerate(word):
            if char.isalpha() and not char.isascii():
                letters[char.lower()[0]] += 1
                inner_capitals += i > 0 and char.isupper() and word[i - 1].isalpha()
    cjk = [c for c in text if _script(c) in ("cjk", "hangul")]
    common = (
        sum(c in _COMMON_CJK or "\u3040" <= c <= "\u30ff" for c in cjk) / len(cjk) if cjk else 0.0
    )
    return Reading(codec, text, oddities, _fit(letters), inner_capitals, common)


def _latin_page(reading: Reading) -> bool:
    return reading.codec in ("cp1252", "cp1250", "cp1254", "cp1257")


def _mostly_ascii(sample: bytes) -> bool:
    """More ASCII letters than non-ASCII bytes: a Western text with a few accents, or a CJK
    one that is mostly Latin (it would not read cleanly as a Western code page)."""
    letters = sum(1 for b in sample if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A)
    return letters > sum(1 for b in sample if b >= 0x80)


def _fit(letters: Counter[str]) -> float:
    """The largest share of the non-ASCII letters that one alphabet (or script) holds."""
    letters = Counter({c: n for c, n in letters.items() if not c.isascii()})
    total = sum(letters.values())
    if not total:
        return 1.0
    by_script: Counter[str] = Counter()
    for char, n in letters.items():
        by_script[_script(char)] += n
    best = max((n for script, n in by_script.items() if script != "latin"), default=0)
    for alphabet in _LATIN_ALPHABETS:
        best = max(best, sum(n for char, n in letters.items() if char in alphabet))
    return best / total


def sample_of(data: bytes) -> bytes:
    """The prefix read: at most `SAMPLE_BYTES`, cut after a line break when there is one
    (0x0A is never part of a multi-byte character in these code pages)."""
    if len(data) <= SAMPLE_BYTES:
        return data
    cut = data.rfind(b"\n", 0, SAMPLE_BYTES)
    return data[: cut + 1] if cut > 0 else data[:SAMPLE_BYTES]


def rank(data: bytes, detected: str | None) -> list[Reading]:
    """The candidate readings of `data`, best first (`detected`: the detector's pick)."""
    sample = sample_of(data)
    names = [codecs.lookup(codec).name for codec in CANDIDATES]
    if detected:
        picked = codecs.lookup(detected).name
        # The detector's pick wins ties once it had text to judge (it weighs letter
        # frequencies); on less it keeps its place in CANDIDATES (or comes last).
        judged = sum(b >= 0x80 for b in sample) >= JUDGED_BYTES
        names = [picked, *names] if judged else [*names, picked]
    order = list(dict.fromkeys(names))
    readings = [r for r in (read_as(codec, sample) for codec in order) if r is not None]
    if _mostly_ascii(sample) and any(_latin_page(r) and not r.oddities for r in readings):
        # Mostly-ASCII text that reads cleanly as a Western code page is not CJK.
        readings = [
            replace(r, oddities=r.oddities + 1) if r.codec in _MULTI_BYTE else r for r in readings
        ]
    # sorted() is stable: among equal keys the detector's pick, then CANDIDATES' order.
    return sorted(readings, key=lambda r: r.key)
