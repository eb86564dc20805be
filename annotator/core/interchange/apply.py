"""Applying an annotation file to a project: one transaction, every annotation accounted for.

The file is applied as it is read (`import_annotation_file`), or from a `ParsedFile` read
before (`import_annotations`). Each document is placed (`placement`); each annotation is
re-anchored in the local text and checked, then stored with its own id and dates, in batches
with their history entries (`store.bulk`), or listed as an orphan with the reason. Links follow
once every annotation is in (`links`), then comments and review decisions (`threads`). An
annotation already here with the same id is replaced only by a later-modified version; a
second import of the same file therefore changes nothing. A file that turns out broken half-way
is refused as a whole: the transaction is rolled back. Before any of that, each annotation,
comment and decision is put to the guards a merge uses (`guard`): what a file may not do here
(date the future, change the importing analyst's records or whose a record is, bring back one
of theirs deleted here) is listed in the report, not applied.

Layers: an annotation (or link) the file marks as the reviewed layer's goes to this project's
reviewed layer, whatever the layer is called in either project. Analysts go by name and are
created on first use; a name that is this project's reviewed layer's cannot be a person here,
so what such an analyst made is listed, not imported.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from annotator.core.codebook import Label
from annotator.core.errors import ValidationError
from annotator.core.interchange.anchoring import Anchorer, Selector
from annotator.core.interchange.fields import later
from annotator.core.interchange.guard import check_annotation
from annotator.core.interchange.links import apply_links, drop_unfitting_links
from annotator.core.interchange.model import (
    AnnotationStream,
    ParsedAnnotation,
    ParsedComment,
    ParsedDecision,
    ParsedDocument,
    ParsedFile,
    stream_of,
)
from annotator.core.interchange.placement import Placement, check_onto, onto_refused, place
from annotator.core.interchange.reader import open_annotation_file
from annotator.core.interchange.report import (
    DocumentOutcome,
    InterchangeReport,
    Reanchored,
    Refused,
)
from annotator.core.interchange.run import ImportRun
from annotator.core.interchange.talking_points import apply_talking_points
from annotator.core.interchange.threads import apply_comments, apply_decision
from annotator.core.records import Annotation, AnnotationId, DocumentId
from annotator.core.store import Store, matching
from annotator.core.store.annotations import checked

#: Local texts kept for re-anchoring at once. Annotator JSON Lines needs one (a document's
#: annotations follow it); W3C lines may mix documents, so a few more.
TEXTS_KEPT = 4


def import_annotation_file(
    store: Store, path: Path | str, *, analyst_fallback: str, onto: DocumentId | None = None
) -> InterchangeReport:
    """Read the annotation file at `path` and apply it as it is read, in one transaction.

    Memory stays small whatever the file's length (see `import_annotations` for the rest).
    A broken file raises AnnotationFileError and leaves the project unchanged.
    """
    check_onto(store, onto)
    return _apply(store, open_annotation_file(path), analyst_fallback, onto, documents=None)


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
    check_onto(store, onto)
    if onto is not None and len(parsed.documents) > 1:
        raise onto_refused(parsed.path, len(parsed.documents))
    return _apply(store, stream_of(parsed), analyst_fallback, onto, documents=len(parsed.documents))


@dataclass
class _Target:
    """Where the annotations of one document of the file go."""

    placement: Placement
    anchorer: Anchorer | None = None  # made when needed, dropped when others are


def _apply(
    store: Store,
    stream: AnnotationStream,
    analyst_fallback: str,
    onto: DocumentId | None,
    *,
    documents: int | None,
) -> InterchangeReport:
    report = InterchangeReport(stream.path, stream.format)
    with _closing(stream), store.transaction():
        run = ImportRun(store, report, store.ensure_analyst(analyst_fallback))
        comments, decisions = _documents_and_annotations(run, stream, onto, documents)
        apply_links(run)
        apply_talking_points(run)
        apply_comments(run, comments)
        for decision, placement in decisions:
            apply_decision(run, decision, placement)
        run.report_guarded()
    return report


def _documents_and_annotations(
    run: ImportRun, stream: AnnotationStream, onto: DocumentId | None, documents: int | None
) -> tuple[list[ParsedComment], list[tuple[ParsedDecision, Placement]]]:
    """Place each document and apply its annotations as they come; return the comments and
    the review decisions (with where their documents went), applied once links are in."""
    targets: dict[str, _Target] = {}  # by the file's text hash
    annotations = _Annotations(run)
    comments: list[ParsedComment] = []
    decisions: list[tuple[ParsedDecision, Placement]] = []
    # Documents this file added: another of its documents is never matched to them by title.
    created: set[DocumentId] = set()
    for item in stream.items:
        if isinstance(item, ParsedDocument):
            annotations.apply()
            if onto is not None and targets:
                raise onto_refused(stream.path, documents)
            placement = place(
                run.store,
                stream.path,
                item,
                onto=onto,
                analyst_id=run.importer,
                not_by_title=created,
            )
            if placement.how == "created" and placement.document_id is not None:
                created.add(placement.document_id)
            run.report.documents.append(DocumentOutcome(placement.title, placement.how))
            targets[item.text_sha256] = _Target(placement)
        elif isinstance(item, ParsedComment):
            comments.append(item)
        elif isinstance(item.record, ParsedAnnotation):
            annotations.add(item.record, targets[item.text_sha256])
        else:
            decisions.append((item.record, targets[item.text_sha256].placement))
    annotations.apply()
    return comments, decisions


@contextmanager
def _closing(stream: AnnotationStream) -> Iterator[None]:
    """A stream left part-way (an error, a refusal) closes its file now, not when collected."""
    try:
        yield
    finally:
        close = getattr(stream.items, "close", None)
        if close is not None:
            close()


class _Annotations:
    """The file's annotations, applied `matching.MAX_IDS` at a time: what the project has of
    them (their ids here, their deletions) is asked for all at once."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.waiting: list[tuple[ParsedAnnotation, _Target]] = []
        self.anchored: list[_Target] = []  # those holding an Anchorer, oldest first

    def add(self, parsed: ParsedAnnotation, target: _Target) -> None:
        self.waiting.append((parsed, target))
        if len(self.waiting) >= matching.MAX_IDS:
            self.apply()

    def apply(self) -> None:
        if not self.waiting:
            return
        store = self.run.store
        ids = [parsed.id for parsed, _ in self.waiting]
        here = matching.annotations_by_id(store, ids)
        deleted = matching.last_changes(
            store, "annotation", [i for i in ids if i not in here], "delete"
        )
        for parsed, target in self.waiting:
            existing = here.get(parsed.id)
            gone = None if existing else deleted.get(parsed.id)
            allowed = check_annotation(self.run.rules, parsed, existing, gone)
            if isinstance(allowed, Refused):  # listed by the guard
                self.run.guarded(parsed, allowed.reason)
                continue
            _annotation(self.run, allowed, target.placement, self.anchorer(target), existing, gone)
        self.waiting.clear()

    def anchorer(self, target: _Target) -> Anchorer | None:
        document_id = target.placement.document_id
        if target.anchorer is None and document_id is not None:
            target.anchorer = Anchorer(self.run.store.documents.text(document_id))
            self.anchored.append(target)
            if len(self.anchored) > TEXTS_KEPT:
                self.anchored.pop(0).anchorer = None
        return target.anchorer


