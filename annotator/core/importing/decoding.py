"""Bytes → text: an explicit encoding, else BOMs and strict UTF-8, else charset-normalizer,
checked against how each common code page reads (`code_pages`: short text fools detectors).

Binary data is refused rather than decoded into garbage. For HTML, a `<meta charset>`
declaration is honoured unless the bytes contradict it (see `decode_html_bytes`).
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  -- lets users name the "sloppy-windows-*" codecs
from charset_normalizer import from_bytes

from annotator.core.errors import ImportRefused
from annotator.core.importing.code_pages import LANGUAGES, rank, sample_of

BINARY = "looks like a binary file, not text"
# Share of control characters above which decoded "text" is taken to be binary data.
_MAX_CONTROL_SHARE = 0.10
_MIN_UTF16_BLOCK_SHARE = 0.7
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# UTF-32 LE must be tested before UTF-16 LE: its BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# WHATWG: pages labelled Latin-1/ASCII are decoded as windows-1252 by every browser;
# a UTF-16 label in an ASCII-readable document is wrong by construction.
_HTML_LABELS = {"iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": None, "utf-32": None}


def bom_encoding(data: bytes) -> str | None:
    """The codec named by a leading byte order mark, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _control_share(text: str) -> float:
    """Share of C0/C1 control characters, ignoring ordinary whitespace controls."""
    return len(_CONTROL_CHARS.findall(text)) / len(text) if text else 0.0


def _checked(text: str, source: Path) -> str:
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise ImportRefused(source, BINARY)
    return text


def _decode_strictly(data: bytes, codec: str, source: Path) -> str:
    """Decode with `codec`, refusing with the offset of the first bad byte."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            source,
            f"cannot be decoded as {codec}: invalid byte 0x{data[exc.start]:02x} "
            f"at byte offset {exc.start}",
        ) from None


def _override(data: bytes, encoding: str, source: Path) -> tuple[str, str, bool]:
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise ImportRefused(source, f"unknown encoding {encoding!r}") from None
    # Codecs such as "base64" or "rot13" exist but do not turn bytes into text.
    if not getattr(info, "_is_text_encoding", True):
        raise ImportRefused(source, f"unknown encoding {encoding!r} (not a text encoding)")
    return _checked(_decode_strictly(data, info.name, source), source), info.name, False


def _utf16_without_bom(data: bytes) -> str | None:
    """Codec name if the bytes look like BOM-less UTF-16, else None.

    In UTF-16 text one byte of each pair says which script block a character is in, so
    those bytes take very few values (NUL for ASCII, 0x04 for Cyrillic, ...) and the NULs
    sit on one side. A stray NUL in other text fails that test.
    """
    if len(data) % 2:
        return None
    for codec, high in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if high.count(0) >= 0.9 * data.count(0):
            top_two = sum(n for _, n in Counter(high).most_common(2))
            return codec if top_two >= _MIN_UTF16_BLOCK_SHARE * len(high) else None
    return None


def decode_bytes(
    data: bytes, *, encoding: str | None = None, source: Path
) -> tuple[str, str, bool]:
    """Decode file bytes; return (text, encoding name, whether the encoding was guessed)."""
    return decode_text(data, encoding=encoding, source=source)[:3]


def decode_text(
    data: bytes, *, encoding: str | None = None, source: Path
) -> tuple[str, str, bool, list[str]]:
    """Like `decode_bytes`, and a warning when the guess is uncertain (it names the
    encodings the text reads as well in)."""
    if encoding is not None:
        return (*_override(data, encoding, source), [])
    bom = bom_encoding(data)
    if bom is not None:
        return _checked(_decode_strictly(data, bom, source), source), bom, False, []
    if b"\x00" in data:
        # Text in single-byte or UTF-8 encodings never contains NUL; UTF-16 usually does.
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise ImportRefused(source, BINARY)
        try:
            return _checked(data.decode(utf16), source), utf16, True, []
        except UnicodeDecodeError:
            raise ImportRefused(source, BINARY) from None
    try:
        return _checked(data.decode("utf-8"), source), "utf-8", False, []
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise ImportRefused(source, BINARY)
    # charset-normalizer scores Western European cp1252 text identically as cp1250 and may
    # pick the latter, turning "São" into "Săo"; on a tie, the far more common cp1252 wins.
    # (Real cp1250 text does not tie: cp1252 then scores as chaotic or is not offered.)
    tied = (m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence))
    best = next((m for m in tied if m.encoding == "cp1252"), best)
    text, name = str(best), codecs.lookup(best.encoding).name
    # On little text it cannot tell (Big5 for a French line): each reading is looked at.
    readings = rank(data, name)
    notes: list[str] = []
    for reading in readings:
        if reading.codec == name:
            break  # the detector's pick reads as well as any
        try:
            text, name = data.decode(reading.codec), reading.codec
        except UnicodeDecodeError:
            continue  # fits the sample, not the whole text
        break
    doubts = [r for r in readings if r.codec != name and r.key == readings[0].key]
    if name != "cp1252" and _same_as_cp1252(data, text):
        name = "cp1252"  # the same text either way: name the likelier code page
    chosen = sample_of(data).decode(name, "replace")
    others = list(dict.fromkeys(r.codec for r in doubts if r.text != chosen))
    if others:
        notes.append(_doubt(name, others))
    return _checked(text, source), name, True, notes


def _doubt(name: str, others: Sequence[str]) -> str:
    def described(codec: str) -> str:
        language = LANGUAGES.get(codec)
        return f"{codec} ({language})" if language else codec

    also = ", ".join(described(codec) for codec in others[:3])
    return (
        f"encoding uncertain: the text was read as {described(name)}, but it reads as well "
        f"as {also}; if letters look wrong, import it again with that encoding (--encoding)"
    )


def _same_as_cp1252(data: bytes, text: str) -> bool:
    try:
        return data.decode("cp1252") == text
    except UnicodeDecodeError:
        return False


def declared_html_charset(data: bytes) -> str | None:
    """Codec named by `<meta charset>` / http-equiv near the top of an HTML file, if usable."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        info = codecs.lookup(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return _HTML_LABELS.get(info.name, info.name)


def decode_html_bytes(
    data: bytes, *, encoding: str | None = None, source: Path
) -> tuple[str, str, bool, list[str]]:
    """Like `decode_bytes`, but honouring a declared charset; also returns warnings."""
    declared = None if encoding or bom_encoding(data) else declared_html_charset(data)
    if declared is None:
        return decode_text(data, encoding=encoding, source=source)
    if declared != "utf-8" and not data.isascii():
        # Valid UTF-8 with non-ASCII bytes is practically never another encoding: the
        # declaration is stale (a common CMS fault) and obeying it would make mojibake.
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            warning = f"declared charset {declared} ignored: the file is valid UTF-8"
            return _checked(text, source), "utf-8", False, [warning]
    try:
        text = data.decode(declared)
    except UnicodeDecodeError:
        text, name, detected, notes = decode_text(data, source=source)
        warning = f"declared charset {declared} does not fit the bytes; used {name} instead"
        return text, name, detected, [warning, *notes]
    if "\x00" in text:
        raise ImportRefused(source, BINARY)
    return _checked(text, source), declared, False, []
