"""Applying a read annotation file to a project: one transaction, every annotation accounted for.

Each annotation is re-anchored in the local text, stored with its own id and dates through
`Annotations.put` (so history records it), or listed as an orphan with the reason. Links follow
once every annotation is in, then comments and review decisions (`threads`). An annotation
already here with the same id is replaced only by a later-modified version; a second import of
the same file therefore changes nothing.

Layers: an annotation (or link) the file marks as the reviewed layer's goes to this project's
reviewed layer, whatever the layer is called in either project. Analysts go by name and are
created on first use; a name that is this project's reviewed layer's cannot be a person here,
so what such an analyst made is listed, not imported.
"""

from __future__ import annotations

import dataclasses

from annotator.core.codebook import Label
from annotator.core.errors import ValidationError
from annotator.core.interchange.anchoring import Anchor, Anchorer, Selector
from annotator.core.interchange.fields import later
from annotator.core.interchange.model import (
    ParsedAnnotation,
    ParsedDocument,
    ParsedFile,
    ParsedLink,
)
from annotator.core.interchange.placement import Placement, check_onto, place
from annotator.core.interchange.report import (
    DocumentOutcome,
    InterchangeReport,
    Orphan,
    Reanchored,
    SkippedLink,
    shorten,
)
from annotator.core.interchange.threads import apply_comments, apply_decision
from annotator.core.records import (
    REVIEWED_LAYER_ID,
    AnalystId,
    Annotation,
    AnnotationId,
    DocumentId,
    LabelId,
    LinkId,
)
from annotator.core.store import Store


def import_annotations(
    store: Store, parsed: ParsedFile, *, analyst_fallback: str, onto: DocumentId | None = None
) -> InterchangeReport:
    """Add the annotations of `parsed` to the project in one transaction; report what happened.

    `analyst_fallback` is the analyst running the import: the author of annotations and links
    whose file names none, and the one history records. `onto` puts the annotations of a
    one-document file onto that document, whatever its text (re-anchoring them). Whatever
    cannot be placed is reported, not raised; an exception (an unknown `onto`, a project that
    cannot be written) leaves the project unchanged.
    """
    report = InterchangeReport(parsed.path, parsed.format)
    check_onto(store, parsed, onto)
    with store.transaction():
        run = ImportRun(store, report, store.ensure_analyst(analyst_fallback).id)
        placed: list[tuple[ParsedDocument, Placement]] = []
        for doc in parsed.documents:
            placement = place(store, parsed, doc, onto=onto, analyst_id=run.importer)
            report.documents.append(DocumentOutcome(placement.title, placement.how))
            placed.append((doc, placement))
            anchorer = None
            if placement.document_id is not None:
                anchorer = Anchorer(store.documents.text(placement.document_id))
            for annotation in doc.annotations:
                run.annotation(annotation, placement, anchorer)
        run.links()
        apply_comments(run, parsed.comments)
        for doc, placement in placed:
            for decision in doc.decisions:
                apply_decision(run, decision, placement)
    return report


