"""The guard's rules for comments and review decisions (see `guard`), as for annotations.

- A comment or decision dated in the future (created, modified, decided; beyond the clock
  skew) is left out and listed.
- One of the analyst merging (a comment they wrote, a decision they made as reviewer) is never
  changed by their file: a later version is left out and listed, theirs kept.
- Another analyst's comment or decision keeps its author or reviewer: a later version naming
  someone else is left out and listed. Otherwise the later version applies, as before.
- One under the merging analyst's name that this project does not have (deleted here, or
  never made here) is left out and listed, never added or brought back.

A version that changes nothing here (the same text, or not later) goes through: it counts as
unchanged, so a round trip of our own project lists nothing.
"""

from __future__ import annotations

from annotator.core.interchange.fields import later
from annotator.core.interchange.model import ParsedComment, ParsedDecision
from annotator.core.merge.report import Refused
from annotator.core.merge.rules import Rules
from annotator.core.records import Comment, CommentId, DecisionId
from annotator.core.store import matching


def comment(rules: Rules, parsed: ParsedComment) -> bool:
    """Whether the comment may be applied (if not, it is listed)."""
    out = rules.out

    def entry(reason: str) -> Refused:
        return Refused("comment", parsed.id, parsed.body, reason)

    dated = rules.dated(("created", parsed.created), ("modified", parsed.modified))
    if dated is not None:
        out.refused.append(entry(dated))
        return False
    existing = rules.store.comments.find(CommentId(parsed.id))
    if existing is None:
        if rules.is_mine(parsed.author):
            out.absent.append(entry(rules.absence("comment", parsed.id)))
            return False
        return True
    if existing.body == parsed.body.strip() or not later(parsed.modified, _edited(rules, existing)):
        return True  # changes nothing here
    if existing.author_id == rules.me:
        out.yours.append(entry(f"their version of {parsed.modified}; yours is kept"))
        return False
    if rules.owner(parsed.author) != existing.author_id:
        mine = rules.name_of(existing.author_id)
        reason = f"{mine}'s comment here, {parsed.author}'s in their file; kept as {mine}'s"
        out.reowned.append(entry(reason))
        return False
    return True


def decision(rules: Rules, parsed: ParsedDecision, document: str) -> bool:
    """Whether the review decision (on their `document`) may be applied (if not, listed)."""
    out = rules.out

    def entry(reason: str) -> Refused:
        return Refused("review decision", parsed.id, document, f"{reason} (“{parsed.decision}”)")

    dated = rules.dated(("decided", parsed.decided))
    if dated is not None:
        out.refused.append(entry(dated))
        return False
    existing = rules.store.reviews.find(DecisionId(parsed.id))
    if existing is None:
        if rules.is_mine(parsed.reviewer):
            out.absent.append(entry(rules.absence("review_decision", parsed.id)))
            return False
        return True
    if not later(parsed.decided, existing.decided):
        return True  # changes nothing here
    if existing.reviewer_id == rules.me:
        out.yours.append(entry(f"their version of {parsed.decided}; yours is kept"))
        return False
    if rules.owner(parsed.reviewer) != existing.reviewer_id:
        mine = rules.name_of(existing.reviewer_id)
        reason = f"{mine}'s decision here, {parsed.reviewer}'s in their file; kept as {mine}'s"
        out.reowned.append(entry(reason))
        return False
    return True


def _edited(rules: Rules, comment: Comment) -> str:
    """When our version of the comment was last changed, as the importer compares it: its
    newest edit, else its writing."""
    edited = matching.last_change(rules.store, "comment", comment.id, "update")
    return comment.created if edited is None else edited
