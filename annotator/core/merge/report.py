"""What a merge did: the interchange report of what came in, plus what the colleague's file was
not allowed to do, each listed with their file's name and the annotation it concerns."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.interchange import InterchangeReport
from annotator.core.interchange.report import shorten

#: Entries shown of each list in the summary; the rest are counted ("… and 3 more").
SHOWN = 20


@dataclass(frozen=True)
class Refused:
    """A record of their file that was not merged: what it is (“annotation”, “link”…), its id,
    its quote (or what else names it) and why."""

    what: str
    ident: str
    quote: str
    reason: str

    def line(self) -> str:
        ident = shorten(self.ident, 40)
        quote = f" “{shorten(self.quote)}”" if self.quote else ""
        return f"  {self.what} {ident}{quote}: {self.reason}"


@dataclass
class MergeReport(InterchangeReport):
    """An `InterchangeReport` naming the colleague's file, with what their file could not do:

    `refused`: records skipped as damaged, dated in the future, or pointing to a document,
    label or analyst their file does not hold; `yours`: changes to annotations of the analyst
    merging, not applied; `reowned`: changes that would give an annotation to another analyst,
    not applied; `cleaned`: names and notes from which control characters were removed."""

    refused: list[Refused] = field(default_factory=list)
    yours: list[Refused] = field(default_factory=list)
    reowned: list[Refused] = field(default_factory=list)
    cleaned: int = 0

    @classmethod
    def of(cls, other: Path, applied: InterchangeReport) -> MergeReport:
        values = {f.name: getattr(applied, f.name) for f in dataclasses.fields(applied)}
        return cls(**{**values, "path": other, "format": "project"})

    @property
    def complete(self) -> bool:
        return super().complete and not (self.refused or self.yours or self.reowned)

    def summary(self) -> str:
        name = self.path.name
        lines = [super().summary()]
        if self.cleaned:
            lines.append(
                f"Control characters (NUL, escapes…) removed from {self.cleaned} name(s) and "
                f"note(s) of {name}, as importing does."
            )
        sections = (
            (self.yours, f"{name} changes {len(self.yours)} of your annotations: not applied"),
            (
                self.reowned,
                f"{name} gives {len(self.reowned)} annotation(s) to another analyst: not applied",
            ),
            (self.refused, f"Not merged from {name} ({len(self.refused)})"),
        )
        for entries, title in sections:
            if entries:
                lines.append(f"{title}:")
                lines.extend(entry.line() for entry in entries[:SHOWN])
                if len(entries) > SHOWN:
                    lines.append(f"  … and {len(entries) - SHOWN} more")
        return "\n".join(lines)