class ImportRun:
    """The state of one import: analysts by name, and what became of each annotation id."""

    def __init__(self, store: Store, report: InterchangeReport, importer: AnalystId) -> None:
        self.store = store
        self.report = report
        self.importer = importer
        self.labels = {label.name: label for label in store.codebook.get().labels}
        self.analysts: dict[str, AnalystId] = {}
        self.reviewed_name = store.reviewed_layer().name
        self.present: set[str] = set()  # ids of the file's annotations now in the project
        self.orphaned: dict[str, tuple[str, str]] = {}  # id → (quote, reason)
        self.pending: list[tuple[ParsedAnnotation, ParsedLink]] = []

    def annotation(
        self, parsed: ParsedAnnotation, placement: Placement, anchorer: Anchorer | None
    ) -> None:
        existing = self.store.annotations.find(AnnotationId(parsed.id))
        if existing is not None:
            # Unplaced (say, put onto a chosen document last time): it is here all the same.
            here = placement.document_id in (None, existing.document_id)
            if not here:
                self._orphan(parsed, placement, "an annotation with its id is on another document")
                return
            if not later(parsed.modified, existing.modified):
                self.report.unchanged += 1  # the project's version is as recent or more
                self._keep(parsed)
                return
        else:
            deleted = self.deleted_at("annotation", parsed.id)
            if deleted is not None and not later(parsed.modified, deleted):
                # Deleted here after the file's version was made: the deletion is the later
                # edit. Listed, so the analyst can restore it deliberately.
                self._orphan(parsed, placement, f"it was deleted in this project on {deleted}")
                return
        if anchorer is None or placement.document_id is None:
            self._orphan(parsed, placement, "no document in this project has its text or title")
            return
        label = self.labels.get(parsed.label)
        if label is None:
            self._orphan(
                parsed, placement, f"label “{parsed.label}” is not in this project's codebook"
            )
            return
        if parsed.label_role_known and parsed.label_role != label.role:
            self._orphan(parsed, placement, _role_mismatch(label, parsed.label_role))
            return
        selector = Selector(parsed.quote, parsed.prefix, parsed.suffix, parsed.start, parsed.end)
        anchor = anchorer.anchor(selector)
        if anchor is None:
            self._orphan(parsed, placement, "its passage is not in this document's text")
            return
        analyst_id = self.layer(parsed.analyst, reviewed=parsed.reviewed)
        if analyst_id is None:
            self._orphan(parsed, placement, self.taken(parsed.analyst))
            return
        record = self._record(parsed, placement.document_id, label.id, analyst_id, anchor)
        try:
            record = self.store.annotations.validated(record)
        except ValidationError as exc:
            self._orphan(parsed, placement, str(exc))
            return
        if existing is not None and existing.label_id != record.label_id:
            self._drop_unfitting_links(record, label.role, parsed)
        self.store.annotations.put(record, analyst_id=self.importer)
        if existing is None:
            self.report.added += 1
        else:
            self.report.updated += 1
        if (anchor.start, anchor.end) != (parsed.start, parsed.end):
            old = None if parsed.start is None or parsed.end is None else (parsed.start, parsed.end)
            moved = Reanchored(
                placement.title,
                record.quote,
                old,
                (anchor.start, anchor.end),
                anchor.method,
                anchor.score,
            )
            self.report.reanchored.append(moved)
        self._keep(parsed)

    def _drop_unfitting_links(
        self, record: Annotation, role: str | None, parsed: ParsedAnnotation
    ) -> None:
        """A newer version with another label: links its new role cannot carry are removed
        (recorded in history) and reported, as the window does when an analyst relabels."""
        for link in self.store.annotations.links_touching(record.id):
            wanted = "speaker" if link.kind == "said_by" else "target"
            fits = role == "claim" if link.source_id == record.id else role == wanted
            if not fits:
                self.store.annotations.remove_link(link.id, analyst_id=self.importer)
                self.report.skipped_links.append(
                    SkippedLink(
                        link.kind,
                        shorten(parsed.quote, 40),
                        "removed: the annotation's new label no longer allows it",
                        link.id,
                    )
                )

    def links(self) -> None:
        """Store the links of every annotation now present, skipping (and reporting) the rest."""
        store = self.store
        for parsed, link in self.pending:
            target = link.target_id
            if target is not None and target not in self.present:
                if target in self.orphaned:
                    quote = shorten(self.orphaned[target][0], 40)
                    self._skip(parsed, link, f"its span “{quote}” was not imported")
                    continue
                if store.annotations.find(AnnotationId(target)) is None:
                    self._skip(parsed, link, "it points to a span neither in the file nor here")
                    continue
            if store.conn.execute("SELECT 1 FROM links WHERE id = ?", [link.id]).fetchone():
                self.report.links_unchanged += 1
                continue
            source = AnnotationId(parsed.id)
            rivals = [
                k
                for k in store.annotations.links_touching(source)
                if k.source_id == source and k.kind == link.kind
            ]
            # The same attribution already here (W3C files carry no link ids): nothing to do.
            if any(k.target_id == target and (target or k.name == link.name) for k in rivals):
                self.report.links_unchanged += 1
                continue
            # One link of each kind per claim (as the workspace keeps it): the later one wins.
            if any(not later(link.created, k.created) for k in rivals):
                self._skip(parsed, link, f"the claim has a more recent “{link.kind}” link here")
                continue
            analyst_id = self.layer(link.analyst, reviewed=link.reviewed)
            if analyst_id is None:
                self._skip(parsed, link, self.taken(link.analyst))
                continue
            try:
                checked = store.annotations.new_link(
                    source_id=source,
                    kind=link.kind,
                    analyst_id=analyst_id,
                    target_id=None if target is None else AnnotationId(target),
                    name=link.name,
                )
            except ValidationError as exc:
                self._skip(parsed, link, str(exc))
                continue
            for rival in rivals:
                store.annotations.remove_link(rival.id, analyst_id=self.importer)
            kept = dataclasses.replace(checked, id=LinkId(link.id), created=link.created)
            store.annotations.put_link(kept, analyst_id=self.importer)
            self.report.links_added += 1

    # -- helpers ------------------------------------------------------------------------------

    def _record(
        self,
        parsed: ParsedAnnotation,
        document_id: DocumentId,
        label_id: LabelId,
        analyst_id: AnalystId,
        anchor: Anchor,
    ) -> Annotation:
        return Annotation(
            id=AnnotationId(parsed.id),
            document_id=document_id,
            analyst_id=analyst_id,
            label_id=label_id,
            start=anchor.start,
            end=anchor.end,
            quote="",  # quote and context are re-read from the local text by `validated`
            prefix="",
            suffix="",
            sentiment=parsed.sentiment,
            speaker_name=parsed.speaker_name,
            note=parsed.note,
            created=parsed.created,
            modified=parsed.modified,
        )

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
        row = self.store.conn.execute(
            "SELECT max(at) FROM history WHERE entity = ? AND entity_id = ? AND action = 'delete'",
            [entity, entity_id],
        ).fetchone()
        return None if row[0] is None else str(row[0])

    def _keep(self, parsed: ParsedAnnotation) -> None:
        self.present.add(parsed.id)
        self.pending.extend((parsed, link) for link in parsed.links)

    def _orphan(self, parsed: ParsedAnnotation, placement: Placement, reason: str) -> None:
        self.report.orphans.append(Orphan(placement.title, parsed.quote, reason, parsed.id))
        self.orphaned[parsed.id] = (parsed.quote, reason)
        for link in parsed.links:
            self._skip(parsed, link, "the claim itself was not imported")

    def _skip(self, parsed: ParsedAnnotation, link: ParsedLink, reason: str) -> None:
        self.report.skipped_links.append(SkippedLink(link.kind, parsed.quote, reason, link.id))


def _role_mismatch(label: Label, role: str | None) -> str:
    here = f"a {label.role} label" if label.role else "a label without role"
    there = f"a {role} label" if role else "a label without role"
    return f"label {label.name} is {here} in this project but {there} in the file"
