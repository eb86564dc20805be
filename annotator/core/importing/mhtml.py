""".mhtml / .mht ("Web page, single file" in Chrome and Edge) → the page's HTML part.

An MHTML file is a MIME multipart/related message: the page itself is the first text/html
part (its Content-Location is the page's address), followed by its images, styles and frames.
Only the page is wanted; parts are decoded (quoted-printable, base64) by the standard
library's `email` parser. Nothing is fetched.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage, Message

from annotator.core.errors import ImportRefused

_NAME = "web page (.mhtml)"


def mhtml_to_html(data: bytes, name: str = _NAME) -> tuple[bytes, str, str | None]:
    """The main HTML part of an MHTML file: (its bytes, its Content-Location URL or "", its
    declared charset or None). Raises ImportRefused (naming `name`) when there is none."""
    head = data.lstrip()[:4096].lower()
    if b"mime-version" not in head and b"content-type" not in head:
        raise ImportRefused(name, "not an MHTML file (no MIME header)")
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if not message.is_multipart() and message.get_content_type() != "text/html":
        raise ImportRefused(name, "not an MHTML file (no multipart/related page)")
    part = _main_html_part(message)
    if part is None:
        raise ImportRefused(name, "the MHTML file has no HTML part (no page to import)")
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError) as exc:  # broken base64 and the like
        raise ImportRefused(name, f"the page's HTML part cannot be decoded: {exc}") from None
    if not isinstance(payload, bytes) or not payload.strip():
        raise ImportRefused(name, "the MHTML file's HTML part is empty")
    location = str(part.get("Content-Location", "") or "").strip()
    charset = part.get_content_charset()
    return payload, location, charset


def _main_html_part(message: Message | EmailMessage) -> Message | None:
    """The page: the part the multipart/related `start` parameter names, else the first
    text/html part (Chrome writes the page first, then its resources)."""
    parts = [p for p in message.walk() if not p.is_multipart()]
    start = message.get_param("start")
    if isinstance(start, str) and start.strip("<>"):
        wanted = start.strip("<>")
        for part in parts:
            if str(part.get("Content-ID", "")).strip().strip("<>") == wanted:
                return part
    return next((p for p in parts if p.get_content_type() == "text/html"), None)
