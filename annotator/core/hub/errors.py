"""What can go wrong talking to a hub, as messages that say what to do."""

from __future__ import annotations

from types import ModuleType

from annotator.core.errors import AnnotatorError


class HubError(AnnotatorError):
    """The hub refused or could not be reached; the message says why and what to do."""


class HubUnavailable(HubError):
    """psycopg (the `team` extra) is not installed."""


def require_psycopg() -> ModuleType:
    """psycopg, or a HubUnavailable saying how to install it."""
    try:
        import psycopg
    except ImportError:
        raise HubUnavailable(
            "The team hub needs PostgreSQL support, which is not installed: "
            "install annotator[team] (pip install 'annotator[team]')."
        ) from None
    return psycopg
