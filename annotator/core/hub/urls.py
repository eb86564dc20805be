"""Hub addresses: libpq URLs (``postgresql://user@host:5432/db?sslmode=require``) or key=value
strings, shown and remembered without their password."""

from __future__ import annotations

import os
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


#: libpq parameters naming files: remembered as absolute paths, so that a later `sync` run
#: from another folder (or the window) finds them.
_FILE_PARAMETERS = ("sslrootcert", "sslcert", "sslkey", "sslcrl", "passfile")


def to_remember(url: str) -> str:
    """`url` as a project remembers it: without its password, its file parameters absolute."""
    url = without_password(url)
    if url.startswith(_URL_SCHEMES):
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        pairs = [
            (k, _absolute(v) if k in _FILE_PARAMETERS else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
        return urlunsplit(
            (parts.scheme, parts.netloc, parts.path, urlencode(pairs), parts.fragment)
        )
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        values = conninfo_to_dict(url)
    except Exception:  # malformed: connecting will say what is wrong
        return url
    for key in _FILE_PARAMETERS:
        if isinstance(values.get(key), str):
            values[key] = _absolute(str(values[key]))
    return make_conninfo("", **{k: v for k, v in values.items() if v is not None})


def same_hub(a: str, b: str) -> bool:
    """Whether two addresses name the same hub: the same login, server, port and database
    (the parameters, such as sslmode or sslrootcert, may differ)."""
    return _identity(a) == _identity(b)


def _identity(url: str) -> tuple[str, ...]:
    from psycopg.conninfo import conninfo_to_dict

    try:
        values = conninfo_to_dict(url)
    except Exception:
        return (url,)
    user = str(values.get("user") or "")
    host = str(values.get("host") or values.get("hostaddr") or "localhost").lower()
    port = str(values.get("port") or "5432")
    return (user, host, port, str(values.get("dbname") or user))


def _absolute(path: str) -> str:
    return os.path.abspath(os.path.expanduser(path)) if path else path
