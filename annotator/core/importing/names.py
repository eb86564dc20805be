"""Names from outside (file names, titles, addresses) made safe to store and to show.

A file name is bytes on POSIX: bytes that are not UTF-8 reach Python as lone surrogates
("\\udce9"), which SQLite, JSON and Qt cannot take. `readable` writes each as U+FFFD, a
visible "�", for everything stored (a document's title and source, its report).

Shown on a terminal, a name may carry escape sequences (ESC [31m …) that recolour the screen,
move the cursor or retitle the window, line breaks that forge lines of a report, or bidi
controls that reorder it. `one_line` writes every such character as a visible escape
("\\x1b", "\\n", "\\u202e"); the command line shows every name through it, and the import
summaries build each of their lines with it.
"""

from __future__ import annotations

import re
from pathlib import Path

_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 and C1 controls, DEL, line/paragraph separators, BOM, and the bidi embeddings,
# overrides and isolates (they reorder the rest of the line on screen).
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def readable(text: str) -> str:
    """`text` with each undecodable byte of a file name (a lone surrogate) as U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def readable_path(path: Path) -> Path:
    """`path` as it can be stored and shown: see `readable`."""
    text = str(path)
    cleaned = readable(text)
    return path if cleaned == text else Path(cleaned)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """`text` safe to print as (part of) one line: controls and bidi overrides escaped
    visibly, undecodable bytes as U+FFFD; everything else as it is."""
    return _HIDDEN.sub(_escape, readable(text))
