"""What a merge did: the interchange report of what came in, plus what the colleague's file was
not allowed to do, each listed with their file's name and the annotation it concerns (the lists
an import fills too, see `InterchangeReport`), and the edits made on both sides."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.interchange import InterchangeReport
from annotator.core.interchange.report import Refused, counted, listed, plural

__all__ = ["MergeReport", "Refused"]


@dataclass
class MergeReport(InterchangeReport):
    """An `InterchangeReport` naming the colleague's file, with what their file could not do:

    `refused`: records skipped as damaged, dated in the future, or pointing to a document,
    label or analyst their file does not hold; `yours`, `reowned`, `absent`: as an import's,
    `absent` also listing records under the merging analyst's name never in this project;
    `conflicts`: records edited on both sides, the later edit kept and the other recorded in
    the history (`conflicts`); `cleaned`: names and notes from which control characters were
    removed."""

    conflicts: list[Refused] = field(default_factory=list)
    #: Finished marks (document read through by an analyst) brought over.
    finished: int = 0

    verb = "merged"

    @classmethod
    def of(cls, other: Path, applied: InterchangeReport) -> MergeReport:
        values = {f.name: getattr(applied, f.name) for f in dataclasses.fields(applied)}
        return cls(**{**values, "path": other, "format": "project"})

    def cleaned_line(self) -> str:
        return (
            f"Control characters (NUL, escapes…) removed from {self.cleaned} name(s) and "
            f"note(s) of {self.path.name}, as importing does."
        )

    def guarded_lines(self) -> list[str]:
        name = self.path.name
        lines = [self.cleaned_line()] if self.cleaned else []
        if self.finished:
            lines.append(f"{plural(self.finished, 'finished mark')} of {name} brought over.")
        both = counted(self.conflicts, plural)
        title = f"{both} edited on both sides: the later edit kept, the other kept in history"
        both_sides = listed(((self.conflicts, title),))
        return lines + both_sides + listed(self.guarded_sections())
