"""What a colleague's file may not do to our annotations, decided before anything is applied.

- Dates later than our clock plus `CLOCK_SKEW` are refused: a version dated in 2999 would win
  every later merge, so the annotation (or link) is left out and listed.
- An annotation already here keeps its analyst: a version that would give it to another analyst
  is left out and listed.
- An annotation of the analyst merging ("yours") is never changed by their file: a later
  version of it, or links added to it, are left out and listed. Edits of other analysts'
  annotations (their own, say) apply as before: the later `modified` wins.

An incoming version that changes nothing (not later, no new links) goes through, so that it
counts as unchanged, as merging the same file twice always has.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from annotator.core.interchange import ParsedAnnotation, ParsedFile
from annotator.core.interchange.fields import later
from annotator.core.merge.report import Refused
from annotator.core.records import REVIEWED_LAYER_ID, Annotation, AnnotationId
from annotator.core.store import Store

#: How far ahead of this computer's clock a colleague's clock may be.
CLOCK_SKEW = timedelta(days=1)


@dataclasses.dataclass
class Guarded:
    """What the guard left out of the file, by kind (see `MergeReport`)."""

    refused: list[Refused] = dataclasses.field(default_factory=list)
    yours: list[Refused] = dataclasses.field(default_factory=list)
    reowned: list[Refused] = dataclasses.field(default_factory=list)


def guard(
    store: Store, parsed: ParsedFile, *, analyst: str, now: datetime | None = None
) -> tuple[ParsedFile, Guarded]:
    """`parsed` without what it may not change here, and what was left out."""
    limit = (now or datetime.now(UTC)) + CLOCK_SKEW
    check = _Check(store, analyst, limit)
    documents = tuple(
        dataclasses.replace(
            doc, annotations=tuple(a for a in map(check.annotation, doc.annotations) if a)
        )
        for doc in parsed.documents
    )
    return dataclasses.replace(parsed, documents=documents), check.out


class _Check:
    def __init__(self, store: Store, analyst: str, limit: datetime) -> None:
        self.store = store
        self.limit = limit
        self.out = Guarded()
        people: dict[str, str] = {a.name: a.id for a in store.analysts()}
        self.names = {id_: name for name, id_ in people.items()}
        self.names[REVIEWED_LAYER_ID] = store.reviewed_layer().name
        self.people = people
        self.me = people.get(analyst)

    def annotation(self, parsed: ParsedAnnotation) -> ParsedAnnotation | None:
        """The annotation as it may be applied, or None (and listed) if it may not."""
        for what, value in (("created", parsed.created), ("modified", parsed.modified)):
            if self._future(value):
                self.out.refused.append(_entry(parsed, f"{what} {value}: {self._ahead()}"))
                return None
        links = tuple(k for k in parsed.links if not self._future(k.created))
        for link in parsed.links:
            if link not in links:
                reason = f"created {link.created}: {self._ahead()}"
                self.out.refused.append(Refused("link", link.id, parsed.quote, reason))
        parsed = dataclasses.replace(parsed, links=links)
        existing = self.store.annotations.find(AnnotationId(parsed.id))
        if existing is None or not self._changes(parsed, existing):
            return parsed
        owner = self._owner(parsed)
        if existing.analyst_id == self.me:
            given = "" if owner == existing.analyst_id else f", and given to {parsed.analyst}"
            reason = f"their version of {parsed.modified}{given}; yours is kept"
            self.out.yours.append(_entry(parsed, reason, existing))
            return None
        if owner != existing.analyst_id:
            mine = self.names.get(existing.analyst_id, existing.analyst_id)
            theirs = "the reviewed layer" if parsed.reviewed else parsed.analyst
            reason = f"{mine}'s annotation here, {theirs}'s in their file; kept as {mine}'s"
            self.out.reowned.append(_entry(parsed, reason, existing))
            return None
        return parsed

    def _owner(self, parsed: ParsedAnnotation) -> str | None:
        """Whose the file's version would be here (None: an analyst not in this project)."""
        if parsed.reviewed:
            return REVIEWED_LAYER_ID
        if parsed.analyst is None:
            return self.me
        return self.people.get(parsed.analyst)

    def _changes(self, parsed: ParsedAnnotation, existing: Annotation) -> bool:
        """True if applying the file's version would change the annotation here."""
        if later(parsed.modified, existing.modified):
            return True
        here = {k.id for k in self.store.annotations.links_touching(existing.id)}
        return any(link.id not in here for link in parsed.links)

    def _future(self, value: str) -> bool:
        stamp = datetime.fromisoformat(value)
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)) > self.limit

    def _ahead(self) -> str:
        now = self.limit - CLOCK_SKEW
        return f"in the future (it is {now:%Y-%m-%d %H:%M} UTC here)"


def _entry(parsed: ParsedAnnotation, reason: str, existing: Annotation | None = None) -> Refused:
    quote = existing.quote if existing is not None else parsed.quote
    return Refused("annotation", parsed.id, quote, reason)
