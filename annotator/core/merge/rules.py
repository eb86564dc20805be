"""What the guards of a merge share: the clock limit, who is who here, and what was left out.

`Rules` answers the questions every guard asks of an incoming record: is this date in the
future (beyond `CLOCK_SKEW`), whose would this name make it here, is that the analyst merging,
and, for a record of theirs that this project does not have, was it deleted here or never here
(the append-only history records every deletion of an annotation, comment or review decision).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from annotator.core.merge.report import Refused
from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.store import Store, matching

#: How far ahead of this computer's clock a colleague's clock may be.
CLOCK_SKEW = timedelta(days=1)


@dataclasses.dataclass
class Guarded:
    """What the guards left out of the file, by kind (see `MergeReport`)."""

    refused: list[Refused] = dataclasses.field(default_factory=list)
    yours: list[Refused] = dataclasses.field(default_factory=list)
    reowned: list[Refused] = dataclasses.field(default_factory=list)
    absent: list[Refused] = dataclasses.field(default_factory=list)


class Rules:
    def __init__(self, store: Store, analyst: str, now: datetime | None = None) -> None:
        self.store = store
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
        """Whether the file gives the record to the analyst merging."""
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

    def absence(self, entity: str, entity_id: str) -> str:
        """Why this project does not have a record of the analyst merging: deleted here, or
        never here (asked of the history)."""
        deleted = matching.last_change(self.store, entity, entity_id, "delete")
        if deleted is not None:
            return f"deleted in this project on {deleted}"
        return "never in this project (not made by you here)"


def _name(name: str) -> str:
    """A name as the project stores it (`Store.ensure_analyst`)."""
    return " ".join(name.split())
