"""What an import produced: the extracted document and a report of everything changed on the way."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.importing.names import one_line


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
    #: How the text was taken from the source, e.g. "main text of the page" or "all visible
    #: text (no article found)"; empty for plain files.
    extraction: str = ""
    #: What the extraction left out (menus, footers, page numbers…), one line each.
    left_out: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A multi-line, human-readable account of the import; names, repairs and what was
        left out quote the source, so each line is made safe to print (`names.one_line`)."""
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
        if self.extraction:
            lines.append(f"Text: {self.extraction}")
        if self.left_out:
            lines.append(f"Left out ({len(self.left_out)}):")
            lines.extend(f"  - {item}" for item in self.left_out)
        if self.warnings:
            lines.append("Warnings:")
            lines.extend(f"  - {warning}" for warning in self.warnings)
        else:
            lines.append("Warnings: none")
        return "\n".join(one_line(line) for line in lines)

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
                extraction=str(raw.get("extraction", "")),
                left_out=[str(w) for w in raw.get("left_out", [])],
            )
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a stored import report: {exc}") from exc


@dataclass
class SourceMeta:
    """What a source says about itself (a web page's metadata, a PDF's info, a feed item).

    Every field is optional; empty strings mean unknown. `url` is the canonical address where
    the source names one (else the address it was fetched from), `language` a BCP 47 code
    ("en", "zh-Hans"), `published` an ISO date (YYYY-MM-DD).
    """

    title: str = ""
    published: str | None = None
    author: str = ""
    outlet: str = ""
    url: str = ""
    language: str = ""


@dataclass
class Original:
    """The bytes a document was read from, kept (compressed) so an analyst can show exactly
    what the source said; `media_type` as in HTTP ("text/html", "application/pdf")."""

    data: bytes
    media_type: str
    name: str  # the file name or the address it came from


@dataclass
class ExtractedDocument:
    """A document ready to store: every annotation offset refers to `text`."""

    source: Path
    title: str
    text: str
    published: str | None
    report: ImportReport
    meta: SourceMeta = field(default_factory=SourceMeta)
    #: Code-point offset where each page starts (paged sources: PDF); empty otherwise.
    page_starts: list[int] = field(default_factory=list)
    original: Original | None = None
