"""Line endings and invisible junk: the only changes made to text besides mojibake repair.

No Unicode normalisation (NFC etc.) is applied: the analyst sees the text as written.
"""

from __future__ import annotations

import re

# C0 controls except \t (0x09) and \n (0x0A); \r is handled as a line ending first.
# DEL (0x7F) is included: it is never meaningful in an article.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_SEPARATORS = ("\u2028", "\u2029")
_BOM = "\ufeff"


def normalise_text(text: str) -> tuple[str, list[str]]:
    """Normalise line endings to "\\n" and drop BOMs/control characters; return warnings."""
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
    return text, warnings