def _annotation(
    run: ImportRun,
    parsed: ParsedAnnotation,
    placement: Placement,
    anchorer: Anchorer | None,
    existing: Annotation | None,
    deleted: str | None,
) -> None:
    """Store one annotation of the file (or a later version of `existing`, the project's),
    or list it as an orphan. `deleted`: when the project last deleted an annotation with
    its id."""
    title = placement.title
    if existing is not None:
        # Unplaced (say, put onto a chosen document last time): it is here all the same.
        if placement.document_id not in (None, existing.document_id):
            run.orphan(parsed, title, "an annotation with its id is on another document")
            return
        if not later(parsed.modified, existing.modified):
            run.report.unchanged += 1  # the project's version is as recent or more
            run.keep(parsed)
            return
    elif deleted is not None and not later(parsed.modified, deleted):
        # Deleted here after the file's version was made: the deletion is the later edit.
        # Listed, so the analyst can restore it deliberately.
        run.orphan(parsed, title, f"it was deleted in this project on {deleted}")
        return
    if anchorer is None or placement.document_id is None:
        run.orphan(parsed, title, "no document in this project has its text or title")
        return
    label = run.labels.get(parsed.label)
    if label is None:
        run.orphan(parsed, title, f"label “{parsed.label}” is not in this project's codebook")
        return
    if parsed.label_role_known and parsed.label_role != label.role:
        run.orphan(parsed, title, _role_mismatch(label, parsed.label_role))
        return
    selector = Selector(parsed.quote, parsed.prefix, parsed.suffix, parsed.start, parsed.end)
    # One analyst's annotations of one label compete for a span; others may share it.
    # Should it be re-anchored, it is listed at this place of the report.
    listed_at = len(run.report.reanchored)
    anchor = anchorer.anchor(
        selector, key=(parsed.analyst, parsed.reviewed, label.id), token=listed_at
    )
    if anchor is None:
        run.orphan(parsed, title, "its passage is not in this document's text")
        return
    analyst_id = run.layer(parsed.analyst, reviewed=parsed.reviewed)
    if analyst_id is None:
        run.orphan(parsed, title, run.taken(parsed.analyst))
        return
    record = Annotation(
        id=AnnotationId(parsed.id),
        document_id=placement.document_id,
        analyst_id=analyst_id,
        label_id=label.id,
        start=anchor.start,
        end=anchor.end,
        quote="",  # quote and context are re-read from the local text by `checked`
        prefix="",
        suffix="",
        sentiment=parsed.sentiment,
        speaker_name=parsed.speaker_name,
        note=parsed.note,
        created=parsed.created,
        modified=parsed.modified,
    )
    try:
        record = checked(record, text=anchorer.text, codebook=run.codebook)
    except ValidationError as exc:
        run.orphan(parsed, title, str(exc))
        return
    if existing is not None and existing.label_id != record.label_id:
        drop_unfitting_links(run, record, label.role, parsed.quote)
    run.writer.put(record, before=existing)
    if existing is None:
        run.report.added += 1
    else:
        run.report.updated += 1
    if (anchor.start, anchor.end) != (parsed.start, parsed.end):
        old = None if parsed.start is None or parsed.end is None else (parsed.start, parsed.end)
        moved = Reanchored(
            title,
            record.quote,
            old,
            (anchor.start, anchor.end),
            anchor.method,
            anchor.score,
            anchor.review,
        )
        run.report.reanchored.append(moved)
    if isinstance(anchor.displaced, int):
        # An earlier annotation of the file sits where this one, a better match, belongs.
        earlier = run.report.reanchored[anchor.displaced]
        run.report.reanchored[anchor.displaced] = replace(
            earlier,
            review="a better-matching annotation of the same analyst and label is at the same "
            "place: its own passage may be gone from this text",
        )
    run.keep(parsed)


def _role_mismatch(label: Label, role: str | None) -> str:
    here = f"a {label.role} label" if label.role else "a label without role"
    there = f"a {role} label" if role else "a label without role"
    return f"label {label.name} is {here} in this project but {there} in the file"
