"""Connecting to a hub: libpq finds the password (PGPASSWORD, the password file) or the
caller's prompt supplies it; it is never stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.core.hub.errors import HubError, require_psycopg
from annotator.core.hub.urls import redacted, without_password

if TYPE_CHECKING:
    import psycopg

#: Seconds to wait for the server before saying it cannot be reached.
CONNECT_TIMEOUT = 15


def connect(url: str, *, password_prompt: Callable[[], str] | None = None) -> psycopg.Connection:
    """A connection to the hub at `url` (a libpq URL or key=value string; ``sslmode`` and the
    other libpq parameters are honoured). When the server wants a password that libpq did not
    find, `password_prompt` (if given) is asked once. The connection is in autocommit mode:
    group statements with ``with conn.transaction():``."""
    pg = require_psycopg()
    try:
        conn: psycopg.Connection = pg.connect(
            url,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="annotator",
            autocommit=True,
        )
        return conn
    except pg.OperationalError as exc:
        if password_prompt is None or not _wants_password(exc):
            raise _refusal(url, exc) from None
    except pg.ProgrammingError as exc:  # a malformed URL
        reason = redacted(str(exc), url)
        raise HubError(f"{without_password(url)} is not a PostgreSQL address: {reason}") from None
    password = password_prompt()
    try:
        conn = pg.connect(
            url,
            password=password,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="annotator",
            autocommit=True,
        )
        return conn
    except pg.OperationalError as exc:
        raise _refusal(url, exc) from None


def _wants_password(exc: Exception) -> bool:
    return "no password supplied" in str(exc)


def _refusal(url: str, exc: Exception) -> HubError:
    lines = [" ".join(line.split()) for line in str(exc).splitlines()]
    reason = redacted("; ".join(line for line in lines if line), url).rstrip(".?!; ")
    hint = "Check the address, that the server runs, and your login and password"
    if "password authentication failed" in reason or "no password supplied" in reason:
        hint = (
            "Check your login name and password (PGPASSWORD, ~/.pgpass, or type it when asked); "
            "the hub's admin sets them with `annotator hub grant`"
        )
    elif "permission denied for database" in reason or "no pg_hba.conf entry" in reason:
        hint = "Ask the hub's admin to grant you access (`annotator hub grant NAME`)"
    elif "SSL" in reason or "certificate" in reason:
        hint = "Check the sslmode and sslrootcert parameters of the address"
    return HubError(f"Could not connect to the hub at {without_password(url)}: {reason}. {hint}.")
