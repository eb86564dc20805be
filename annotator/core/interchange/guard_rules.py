"""What the guards of an import and a merge share: the clock limit, who is who here, and what
was left out.

`Rules` answers the questions every guard asks of an incoming record: is this date in the
future (beyond `CLOCK_SKEW`), whose would this name make it here, is that the analyst importing
(or merging), and, for a record under their name that this project does not have, may it be
added. Only the analyst makes or deletes their records: one deleted here (the append-only
history records every deletion of an annotation, comment or review decision) never comes back
from a file. One never here comes in by an import (bringing your own export into another
project of yours is what importing is for) but never by a merge (`strict`): a colleague's
project cannot put words in your name.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from annotator.core.importing import normalise_text
from annotator.core.interchange.report import Refused
from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.store import Store, matching

#: How far ahead of this computer's clock another computer's clock may be.
CLOCK_SKEW = timedelta(days=1)


@dataclasses.dataclass
class Guarded:
    """What the guards left out of the file, by kind (see `InterchangeReport`), and how many
    notes and comments lost control characters."""

    refused: list[Refused] = dataclasses.field(default_factory=list)
    yours: list[Refused] = dataclasses.field(default_factory=list)
    reowned: list[Refused] = dataclasses.field(default_factory=list)
    absent: list[Refused] = dataclasses.field(default_factory=list)
    cleaned: int = 0


class Rules:
    """The guards' questions, for `analyst` bringing a file into `store`; `strict` (a merge):
    records under their name never in this project are not added either."""

    def __init__(
        self, store: Store, analyst: str, now: datetime | None = None, *, strict: bool
    ) -> None:
        self.store = store
        self.strict = strict
        self.limit = (now or datetime.now(UTC)) + CLOCK_SKEW
        self.out = Guarded()
        self.people: dict[str, str] = {a.name: a.id for a in store.analysts()}
        self.names = {id_: name for name, id_ in self.people.items()}
        self.names[REVIEWED_LAYER_ID] = store.reviewed_layer().name
        self.analyst = _name(analyst)
        self.me = self.people.get(self.analyst)

    def owner(self, name: str | None, *, reviewed: bool = False) -> str | None:
        """Whose a record the file gives to `name` would be here (None: an analyst not in
        this project, who would be made)."""
        if reviewed:
            return REVIEWED_LAYER_ID
        if name is None:  # the importer's
            return self.me
        return self.people.get(_name(name))

    def is_mine(self, name: str | None, *, reviewed: bool = False) -> bool:
        """Whether the file gives the record to the analyst importing (or merging)."""
        if reviewed:
            return False
        return name is None or _name(name) == self.analyst

    def name_of(self, analyst_id: str) -> str:
        return self.names.get(analyst_id, analyst_id)

    def future(self, value: str) -> bool:
        stamp = datetime.fromisoformat(value)
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)) > self.limit

    def ahead(self) -> str:
        now = self.limit - CLOCK_SKEW
        return f"in the future (it is {now:%Y-%m-%d %H:%M} UTC here)"

    def dated(self, *stamps: tuple[str, str]) -> str | None:
        """Why one of the (what, date) pairs is refused, or None if none is in the future."""
        for what, value in stamps:
            if self.future(value):
                return f"{what} {value}: {self.ahead()}"
        return None

    def not_added(self, deleted: str | None) -> str | None:
        """Why a record under the analyst's name that this project does not have is not
        added (`deleted`: when this project deleted it, None if it never did), or None if it
        may be."""
        if deleted is not None:
            return f"deleted in this project on {deleted}"
        if self.strict:
            return "never in this project (not made by you here)"
        return None

    def absence(self, entity: str, entity_id: str) -> str | None:
        """`not_added` for one record, its deletion asked of the history."""
        return self.not_added(matching.last_change(self.store, entity, entity_id, "delete"))

    def prose(self, value: str) -> str:
        """A note or comment without control characters (as importing text does), counted
        when it loses any."""
        cleaned = clean_prose(value)
        if cleaned != value:
            self.out.cleaned += 1
        return cleaned


def clean_prose(value: str) -> str:
    """Running text (a note, a comment) without control characters; tabs and line breaks
    stay."""
    if value.isprintable():  # the common case, and nothing to remove
        return value
    return normalise_text(value)[0]


def _name(name: str) -> str:
    """A name as the project stores it (`Store.ensure_analyst`)."""
    return " ".join(name.split())
