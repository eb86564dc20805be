"""What a file may not do to the records here, decided record by record before it is applied
(`import-annotations` and `merge` alike; see `guard_rules` for the rules they share).

- Dates later than our clock plus `CLOCK_SKEW` are refused: a version dated in 2999 would win
  every later import, so the annotation (link, comment, review decision) is left out and listed.
- A record already here keeps its analyst (author, reviewer): a version that would give it to
  another analyst, the one importing included, is left out and listed.
- A record of the analyst importing ("yours") is never changed by a file: a later version of
  it, or links added to it, are left out and listed. Edits of other analysts' records apply as
  before: the later one wins.
- Only the analyst makes or deletes their records: one under their name that this project
  deleted is left out and listed, never brought back (a merge also refuses those never here).
- Notes and comments lose their control characters (tabs and line breaks stay), counted.

An incoming version that changes nothing (not later, no new links) goes through, so that it
counts as unchanged: importing or merging the same file twice lists nothing.
"""

from __future__ import annotations

import dataclasses

from annotator.core.interchange.fields import later
from annotator.core.interchange.guard_rules import Rules
from annotator.core.interchange.model import (
    ParsedAnnotation,
    ParsedComment,
    ParsedDecision,
    ParsedLink,
)
from annotator.core.interchange.report import Refused
from annotator.core.records import Annotation, Comment, CommentId, DecisionId, LinkId
from annotator.core.store import matching


def check_annotation(
    rules: Rules, parsed: ParsedAnnotation, existing: Annotation | None, deleted: str | None
) -> ParsedAnnotation | Refused:
    """The annotation as it may be applied, or why it may not (listed in `rules.out`).
    `existing`: the annotation with its id here; `deleted`: when this project deleted it."""
    out = rules.out
    dated = rules.dated(("created", parsed.created), ("modified", parsed.modified))
    if dated is not None:
        return _listed(out.refused, _entry(parsed, dated, existing))
    links: list[ParsedLink] = []
    for link in parsed.links:
        if rules.future(link.created):
            reason = f"created {link.created}: {rules.ahead()}"
            out.refused.append(Refused("link", link.id, parsed.quote, reason))
        elif (absent := _absent_link(rules, link)) is not None:
            out.absent.append(Refused("link", link.id, parsed.quote, absent))
        else:
            links.append(link)
    note = rules.prose(parsed.note)
    if len(links) != len(parsed.links) or note != parsed.note:
        parsed = dataclasses.replace(parsed, links=tuple(links), note=note)
    if existing is None:
        if rules.is_mine(parsed.analyst, reviewed=parsed.reviewed):
            refusal = rules.not_added(deleted)
            if refusal is not None:
                return _listed(out.absent, _entry(parsed, refusal))
        return parsed
    if not _changes(rules, parsed, existing):
        return parsed
    owner = rules.owner(parsed.analyst, reviewed=parsed.reviewed)
    if existing.analyst_id == rules.me:
        given = "" if owner == existing.analyst_id else f", and given to {parsed.analyst}"
        reason = f"their version of {parsed.modified}{given}; yours is kept"
        return _listed(out.yours, _entry(parsed, reason, existing))
    if owner != existing.analyst_id:
        mine = rules.name_of(existing.analyst_id)
        theirs = "the reviewed layer" if parsed.reviewed else (parsed.analyst or rules.analyst)
        reason = f"{mine}'s annotation here, {theirs}'s in the file; kept as {mine}'s"
        return _listed(out.reowned, _entry(parsed, reason, existing))
    return parsed


