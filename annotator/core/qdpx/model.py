"""REFI-QDA names and conventions shared by export and import.

The standard (REFI-QDA 1.5, project schema `urn:QDA-XML:project:1.0`) has no roles, no
sentiment and no reviewed layer; Annotator carries them in elements every QDA program keeps:

- a label's role: the label's code is a member of the set "Annotator role: claim" (speaker,
  target);
- sentiment: a child code of the label's code, one per sentiment value, each a member of the
  set "Annotator sentiment"; an annotation with a sentiment is coded with that child code;
- the reviewed layer: the `User` whose `id` attribute is "reviewed";
- a note on an annotation: a `Note` named "Note"; a comment: a `Note` named "Comment" by its
  author; a claim's link to a typed name: a `Link` without `targetGUID` whose `NoteRef` points
  to a `Note` named "Linked name" holding the name.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

NS = "urn:QDA-XML:project:1.0"
#: Where a .qdpx keeps its project and its internal sources.
PROJECT_MEMBER = "project.qde"
SOURCES_FOLDER = "sources/"
INTERNAL = "internal://"

ROLE_SET = "Annotator role: {}"
SENTIMENT_SET = "Annotator sentiment"
REVIEWED_USER_ID = "reviewed"
NOTE_NAME = "Note"
COMMENT_NAME = "Comment"
LINKED_NAME = "Linked name"
#: A link's name is its kind.
LINK_NAMES = ("said_by", "about")

#: Document metadata as source variables: (variable name, DocumentRow field).
VARIABLES = (
    ("Published", "published"),
    ("Outlet", "outlet"),
    ("Author", "author"),
    ("URL", "url"),
    ("Language", "language"),
)

_GUID = re.compile(
    r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$"
)
#: Namespace of the GUIDs Annotator derives (for ids that are not GUIDs, sentiment codes …).
_NAMESPACE = uuid.UUID("6f1c1f0e-6a53-4c55-9a0f-3d2b0c7e51a7")


def q(tag: str) -> str:
    """An element name in the project namespace (for lxml)."""
    return f"{{{NS}}}{tag}"


def is_guid(value: str) -> bool:
    return bool(_GUID.match(value))


def guid_for(*parts: str) -> str:
    """A GUID for an Annotator id: the id itself when it is one, else derived from `parts`."""
    if len(parts) == 1 and is_guid(parts[0]):
        return parts[0].strip("{}").lower()
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def normal_guid(value: str) -> str:
    """A GUID as compared on import: braces dropped, lower case (the schema allows both)."""
    return value.strip().strip("{}").lower()


def stored_time(value: str | None) -> str | None:
    """An xsd:dateTime as Annotator stores times (UTC, milliseconds, "Z"); a time without a
    zone is taken as UTC. None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")
