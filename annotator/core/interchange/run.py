"""The state of one import, shared by the steps that apply a file (annotations, links, comments,
review decisions): the report, the layers by name, what became of each annotation that was not
imported, the links still to store, and the writer that stores annotations in batches.

Kept small on purpose: counts and problems go to the report as they are found, and of the
annotations imported nothing is kept but the links they carry (applied once every annotation is
in). Whether an annotation of the file is here is asked of the project itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.interchange.guard_rules import Rules
from annotator.core.interchange.model import ParsedAnnotation, ParsedLink
from annotator.core.interchange.report import InterchangeReport, Orphan, SkippedLink
from annotator.core.records import REVIEWED_LAYER_ID, Analyst, AnalystId, AnnotationId
from annotator.core.store import Store, matching
from annotator.core.store.bulk import AnnotationWriter, LinkWriter


@dataclass(frozen=True)
class PendingLink:
    """A link of an imported claim, stored once every annotation of the file is in."""

    claim_id: str
    claim: str  # the claim's quote in the file, for messages
    link: ParsedLink


class ImportRun:
    def __init__(self, store: Store, report: InterchangeReport, importer: Analyst) -> None:
        self.store = store
        self.report = report
        self.importer = importer.id
        #: What the file may not do here (`guard`), for the analyst importing.
        self.rules = Rules(store, importer.name, strict=False)
        self.codebook = store.codebook.get()
        self.labels = {label.name: label for label in self.codebook.labels}
        self.analysts: dict[str, AnalystId] = {}
        self.reviewed_name = store.reviewed_layer().name
        self.orphaned: dict[str, tuple[str, str]] = {}  # id → (quote, reason)
        self.pending: list[PendingLink] = []
        #: Claims of the file in a talking point: (claim id, (talking point id, name)).
        self.talking_points: list[tuple[str, tuple[str, str]]] = []
        self.writer = AnnotationWriter(store, analyst_id=importer.id)
        self.link_writer = LinkWriter(store, analyst_id=importer.id)

    def is_here(self, annotation_id: str) -> bool:
        """Whether the project has this annotation (imported now or before); call after
        `writer.flush()`."""
        return self.store.annotations.find(AnnotationId(annotation_id)) is not None

    def layer(self, name: str | None, *, reviewed: bool = False) -> AnalystId | None:
        """The layer the file names: the reviewed layer, or the analyst with this name (made
        on first use; the importer if the file names none). None if the name is this
        project's reviewed layer's, which no person can carry here."""
        if reviewed:
            return AnalystId(REVIEWED_LAYER_ID)
        if name is None:
            return self.importer
        if " ".join(name.split()) == self.reviewed_name:
            return None
        if name not in self.analysts:
            self.analysts[name] = self.store.ensure_analyst(name).id
        return self.analysts[name]

    def taken(self, name: str | None, *, role: str = "analyst") -> str:
        """Why `layer(name)` found no analyst."""
        return (
            f"its {role} “{name}” has the name of this project's reviewed layer, "
            "which no person can carry here"
        )

    def deleted_at(self, entity: str, entity_id: str) -> str | None:
        """When this project last deleted the entity (None if it never did)."""
        return matching.last_change(self.store, entity, entity_id, "delete")

    def keep(self, parsed: ParsedAnnotation) -> None:
        """The annotation is in the project: its links are stored at the end."""
        if parsed.links:
            self.pending.extend(PendingLink(parsed.id, parsed.quote, k) for k in parsed.links)
        if parsed.talking_point is not None:
            self.talking_points.append((parsed.id, parsed.talking_point))

    def orphan(self, parsed: ParsedAnnotation, document: str, reason: str) -> None:
        self.report.orphans.append(Orphan(document, parsed.quote, reason, parsed.id))
        self.orphaned[parsed.id] = (parsed.quote, reason)
        for link in parsed.links:
            self.skip(parsed.quote, link, "the claim itself was not imported")

    def guarded(self, parsed: ParsedAnnotation, reason: str) -> None:
        """The guards left the annotation out (it is listed there): what refers to it is
        listed as referring to an annotation not imported, unless the project has it."""
        if not self.is_here(parsed.id):
            self.orphaned[parsed.id] = (parsed.quote, reason)

    def report_guarded(self) -> None:
        """What the guards left out and cleaned, into the report."""
        out, report = self.rules.out, self.report
        report.refused += out.refused
        report.yours += out.yours
        report.reowned += out.reowned
        report.absent += out.absent
        report.cleaned += out.cleaned

    def skip(self, claim: str, link: ParsedLink, reason: str) -> None:
        self.report.skipped_links.append(SkippedLink(link.kind, claim, reason, link.id))
