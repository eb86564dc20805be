"""What an annotation import did: counts, moved spans, and everything not imported, by name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FORMAT_NAMES = {"jsonl": "Annotator JSON Lines", "w3c": "W3C Web Annotations"}
#: Entries shown of each list the guards fill; the rest are counted ("… and 3 more").
SHOWN = 20


def shorten(text: str, limit: int = 60) -> str:
    """One line of at most `limit` characters, for lists of quotes."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Refused:
    """A record of the file that the guards (`guard`) did not let in: what it is
    (“annotation”, “link”…), its id, its quote (or what else names it) and why."""

    what: str
    ident: str
    quote: str
    reason: str

    def line(self) -> str:
        ident = shorten(self.ident, 40)
        quote = f" “{shorten(self.quote)}”" if self.quote else ""
        return f"  {self.what} {ident}{quote}: {self.reason}"


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
    #: What the file was not allowed to do (see `guard`): `refused`, records dated in the
    #: future (a merge adds damaged ones); `yours`, changes to records of the analyst
    #: importing; `reowned`, changes that would give a record to another analyst; `absent`,
    #: records under the importing analyst's name that this project does not have (deleted
    #: here; a merge also those never here). None of them was applied.
    refused: list[Refused] = field(default_factory=list)
    yours: list[Refused] = field(default_factory=list)
    reowned: list[Refused] = field(default_factory=list)
    absent: list[Refused] = field(default_factory=list)
    #: Notes and comments (a merge: also names) from which control characters were removed.
    cleaned: int = 0

    #: How the summary says what the file's records were not: "imported", "merged".
    verb = "imported"

    @property
    def complete(self) -> bool:
        """True if everything in the file is in the project now."""
        return not (
            self.orphans
            or self.skipped_links
            or self.orphan_comments
            or self.orphan_decisions
            or self.refused
            or self.yours
            or self.reowned
            or self.absent
        )

    def cleaned_line(self) -> str:
        return (
            f"Control characters (NUL, escapes…) removed from {self.cleaned} note(s) and "
            f"comment(s) of {self.path.name}."
        )

    def guarded_lines(self) -> list[str]:
        """What was cleaned, and what the guards left out by kind (the first `SHOWN` of each
        listed)."""
        cleaned = [self.cleaned_line()] if self.cleaned else []
        return cleaned + listed(self.guarded_sections())

    def guarded_sections(self) -> tuple[tuple[list[Refused], str], ...]:
        name = self.path.name
        yours = counted(self.yours, lambda n, what: f"{n} of your {what}s")
        reowned = counted(self.reowned, lambda n, what: f"{n} {what}(s)")
        absent = counted(self.absent, plural)
        sections = (
            (self.yours, f"{name} changes {yours}: not applied"),
            (self.reowned, f"{name} gives {reowned} to another analyst: not applied"),
            (
                self.absent,
                f"{name} holds {absent} under your name that your project does not have "
                "(deleted here, or not made by you): not added",
            ),
            (self.refused, f"Not {self.verb} from {name} ({len(self.refused)})"),
        )
        return sections

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
        lines.extend(self.guarded_lines())
        return "\n".join(lines)


def plural(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def listed(sections: tuple[tuple[list[Refused], str], ...]) -> list[str]:
    """Each non-empty list under its title, its first `SHOWN` entries one a line."""
    lines: list[str] = []
    for entries, title in sections:
        if entries:
            lines.append(f"{title}:")
            lines.extend(entry.line() for entry in entries[:SHOWN])
            if len(entries) > SHOWN:
                lines.append(f"  … and {len(entries) - SHOWN} more")
    return lines


def counted(entries: list[Refused], phrase: Callable[[int, str], str]) -> str:
    """“2 annotations and 1 comment”: how many of each kind, in the order first listed."""
    counts = Counter(entry.what for entry in entries)
    parts = [phrase(n, what) for what, n in counts.items()]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
