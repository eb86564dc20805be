"""What an import produced: the extracted document and a report of everything changed on the way."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Repair:
    """One mojibake repair; `offset` is the code-point offset of `after` in the final text."""

    offset: int
    before: str
    after: str
    context: str


@dataclass
class ImportReport:
    """How a file was read: format, encoding, repairs and warnings (stored with the document)."""

    source: str
    format: str
    encoding: str
    encoding_detected: bool
    repairs: list[Repair] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A multi-line, human-readable account of the import."""
        how = "detected" if self.encoding_detected else "declared or certain"
        lines = [
            f"File: {self.source}",
            f"Format: {self.format}",
            f"Encoding: {self.encoding} ({how})",
        ]
        if self.repairs:
            lines.append(f"Repaired mis-decoded characters ({len(self.repairs)}):")
            for repair in self.repairs:
                # Newlines in the context would break the one-line-per-repair layout.
                context = repair.context.replace("\n", " ⏎ ")
                lines.append(
                    f"  {repair.before!r} → {repair.after!r} at {repair.offset}: …{context}…"
                )
        else:
            lines.append("Repaired mis-decoded characters: none")
        if self.warnings:
            lines.append("Warnings:")
            lines.extend(f"  - {warning}" for warning in self.warnings)
        else:
            lines.append("Warnings: none")
        return "\n".join(lines)

    def to_json(self) -> str:
        """Serialise for storage (UTF-8 text, not ASCII-escaped)."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, s: str) -> ImportReport:
        """Rebuild a report stored with `to_json`; raises ValueError if `s` is not one."""
        try:
            raw: Any = json.loads(s)
            return cls(
                source=str(raw["source"]),
                format=str(raw["format"]),
                encoding=str(raw["encoding"]),
                encoding_detected=bool(raw["encoding_detected"]),
                repairs=[
                    Repair(
                        offset=int(r["offset"]),
                        before=str(r["before"]),
                        after=str(r["after"]),
                        context=str(r["context"]),
                    )
                    for r in raw.get("repairs", [])
                ],
                warnings=[str(w) for w in raw.get("warnings", [])],
            )
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a stored import report: {exc}") from exc


@dataclass
class ExtractedDocument:
    """A document ready to store: every annotation offset refers to `text`."""

    source: Path
    title: str
    text: str
    published: str | None
    report: ImportReport
