"""What an annotation import did: counts, moved spans, and everything not imported, by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FORMAT_NAMES = {"jsonl": "Annotator JSON Lines", "w3c": "W3C Web Annotations"}


def shorten(text: str, limit: int = 60) -> str:
    """One line of at most `limit` characters, for lists of quotes."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Reanchored:
    """An annotation stored at other offsets than the file gave (its text differs here)."""

    document: str
    quote: str
    old: tuple[int, int] | None  # None: the file gave no position
    new: tuple[int, int]
    method: str
    score: float
    #: Why the analyst should check the new place ("" when nothing is in doubt).
    review: str = ""


@dataclass(frozen=True)
class Orphan:
    """An annotation that was not imported, and why."""

    document: str
    quote: str
    reason: str
    annotation_id: str


@dataclass(frozen=True)
class SkippedLink:
    kind: str
    claim: str  # the claim's quote
    reason: str
    link_id: str


@dataclass(frozen=True)
class OrphanComment:
    """A comment that was not imported, and why (`on`: the commented annotation's quote, or
    its id when neither the file nor the project has it)."""

    on: str
    author: str
    body: str
    reason: str
    comment_id: str


@dataclass(frozen=True)
class OrphanDecision:
    """A review decision that was not imported, and why."""

    document: str
    decision: str
    reviewer: str
    reason: str
    decision_id: str


@dataclass(frozen=True)
class DocumentOutcome:
    """Where one document of the file went: `how` is "same text", "same id", "same address",
    "same title", "chosen", "created" or "not found"."""

    title: str
    how: str


@dataclass
class InterchangeReport:
    path: Path
    format: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    links_added: int = 0
    links_unchanged: int = 0
    comments_added: int = 0
    comments_updated: int = 0
    comments_unchanged: int = 0
    decisions_added: int = 0
    decisions_updated: int = 0
    decisions_unchanged: int = 0
    documents: list[DocumentOutcome] = field(default_factory=list)
    reanchored: list[Reanchored] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    skipped_links: list[SkippedLink] = field(default_factory=list)
    orphan_comments: list[OrphanComment] = field(default_factory=list)
    orphan_decisions: list[OrphanDecision] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True if everything in the file is in the project now."""
        return not (
            self.orphans or self.skipped_links or self.orphan_comments or self.orphan_decisions
        )

    def _threads_and_reviews(self) -> str:
        """The comments' and decisions' counts, or "" for a file with neither."""
        counts = (
            self.comments_added,
            self.comments_updated,
            self.comments_unchanged,
            self.decisions_added,
            self.decisions_updated,
            self.decisions_unchanged,
        )
        if not any(counts) and not (self.orphan_comments or self.orphan_decisions):
            return ""  # nothing of the kind in the file: the summary stays as it always was
        return (
            f"Comments: {self.comments_added} added, {self.comments_updated} updated, "
            f"{self.comments_unchanged} unchanged; review decisions: {self.decisions_added} "
            f"added, {self.decisions_updated} updated, {self.decisions_unchanged} unchanged."
        )

    def summary(self) -> str:
        """A short human-readable account, the same in the CLI and the GUI."""
        kind = FORMAT_NAMES.get(self.format, self.format)
        lines = [
            f"Annotations from {self.path.name} ({kind}): {self.added} added, "
            f"{self.updated} updated, {self.unchanged} unchanged; "
            f"links: {self.links_added} added, {self.links_unchanged} unchanged.",
        ]
        if counts := self._threads_and_reviews():
            lines.append(counts)
        notes = {
            "same id": "same document id, different text: re-anchored",
            "same address": "same web address, different text: re-anchored",
            "same title": "same title, different text: re-anchored",
            "chosen": "the document chosen for this import: re-anchored",
            "created": "added to the project with the file's text",
            "not found": "no document with this text, id, address or title in the project",
        }
        for outcome in self.documents:
            if outcome.how in notes:
                lines.append(f"Document “{outcome.title}”: {notes[outcome.how]}.")
        doubtful = [moved for moved in self.reanchored if moved.review]
        if doubtful:
            lines.append(f"Needs review: placed, but check the passage ({len(doubtful)}):")
            for moved in doubtful:
                old = "no position" if moved.old is None else f"{moved.old[0]}–{moved.old[1]}"
                lines.append(
                    f"  “{shorten(moved.quote)}” in “{moved.document}”: {old} → "
                    f"{moved.new[0]}–{moved.new[1]}: {moved.review}"
                )
        if self.reanchored:
            lines.append(f"Re-anchored in a different text ({len(self.reanchored)}):")
            for moved in self.reanchored:
                old = "no position" if moved.old is None else f"{moved.old[0]}–{moved.old[1]}"
                lines.append(
                    f"  “{shorten(moved.quote)}” in “{moved.document}”: {old} → "
                    f"{moved.new[0]}–{moved.new[1]} ({moved.method}, score {moved.score:.2f})"
                )
        if self.orphans:
            lines.append(f"Not imported ({len(self.orphans)}):")
            lines.extend(
                f"  “{shorten(o.quote)}” in “{o.document}”: {o.reason}" for o in self.orphans
            )
        if self.skipped_links:
            lines.append(f"Links not restored ({len(self.skipped_links)}):")
            lines.extend(
                f"  {s.kind} of “{shorten(s.claim)}”: {s.reason}" for s in self.skipped_links
            )
        if self.orphan_comments:
            lines.append(f"Comments not imported ({len(self.orphan_comments)}):")
            lines.extend(
                f"  {c.author}: “{shorten(c.body)}” on “{shorten(c.on, 40)}”: {c.reason}"
                for c in self.orphan_comments
            )
        if self.orphan_decisions:
            lines.append(f"Review decisions not imported ({len(self.orphan_decisions)}):")
            lines.extend(
                f"  “{d.decision}” by {d.reviewer} in “{d.document}”: {d.reason}"
                for d in self.orphan_decisions
            )
        return "\n".join(lines)
