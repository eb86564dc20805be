"""What an import of a .qdpx did: counts, what was added, and everything it did not take."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.importing.names import one_line


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


@dataclass
class QdpxReport:
    """The outcome of `import_qdpx`. `not_imported`: selections, codings, notes and links that
    carried annotations or their parts and could not be taken (the import is then incomplete);
    `left_out`: the rest of the file that Annotator has no place for (pictures, sets, graphs)."""

    path: Path
    documents_added: int = 0
    documents_present: int = 0
    annotations: int = 0
    annotations_present: int = 0
    comments: int = 0
    links: int = 0
    analysts_added: list[str] = field(default_factory=list)
    labels_added: list[str] = field(default_factory=list)
    sentiments_added: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.not_imported

    def summary(self) -> str:
        """The report as lines of plain text (names from the file made safe to print)."""
        lines = [
            f"Imported {plural(self.documents_added, 'document')} and "
            f"{plural(self.annotations, 'annotation')} from {self.path.name} "
            f"({plural(self.comments, 'comment')}, {plural(self.links, 'link')})."
        ]
        if self.documents_present:
            lines.append(
                f"Already in the project: {plural(self.documents_present, 'document')} "
                "(same text); their new annotations were added to them."
            )
        if self.annotations_present:
            lines.append(
                f"Already in the project: {plural(self.annotations_present, 'annotation')} "
                "(same analyst, label, span and sentiment), not added twice."
            )
        for what, names in (
            ("New analysts", self.analysts_added),
            ("New labels", self.labels_added),
            ("New sentiment values", self.sentiments_added),
        ):
            if names:
                lines.append(f"{what}: {', '.join(names)}.")
        sections = (
            ("Changed on the way", self.warnings),
            ("Not imported", self.not_imported),
            ("Not taken (Annotator has no place for them)", self.left_out),
        )
        for title, items in sections:
            if items:
                lines.append(f"{title} ({len(items):,}):")
                lines.extend(f"  - {item}" for item in items)
        return "\n".join(one_line(line) for line in lines)
