"""What a merge did: the interchange report of what came in, plus what the colleague's file was
not allowed to do, each listed with their file's name and the annotation it concerns."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
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
    label or analyst their file does not hold; `yours`: changes to annotations, comments and
    review decisions of the analyst merging, not applied; `reowned`: changes that would give an
    annotation, comment or decision to another analyst, not applied; `absent`: annotations,
    comments and decisions under the merging analyst's name that this project does not have
    (deleted here, or never made here), not added; `conflicts`: records edited on both sides,
    the later edit kept and the other recorded in the history (`conflicts`); `cleaned`: names
    and notes from which control characters were removed."""

    refused: list[Refused] = field(default_factory=list)
    yours: list[Refused] = field(default_factory=list)
    reowned: list[Refused] = field(default_factory=list)
    absent: list[Refused] = field(default_factory=list)
    conflicts: list[Refused] = field(default_factory=list)
    cleaned: int = 0
    #: Finished marks (document read through by an analyst) brought over.
    finished: int = 0

    @classmethod
    def of(cls, other: Path, applied: InterchangeReport) -> MergeReport:
        values = {f.name: getattr(applied, f.name) for f in dataclasses.fields(applied)}
        return cls(**{**values, "path": other, "format": "project"})

    @property
    def complete(self) -> bool:
        lists = (self.refused, self.yours, self.reowned, self.absent)
        return super().complete and not any(lists)

    def summary(self) -> str:
        name = self.path.name
        lines = [super().summary()]
        if self.cleaned:
            lines.append(
                f"Control characters (NUL, escapes…) removed from {self.cleaned} name(s) and "
                f"note(s) of {name}, as importing does."
            )
        if self.finished:
            lines.append(f"{_plural(self.finished, 'finished mark')} of {name} brought over.")
        yours = _counted(self.yours, lambda n, what: f"{n} of your {what}s")
        reowned = _counted(self.reowned, lambda n, what: f"{n} {what}(s)")
        absent = _counted(self.absent, _plural)
        both = _counted(self.conflicts, _plural)
        sections = (
            (
                self.conflicts,
                f"{both} edited on both sides: the later edit kept, the other kept in history",
            ),
            (self.yours, f"{name} changes {yours}: not applied"),
            (self.reowned, f"{name} gives {reowned} to another analyst: not applied"),
            (
                self.absent,
                f"{name} holds {absent} under your name that your project does not have "
                "(deleted here, or not made by you): not added",
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


def _plural(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _counted(entries: list[Refused], phrase: Callable[[int, str], str]) -> str:
    """“2 annotations and 1 comment”: how many of each kind, in the order first listed."""
    counts = Counter(entry.what for entry in entries)
    parts = [phrase(n, what) for what, n in counts.items()]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
