"""Edits made on both sides: the later one is kept, the other goes into our history.

A record of their file (annotation, comment, review decision) that this project also has, in
another version, is a *candidate* (`candidates`, asked before the merge is applied). Once the
merge is applied (`record`, inside its transaction), each candidate is read back:

- ours was kept (ours is later, or their version was not allowed or could not be placed): their
  version is recorded, unless our history already holds it (it is an older version of ours, or
  an earlier merge recorded it);
- theirs was applied: ours is in our history already (the "update" entry's `before`, the whole
  record), and it is marked as a conflict only when their project's history does not hold our
  version (they edited a copy of an older version: both sides edited).

Either way the entry is one "merge-conflict" history entry: `before` is the whole version not
kept (theirs as their file gives it, with analyst and label by name; ours as stored here),
`after` says which side was kept, from which file, and both versions' times and analysts.
Edits on both sides where the later one won by its date are listed in the report; versions
left out for other reasons are listed by the guard already.

A version is known by its modified time (annotations), its text (comments) or its decision
time (review decisions). Their history is read from our scratch copy of their file; a damaged
one counts as empty, which lists more conflicts, never fewer.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from annotator.core.interchange import ParsedFile
from annotator.core.interchange.fields import later
from annotator.core.merge.report import Refused
from annotator.core.records import AnnotationId, CommentId, DecisionId
from annotator.core.store import Store, history, matching
from annotator.core.store.connection import connect_read_only

_T = TypeVar("_T")

#: The history entry's action.
ACTION = "merge-conflict"
#: What tells two versions apart, by history entity.
_KEYS = {"annotation": "modified", "comment": "body", "review_decision": "decided"}
_WHAT = {"annotation": "annotation", "comment": "comment", "review_decision": "review decision"}


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A record both projects hold in different versions (`ours` as stored, before the merge)."""

    entity: str
    ident: str
    document_id: str | None
    quote: str
    ours: dict[str, Any]
    theirs: dict[str, Any]
    ours_time: str
    theirs_time: str
    ours_by: str
    theirs_by: str

    @property
    def theirs_later(self) -> bool:
        return later(self.theirs_time, self.ours_time)


def candidates(store: Store, parsed: ParsedFile, *, refused: set[str]) -> list[Candidate]:
    """The records of their file that this project holds in another version (but those whose
    ids are in `refused`: left out of the merge as invalid, never recorded)."""
    names = {a.id: a.name for a in store.analysts()}
    names[store.reviewed_layer().id] = store.reviewed_layer().name
    found: list[Candidate] = []
    theirs = [a for doc in parsed.documents for a in doc.annotations if a.id not in refused]
    for chunk in _chunks(theirs, matching.MAX_IDS):
        here = matching.annotations_by_id(store, [a.id for a in chunk])
        for a in chunk:
            mine = here.get(a.id)
            if mine is not None and _version("modified", mine.modified) != _version(
                "modified", a.modified
            ):
                found.append(
                    Candidate(
                        "annotation",
                        a.id,
                        mine.document_id,
                        mine.quote,
                        _plain(mine),
                        _plain(a),
                        mine.modified,
                        a.modified,
                        names.get(mine.analyst_id, mine.analyst_id),
                        a.analyst or "",
                    )
                )
    for doc in parsed.documents:
        for d in doc.decisions:
            decided = store.reviews.find(DecisionId(d.id))
            if (
                decided is not None
                and d.id not in refused
                and _version("decided", decided.decided) != _version("decided", d.decided)
            ):
                found.append(
                    Candidate(
                        "review_decision",
                        d.id,
                        decided.document_id,
                        doc.name,
                        _plain(decided),
                        _plain(d),
                        decided.decided,
                        d.decided,
                        names.get(decided.reviewer_id, decided.reviewer_id),
                        d.reviewer,
                    )
                )
    for c in parsed.comments:
        said = store.comments.find(CommentId(c.id))
        if said is not None and c.id not in refused and said.body != c.body.strip():
            edited = matching.last_change(store, "comment", said.id, "update") or said.created
            found.append(
                Candidate(
                    "comment",
                    c.id,
                    None,
                    said.body,
                    _plain(said),
                    _plain(c),
                    edited,
                    c.modified,
                    names.get(said.author_id, said.author_id),
                    c.author or "",
                )
            )
    return found


