"""The original a document was read from: its bytes shown as plain text, or described when they
are not text (a PDF); "Save a copy…" writes exactly those bytes.

The original is untrusted input like any article: it is shown with `setPlainText` in a read-only
editor (markup in a web page stays markup, never rendered), decoded leniently (what the page or
its server declared, else UTF-8, else a detected encoding, else UTF-8 with replacement marks:
showing it never fails). The bytes come from the store already checked against their SHA-256.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from urllib.parse import urlsplit

from charset_normalizer import from_bytes
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.export.atomic import write_bytes_atomically
from annotator.core.store.documents import StoredOriginal
from annotator.gui.reading.plain_text import plain_label, plain_message

SAVE_COPY = "Save a copy…"
#: Media types shown as text besides text/*: markup, feeds, saved pages.
_TEXT_TYPES = {
    "application/xhtml+xml",
    "application/xml",
    "application/json",
    "application/rss+xml",
    "application/atom+xml",
    "application/x-mimearchive",
    "message/rfc822",
    "multipart/related",
}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
#: How far into a page its <meta charset> is looked for.
_HEAD_BYTES = 4096


def media_type(original: StoredOriginal) -> str:
    """The bare media type ("text/html"), lower-cased, without parameters."""
    return original.media_type.split(";", 1)[0].strip().lower()


def is_pdf(original: StoredOriginal) -> bool:
    return media_type(original) == "application/pdf" or original.data.startswith(b"%PDF-")


def is_text(original: StoredOriginal) -> bool:
    """True if the bytes are meant to be read as text (a page, a feed, a text file)."""
    if is_pdf(original):
        return False
    kind = media_type(original)
    if kind.startswith("text/") or kind in _TEXT_TYPES or kind.endswith(("+xml", "+json")):
        return True
    # Unknown or generic: text has no NUL bytes (UTF-16 aside, which names itself by a BOM).
    head = original.data[:_HEAD_BYTES]
    generic = kind in ("", "application/octet-stream")
    return generic and (b"\x00" not in head or head.startswith((b"\xff\xfe", b"\xfe\xff")))


def decode_leniently(data: bytes, declared: str = "") -> str:
    """The bytes as text, whatever they hold: a byte-order mark, the charset the media type or
    the page itself declares, UTF-8, a detected encoding, else UTF-8 with U+FFFD for what is
    not."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    candidates = []
    for source in (declared.encode("ascii", "ignore"), data[:_HEAD_BYTES]):
        found = _CHARSET.search(source)
        if found:
            candidates.append(found.group(1).decode("ascii"))
    for encoding in (*candidates, "utf-8"):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("utf-8", errors="replace")


def _size(count: int) -> str:
    """ "812 bytes", "12.1 KB (12,345 bytes)"."""
    if count < 1024:
        return f"{count:,} bytes"
    value, unit = count / 1024, "KB"
    for larger in ("MB", "GB"):
        if value < 1024:
            break
        value, unit = value / 1024, larger
    return f"{value:,.1f} {unit} ({count:,} bytes)"


def describe(original: StoredOriginal) -> str:
    """Name, media type, size and SHA-256, one a line."""
    return "\n".join(
        [
            f"Name: {original.name or '(none)'}",
            f"Type: {original.media_type or 'unknown'}",
            f"Size: {_size(len(original.data))}",
            f"SHA-256: {original.sha256}",
        ]
    )


def not_text_note(original: StoredOriginal) -> str:
    """What the analyst sees instead of bytes that are not text."""
    if is_pdf(original):
        return (
            "This is a PDF. What was imported is its text layer: the text the PDF carries, page "
            "by page, which the reading view shows and every annotation refers to. Its layout, "
            "pictures and any scanned page without a text layer are not in it. Save a copy to "
            "open the PDF itself."
        )
    return (
        "This file is not text. What was imported is the text taken from it, which the "
        "reading view shows. Save a copy to open the file itself."
    )


def copy_name(original: StoredOriginal) -> str:
    """A file name for a copy: the original's own (the last part of an address), else
    "original" with the extension of its media type."""
    name = original.name.strip()
    if "://" in name:
        name = urlsplit(name).path
    name = Path(name.replace("\\", "/")).name if name else ""
    name = re.sub(r"[\x00-\x1f<>:\"/\\|?*]", "_", name).strip(". ")
    if name:
        return name
    extension = mimetypes.guess_extension(media_type(original)) or ".bin"
    return f"original{extension}"


class OriginalDialog(QDialog):
    """The original of one document, read-only, with "Save a copy…"."""

    def __init__(self, original: StoredOriginal, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("originalDialog")
        self.original = original
        self.setWindowTitle(f"Original of “{title}”")
        self.details = plain_label(describe(original))
        self.details.setObjectName("originalDetails")
        self.details.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("originalText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.shows_text = is_text(original)
        if self.shows_text:
            self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.text.setPlainText(decode_leniently(original.data, original.media_type))
        else:
            self.text.setFont(QFont(self.font()))
            self.text.setPlainText(not_text_note(original))
        self.status = plain_label()
        self.status.setObjectName("originalStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = QPushButton(SAVE_COPY, self)
        self.save_button.setObjectName("originalSave")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save_copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.details)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(760, 560)

    def save_copy(self) -> Path | None:
        """Ask where, then write the original's exact bytes there (atomically); the path
        written, or None."""
        start = Path.home() / copy_name(self.original)
        chosen, _ = QFileDialog.getSaveFileName(self, "Save a copy of the original", str(start))
        if not chosen:
            return None
        path = Path(chosen)
        try:
            write_bytes_atomically(path, self.original.data)
        except AnnotatorError as exc:
            plain_message(self, "Save a copy", str(exc))
            return None
        self.status.setText(f"Saved a copy to {path} ({_size(len(self.original.data))}).")
        return path
