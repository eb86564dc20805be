"""Hub addresses: libpq URLs (``postgresql://user@host:5432/db?sslmode=require``) or key=value
strings, shown and remembered without their password."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

_URL_SCHEMES = ("postgresql://", "postgres://")
_PASSWORD_PAIR = re.compile(r"""\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S*)\s*""")
_USERINFO_PASSWORD = re.compile(r"^([a-z]+://[^:@/?#]*):([^@/?#]*)@")


def without_password(url: str) -> str:
    """`url` with any password taken out (userinfo or a ``password`` parameter), so that it
    can be shown, logged or stored. Never fails, even on a malformed address."""
    if url.startswith(_URL_SCHEMES):
        try:
            parts = urlsplit(url)
        except ValueError:  # malformed: take out what looks like a password
            return _PASSWORD_PAIR.sub("", _USERINFO_PASSWORD.sub(r"\1@", url)).rstrip("?&")
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, hosts = netloc.rsplit("@", 1)
            netloc = userinfo.split(":", 1)[0] + "@" + hosts
        query = urlencode(
            [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return _PASSWORD_PAIR.sub("", url).strip()


def redacted(message: str, url: str) -> str:
    """`message` (a driver's error, which may quote the address) with the address's password
    replaced by ``***``."""
    secrets: set[str] = set()
    found = _USERINFO_PASSWORD.match(url)
    if found and found.group(2):
        secrets |= {found.group(2), unquote(found.group(2))}
    for match in _PASSWORD_PAIR.finditer(url):
        value = match.group(1).strip("'")
        if value:
            secrets |= {value, unquote(value)}
    message = message.replace(url, without_password(url))
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message
