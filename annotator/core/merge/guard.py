"""What a colleague's file may not do to our records, decided before anything is applied.

- Dates later than our clock plus `CLOCK_SKEW` are refused: a version dated in 2999 would win
  every later merge, so the annotation (link, comment, review decision) is left out and listed.
- An annotation already here keeps its analyst: a version that would give it to another analyst
  is left out and listed.
- An annotation of the analyst merging ("yours") is never changed by their file: a later
  version of it, or links added to it, are left out and listed. Edits of other analysts'
  annotations (their own, say) apply as before: the later `modified` wins.
- Only the analyst merging makes or deletes their annotations and links: one of their file
  under the merging analyst's name that this project does not have (deleted here, or never
  made here) is left out and listed, never added or brought back.
- Comments and review decisions follow the same rules (see `guard_threads`).

An incoming version that changes nothing (not later, no new links) goes through, so that it
counts as unchanged, as merging the same file twice always has: sending our project to a
colleague and merging theirs back lists nothing of ours that neither side changed.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from annotator.core.interchange import ParsedAnnotation, ParsedFile
from annotator.core.interchange.fields import later
from annotator.core.interchange.model import ParsedLink
from annotator.core.merge.guard_threads import comment, decision
from annotator.core.merge.report import Refused
from annotator.core.merge.rules import CLOCK_SKEW, Guarded, Rules
from annotator.core.records import Annotation, AnnotationId, LinkId
from annotator.core.store import Store

__all__ = ["CLOCK_SKEW", "Guarded", "guard"]


def guard(
    store: Store, parsed: ParsedFile, *, analyst: str, now: datetime | None = None
) -> tuple[ParsedFile, Guarded]:
    """`parsed` without what it may not change here, and what was left out."""
    rules = Rules(store, analyst, now)
    documents = tuple(
        dataclasses.replace(
            doc,
            annotations=tuple(a for a in (_annotation(rules, a) for a in doc.annotations) if a),
            decisions=tuple(d for d in doc.decisions if decision(rules, d, doc.name)),
        )
        for doc in parsed.documents
    )
    comments = tuple(c for c in parsed.comments if comment(rules, c))
    return dataclasses.replace(parsed, documents=documents, comments=comments), rules.out


def _annotation(rules: Rules, parsed: ParsedAnnotation) -> ParsedAnnotation | None:
    """The annotation as it may be applied, or None (and listed) if it may not."""
    out = rules.out
    dated = rules.dated(("created", parsed.created), ("modified", parsed.modified))
    if dated is not None:
        out.refused.append(_entry(parsed, dated))
        return None
    links: list[ParsedLink] = []
    for link in parsed.links:
        if rules.future(link.created):
            reason = f"created {link.created}: {rules.ahead()}"
            out.refused.append(Refused("link", link.id, parsed.quote, reason))
        elif rules.is_mine(link.analyst, reviewed=link.reviewed) and not _here(rules, link):
            reason = rules.absence("link", link.id)
            out.absent.append(Refused("link", link.id, parsed.quote, reason))
        else:
            links.append(link)
    parsed = dataclasses.replace(parsed, links=tuple(links))
    existing = rules.store.annotations.find(AnnotationId(parsed.id))
    if existing is None:
        if rules.is_mine(parsed.analyst, reviewed=parsed.reviewed):
            out.absent.append(_entry(parsed, rules.absence("annotation", parsed.id)))
            return None
        return parsed
    if not _changes(rules, parsed, existing):
        return parsed
    owner = rules.owner(parsed.analyst, reviewed=parsed.reviewed)
    if existing.analyst_id == rules.me:
        given = "" if owner == existing.analyst_id else f", and given to {parsed.analyst}"
        reason = f"their version of {parsed.modified}{given}; yours is kept"
        out.yours.append(_entry(parsed, reason, existing))
        return None
    if owner != existing.analyst_id:
        mine = rules.name_of(existing.analyst_id)
        theirs = "the reviewed layer" if parsed.reviewed else parsed.analyst
        reason = f"{mine}'s annotation here, {theirs}'s in their file; kept as {mine}'s"
        out.reowned.append(_entry(parsed, reason, existing))
        return None
    return parsed


def _changes(rules: Rules, parsed: ParsedAnnotation, existing: Annotation) -> bool:
    """True if applying the file's version would change the annotation here."""
    if later(parsed.modified, existing.modified):
        return True
    here = {k.id for k in rules.store.annotations.links_touching(existing.id)}
    return any(link.id not in here for link in parsed.links)


def _here(rules: Rules, link: ParsedLink) -> bool:
    return rules.store.annotations.find_link(LinkId(link.id)) is not None


def _entry(parsed: ParsedAnnotation, reason: str, existing: Annotation | None = None) -> Refused:
    quote = existing.quote if existing is not None else parsed.quote
    return Refused("annotation", parsed.id, quote, reason)