def check_comment(rules: Rules, parsed: ParsedComment) -> ParsedComment | Refused:
    """The comment as it may be applied, or why it may not (listed in `rules.out`)."""
    out = rules.out

    def entry(reason: str) -> Refused:
        return Refused("comment", parsed.id, parsed.body, reason)

    dated = rules.dated(("created", parsed.created), ("modified", parsed.modified))
    if dated is not None:
        return _listed(out.refused, entry(dated))
    body = rules.prose(parsed.body)
    if body != parsed.body:
        parsed = dataclasses.replace(parsed, body=body)
    existing = rules.store.comments.find(CommentId(parsed.id))
    if existing is None:
        if rules.is_mine(parsed.author):
            refusal = rules.absence("comment", parsed.id)
            if refusal is not None:
                return _listed(out.absent, entry(refusal))
        return parsed
    if existing.body == parsed.body.strip() or not later(parsed.modified, _edited(rules, existing)):
        return parsed  # changes nothing here
    if existing.author_id == rules.me:
        return _listed(out.yours, entry(f"their version of {parsed.modified}; yours is kept"))
    if rules.owner(parsed.author) != existing.author_id:
        mine = rules.name_of(existing.author_id)
        theirs = parsed.author or rules.analyst
        reason = f"{mine}'s comment here, {theirs}'s in the file; kept as {mine}'s"
        return _listed(out.reowned, entry(reason))
    return parsed


def check_decision(rules: Rules, parsed: ParsedDecision, document: str) -> Refused | None:
    """Why the review decision (on the file's `document`) may not be applied (listed in
    `rules.out`), or None if it may."""
    out = rules.out

    def entry(reason: str) -> Refused:
        return Refused("review decision", parsed.id, document, f"{reason} (“{parsed.decision}”)")

    dated = rules.dated(("decided", parsed.decided))
    if dated is not None:
        return _listed(out.refused, entry(dated))
    existing = rules.store.reviews.find(DecisionId(parsed.id))
    if existing is None:
        if rules.is_mine(parsed.reviewer):
            refusal = rules.absence("review_decision", parsed.id)
            if refusal is not None:
                return _listed(out.absent, entry(refusal))
        return None
    if not later(parsed.decided, existing.decided):
        return None  # changes nothing here
    if existing.reviewer_id == rules.me:
        return _listed(out.yours, entry(f"their version of {parsed.decided}; yours is kept"))
    if rules.owner(parsed.reviewer) != existing.reviewer_id:
        mine = rules.name_of(existing.reviewer_id)
        reason = f"{mine}'s decision here, {parsed.reviewer}'s in the file; kept as {mine}'s"
        return _listed(out.reowned, entry(reason))
    return None


def _changes(rules: Rules, parsed: ParsedAnnotation, existing: Annotation) -> bool:
    """True if applying the file's version would change the annotation here."""
    if later(parsed.modified, existing.modified):
        return True
    if not parsed.links:
        return False
    here = rules.store.annotations.links_touching(existing.id)
    ids = {k.id for k in here}
    # W3C files carry no link ids: the same attribution here is the same link (`apply_links`).
    said = {
        (k.kind, k.target_id, None if k.target_id else k.name)
        for k in here
        if k.source_id == existing.id
    }
    return any(
        link.id not in ids and (link.kind, link.target_id, link.name) not in said
        for link in parsed.links
    )


def _absent_link(rules: Rules, link: ParsedLink) -> str | None:
    """Why a merge does not add a link under the merging analyst's name that this project
    does not have (an import leaves links to the importer's choice), or None."""
    if not rules.strict or not rules.is_mine(link.analyst, reviewed=link.reviewed):
        return None
    if rules.store.annotations.find_link(LinkId(link.id)) is not None:
        return None
    return rules.absence("link", link.id)


def _edited(rules: Rules, comment: Comment) -> str:
    """When our version of the comment was last changed, as the importer compares it: its
    newest edit, else its writing."""
    edited = matching.last_change(rules.store, "comment", comment.id, "update")
    return comment.created if edited is None else edited


def _listed(into: list[Refused], entry: Refused) -> Refused:
    into.append(entry)
    return entry


def _entry(parsed: ParsedAnnotation, reason: str, existing: Annotation | None = None) -> Refused:
    quote = existing.quote if existing is not None else parsed.quote
    return Refused("annotation", parsed.id, quote, reason)
