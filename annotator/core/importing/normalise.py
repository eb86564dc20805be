"""Line endings and invisible junk: the only changes made to text besides mojibake repair.

Line endings (CRLF, CR, NEL U+0085, LINE SEPARATOR U+2028, PARAGRAPH SEPARATOR U+2029) become
"\\n"; each is one character but CRLF, so positions after them move only where a CRLF was. A
NEL that is part of mis-decoded UTF-8 (mojibake repair, run after this, reads it) is left.

No Unicode normalisation (NFC etc.) is applied: the analyst sees the text as written.
"""

from __future__ import annotations

import bisect
import re

from annotator.core.importing.mojibake import repair_mojibake

# C0 controls except \t (0x09) and \n (0x0A); \r is handled as a line ending first.
# DEL (0x7F) is included: it is never meaningful in an article.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_SEPARATORS = ("\u2028", "\u2029")
_BOM = "\ufeff"
#: NEXT LINE (U+0085), a line ending of EBCDIC and some old systems.
_NEL = "\x85"


def normalise_text(text: str) -> tuple[str, list[str]]:
    """Normalise line endings (CRLF, CR, U+2028, U+2029, NEL) to "\\n" and drop BOMs/control
    characters; return warnings."""
    warnings: list[str] = []

    crlf = text.count("\r\n")
    text = text.replace("\r\n", "\n")
    lone_cr = text.count("\r")
    text = text.replace("\r", "\n")
    if crlf and lone_cr:
        warnings.append("line endings normalised (CRLF and CR)")
    elif crlf:
        warnings.append("line endings normalised (CRLF)")
    elif lone_cr:
        warnings.append("line endings normalised (CR)")

    separators = sum(text.count(sep) for sep in _SEPARATORS)
    if separators:
        for sep in _SEPARATORS:
            text = text.replace(sep, "\n")
        warnings.append(f"Unicode line/paragraph separators turned into line breaks: {separators}")

    boms = text.count(_BOM)
    if boms:
        text = text.replace(_BOM, "")
        warnings.append(f"byte order marks removed: {boms}")

    text, controls = _CONTROLS.subn("", text)
    if controls:
        warnings.append(f"control characters removed: {controls}")

    # Last: which NELs are mis-decoded UTF-8 is judged on the text that mojibake repair sees.
    text, nels = _next_lines(text)
    if nels:
        warnings.append(f"next-line characters (U+0085) turned into line breaks: {nels}")
    return text, warnings


def _next_lines(text: str) -> tuple[str, int]:
    """`text` with each NEL turned into "\\n", but those that belong to mis-decoded UTF-8 (“Ñ\\x85”
    is “х”, “Ä\\x85” is “ą”), which mojibake repair, run after this, turns back into letters."""
    if _NEL not in text:
        return text, 0
    mojibake = _repaired_spans(text)
    starts = [start for start, _ in mojibake]
    chars = list(text)
    turned = 0
    for found in re.finditer(_NEL, text):
        at = found.start()
        before = bisect.bisect_right(starts, at) - 1  # the last repair starting at or before
        if before < 0 or mojibake[before][1] <= at:
            chars[at] = "\n"
            turned += 1
    return "".join(chars), turned


def _repaired_spans(text: str) -> list[tuple[int, int]]:
    """Where in `text` (start, end) the mojibake repair would replace a sequence."""
    spans: list[tuple[int, int]] = []
    shift = 0  # how much shorter the repaired text is before this point
    for repair in repair_mojibake(text)[1]:  # in order of their (final) offsets
        start = repair.offset + shift
        spans.append((start, start + len(repair.before)))
        shift += len(repair.before) - len(repair.after)
    return spans
