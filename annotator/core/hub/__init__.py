"""The team hub: a PostgreSQL database that analysts' projects sync with.

Importing this package needs no psycopg; the functions that talk to a server raise
`HubUnavailable` ("install annotator[team]") when it is missing.
"""

from annotator.core.hub.connection import connect
from annotator.core.hub.errors import HubError, HubUnavailable
from annotator.core.hub.roles import (
    Granted,
    Identity,
    grant,
    register_analyst,
    revoke,
    whoami,
)
from annotator.core.hub.schema import init_hub, require_hub, schema_version
from annotator.core.hub.urls import without_password

__all__ = [
    "Granted",
    "HubError",
    "HubUnavailable",
    "Identity",
    "connect",
    "grant",
    "init_hub",
    "register_analyst",
    "require_hub",
    "revoke",
    "schema_version",
    "whoami",
    "without_password",
]
