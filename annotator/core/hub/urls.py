"""Hub addresses: libpq URLs (``postgresql://user@host:5432/db?sslmode=require``) or key=value
strings, shown and remembered without their password."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_URL_SCHEMES = ("postgresql://", "postgres://")
_PASSWORD_PAIR = re.compile(r"""\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S*)\s*""")


def without_password(url: str) -> str:
    """`url` with any password taken out (userinfo or a ``password`` parameter), so that it
    can be shown, logged or stored."""
    if url.startswith(_URL_SCHEMES):
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, hosts = netloc.rsplit("@", 1)
            netloc = userinfo.split(":", 1)[0] + "@" + hosts
        query = urlencode(
            [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return _PASSWORD_PAIR.sub("", url).strip()