def record(
    store: Store, found: Sequence[Candidate], *, copy: Path, file: str, analyst_id: str
) -> list[Refused]:
    """Record the version not kept of each candidate (inside the merge's transaction); return
    the edits made on both sides where the later one was kept, for the report."""
    ours_known = _versions(store.conn, found)
    theirs_known = _their_versions(copy, found)
    listed: list[Refused] = []
    for c in found:
        key = _KEYS[c.entity]
        now = _current(store, c)
        if now is None:
            continue
        if _version(key, now) == _version(key, c.theirs[key]):  # theirs was applied
            if (c.entity, c.ident, _version(key, c.ours[key])) in theirs_known:
                continue  # they edited our version: no conflict
            kept, lost = "theirs", c.ours
        else:  # ours was kept
            if (c.entity, c.ident, _version(key, c.theirs[key])) in ours_known:
                continue  # an older version of ours, or recorded before
            kept, lost = "ours", c.theirs
        history.record(
            store.db,
            analyst_id=analyst_id,
            action=ACTION,
            entity=c.entity,
            entity_id=c.ident,
            document_id=c.document_id,
            before=lost,
            after={
                "kept": kept,
                "file": file,
                "ours": {"modified": c.ours_time, "analyst": c.ours_by},
                "theirs": {"modified": c.theirs_time, "analyst": c.theirs_by},
            },
        )
        if (kept == "theirs") == c.theirs_later:  # the later edit won, by its date
            mine = f"this project's version ({c.ours_time}, {c.ours_by})"
            other = f"{file}'s ({c.theirs_time}, {c.theirs_by})"
            if kept == "ours":
                reason = f"{mine} kept; {other} kept in history"
            else:
                reason = f"{other} kept; {mine} kept in history"
            listed.append(Refused(_WHAT[c.entity], c.ident, c.quote, reason))
    return listed


def _current(store: Store, c: Candidate) -> str | None:
    """The candidate's version key as stored now (None if it is gone)."""
    if c.entity == "annotation":
        a = store.annotations.find(AnnotationId(c.ident))
        return None if a is None else a.modified
    if c.entity == "comment":
        comment = store.comments.find(CommentId(c.ident))
        return None if comment is None else comment.body
    decision = store.reviews.find(DecisionId(c.ident))
    return None if decision is None else decision.decided


def _versions(
    conn: sqlite3.Connection, found: Sequence[Candidate], *, held: bool = False
) -> set[tuple[str, str, str]]:
    """(entity, id, version) of every version a project's history holds of these records;
    `held`: only versions the project had (not those a merge recorded as not kept)."""
    only = f" AND action != '{ACTION}'" if held else ""
    known: set[tuple[str, str, str]] = set()
    for entity, key in _KEYS.items():
        ids = [c.ident for c in found if c.entity == entity]
        for chunk in _chunks(ids, matching.MAX_IDS):
            marks = ", ".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT entity_id, "
                f"CASE WHEN json_valid(before) THEN json_extract(before, '$.{key}') END, "
                f"CASE WHEN json_valid(after) THEN json_extract(after, '$.{key}') END "
                f"FROM history WHERE entity = ? AND entity_id IN ({marks}){only}",
                [entity, *chunk],
            )
            for ident, *values in rows:
                known.update(
                    (entity, str(ident), _version(key, v)) for v in values if isinstance(v, str)
                )
    return known


def _their_versions(copy: Path, found: Sequence[Candidate]) -> set[tuple[str, str, str]]:
    """`_versions` of our scratch copy of their project (empty if it cannot be read)."""
    if not found:
        return set()
    try:
        conn = connect_read_only(copy)
        try:
            return _versions(conn, found, held=True)
        finally:
            conn.close()
    except sqlite3.Error:
        return set()


def _version(key: str, value: str) -> str:
    """A version as compared: a time as an instant (however written), a text stripped."""
    if key == "body":
        return value.strip()
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).isoformat()


def _plain(record: Any) -> dict[str, Any]:
    """The whole record as history stores it (without where it was in the file)."""
    row = dataclasses.asdict(record)
    row.pop("where", None)
    return row


def _chunks(values: list[_T], size: int) -> Iterator[list[_T]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
