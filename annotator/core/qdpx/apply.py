"""Importing a .qdpx into a project: read and checked first, then stored in one transaction.

A refused file (hostile, malformed), a failure while storing, or Cancel stores nothing.
Documents go in as every import does (same text, same document: the import adds its new
annotations to the one already there, and an annotation already present is not added twice).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotator.core.codebook import LabelDraft
from annotator.core.errors import AnnotatorError, ValidationError
from annotator.core.importing import ExtractedDocument, ImportReport
from annotator.core.qdpx.archive import QdpxArchive
from annotator.core.qdpx.model import stored_time
from annotator.core.qdpx.plan import Plan, SelectionPlan, SourcePlan, plan
from annotator.core.qdpx.read import read_project
from annotator.core.qdpx.report import QdpxReport
from annotator.core.records import (
    REVIEWED_LAYER_ID,
    AnalystId,
    Annotation,
    AnnotationId,
    Comment,
    CommentId,
    DocumentId,
    LabelId,
    new_id,
    now_iso,
)
from annotator.core.store import Store
from annotator.core.store.codebook_repo import CodebookRepo

#: Called before each document with (index, total, its name); False cancels the import.
Progress = Callable[[int, int, str], bool]

#: What makes an annotation the same as one already there.
_Key = tuple[AnalystId, LabelId, int, int, str | None]
#: Colours for codes that have none, in turn.
_PALETTE = ("#8ecae6", "#ffb703", "#90be6d", "#f28482", "#b5838d", "#a3c4f3", "#cdb4db")


class QdpxCancelled(AnnotatorError):
    """Cancelled while storing: nothing was imported."""


def import_qdpx(
    store: Store,
    path: Path | str,
    *,
    analyst_id: AnalystId | None,
    fallback_analyst: str,
    progress: Progress | None = None,
) -> QdpxReport:
    """Import the REFI-QDA project at `path`; `fallback_analyst` owns codings without a user.

    Raises `QdpxRefused` (hostile or malformed file) or `QdpxCancelled`, storing nothing."""
    path = Path(path)
    report = QdpxReport(path)
    with QdpxArchive(path) as archive:
        planned = plan(read_project(archive.project_xml(), archive), report)
    try:
        with store.transaction():
            _Writer(store, planned, report, analyst_id, fallback_analyst).write(progress)
    except BaseException:
        # The codebook read inside the rolled-back transaction must not be remembered.
        reread_codebook(store)
        raise
    return report


def reread_codebook(store: Store) -> None:
    """Make `store` read its codebook afresh: another connection (an import in a worker
    thread) may have added labels since it last read it."""
    store.codebook = CodebookRepo(store)


class _Writer:
    def __init__(
        self,
        store: Store,
        planned: Plan,
        report: QdpxReport,
        analyst_id: AnalystId | None,
        fallback: str,
    ) -> None:
        self.store, self.plan, self.report = store, planned, report
        self.importer = analyst_id
        self.fallback = fallback
        self.analysts: dict[str | None, AnalystId] = {}
        self.label_ids: dict[str, LabelId] = {}
        #: selection GUID → the annotations made of it (one per coding)
        self.made: dict[str, list[Annotation]] = {}

    def write(self, progress: Progress | None) -> None:
        self._analysts()
        self._codebook()
        sources = self.plan.sources
        for index, source in enumerate(sources):
            if progress is not None and not progress(index, len(sources), source.source.name):
                raise QdpxCancelled("Import cancelled: nothing was imported.")
            self._source(source)
        if progress is not None and not progress(len(sources), len(sources), ""):
            raise QdpxCancelled("Import cancelled: nothing was imported.")
        self._links()

    def _analyst(self, user: str | None) -> AnalystId:
        if user not in self.analysts:
            self.analysts[user] = self.store.ensure_analyst(self.fallback).id
        return self.analysts[user]

    def _analysts(self) -> None:
        known = {a.name for a in self.store.analysts()}
        for guid, (name, reviewed) in self.plan.users.items():
            if reviewed:
                self.analysts[guid] = AnalystId(REVIEWED_LAYER_ID)
                continue
            try:
                analyst = self.store.ensure_analyst(name)
            except ValidationError:  # the reviewed layer's name: kept apart by a suffix
                analyst = self.store.ensure_analyst(f"{name} (imported)")
            self.analysts[guid] = analyst.id
            if analyst.name not in known:
                known.add(analyst.name)
                self.report.analysts_added.append(analyst.name)

    def _codebook(self) -> None:
        codebook = self.store.codebook.get()
        drafts = [LabelDraft.of(label) for label in codebook.labels]
        existing = {label.name.casefold(): label for label in codebook.labels}
        added: dict[str, str] = {}
        for guid, label in self.plan.labels.items():
            name = " ".join(label.name.split())
            found = existing.get(name.casefold())
            if found is not None:
                self.label_ids[guid] = found.id
                if label.role and found.role != label.role:
                    self.report.warnings.append(
                        f"Label “{found.name}” is already in the codebook with role "
                        f"{found.role or 'none'}; the file's role {label.role} was not applied."
                    )
                continue
            color = label.color or _PALETTE[len(added) % len(_PALETTE)]
            drafts.append(LabelDraft(None, name, label.role, "", color, label.description))
            added[name] = guid
        sentiments = list(codebook.sentiments)
        new_values = [v for v in self.plan.sentiments if v not in sentiments]
        if not added and not new_values:
            return
        saved = self.store.codebook.save(drafts, sentiments + new_values, analyst_id=self.importer)
        for name, guid in added.items():
            self.label_ids[guid] = saved.by_name(name).id
        self.report.labels_added.extend(added)
        self.report.sentiments_added.extend(new_values)

    def _source(self, source: SourcePlan) -> None:
        extracted = ExtractedDocument(
            source=self.report.path,
            title=source.meta.title,
            text=source.text.text,
            published=source.meta.published,
            report=ImportReport(
                source=f"{self.report.path.name}: {source.meta.title}",
                format="REFI-QDA text source",
                encoding="utf-8",
                encoding_detected=False,
                warnings=list(source.text.warnings),
            ),
            meta=source.meta,
        )
        summary, created = self.store.documents.add(
            extracted,
            analyst_id=self.importer,
            imported_at=stored_time(source.source.created),
            source=str(self.report.path),
        )
        if not created and self.store.documents.text(summary.id) != source.text.text:
            self.report.not_imported.append(
                f"The {len(source.selections)} selection(s) of “{source.meta.title}”: the "
                f"project's document at the same address (“{summary.title}”) has another text."
            )
            return
        if created:
            self.report.documents_added += 1
        else:
            self.report.documents_present += 1
        present: dict[_Key, Annotation] = {
            (a.analyst_id, a.label_id, a.start, a.end, a.sentiment): a
            for a in self.store.annotations.for_document(summary.id)
        }
        for selection in source.selections:
            self._selection(summary.id, selection, present)

    def _selection(
        self,
        document_id: DocumentId,
        selection: SelectionPlan,
        present: dict[_Key, Annotation],
    ) -> None:
        created = stored_time(selection.created) or now_iso()
        modified = stored_time(selection.modified) or created
        made = self.made.setdefault(selection.guid, [])
        for coding in selection.codings:
            analyst = self._analyst(coding.user)
            label_id = self.label_ids[coding.label]
            key = (analyst, label_id, selection.start, selection.end, coding.sentiment)
            if key in present:
                self.report.annotations_present += 1
                made.append(present[key])
                continue
            role = self.plan.labels[coding.label].role
            annotation = Annotation(
                id=AnnotationId(new_id()),
                document_id=document_id,
                analyst_id=analyst,
                label_id=label_id,
                start=selection.start,
                end=selection.end,
                quote="",
                prefix="",
                suffix="",
                sentiment=coding.sentiment,
                speaker_name=(selection.name or None) if role == "speaker" else None,
                note=selection.note if not made else "",
                created=created,
                modified=modified,
            )
            try:
                self.store.annotations.put(annotation, analyst_id=self.importer)
            except ValidationError as exc:
                self.report.not_imported.append(f"{selection.where}: {exc}")
                continue
            present[key] = annotation
            made.append(annotation)
            self.report.annotations += 1
            if len(made) == 1:
                self._comments(annotation, selection)

    def _comments(self, annotation: Annotation, selection: SelectionPlan) -> None:
        for note in selection.comments:
            comment = Comment(
                CommentId(new_id()),
                annotation.id,
                self._analyst(note.user),
                stored_time(note.created) or annotation.created,
                note.text,
            )
            try:
                self.store.comments.put(comment, analyst_id=self.importer)
            except ValidationError as exc:
                self.report.not_imported.append(f"A comment on {selection.where}: {exc}")
                continue
            self.report.comments += 1

    def _links(self) -> None:
        roles = {label.id: label.role for label in self.store.codebook.get().labels}
        for link in self.plan.links:
            wanted = "speaker" if link.kind == "said_by" else "target"
            claims = [a for a in self.made.get(link.origin, []) if roles.get(a.label_id) == "claim"]
            targets = [
                a for a in self.made.get(link.target or "", []) if roles.get(a.label_id) == wanted
            ]
            if not claims or (link.target is not None and not targets):
                self.report.not_imported.append(
                    f"{link.where}: it does not join a claim to a {wanted} span of the file."
                )
                continue
            claim = claims[0]
            target = targets[0].id if targets else None
            existing = self.store.annotations.links_touching(claim.id)
            if any(
                k.source_id == claim.id
                and k.kind == link.kind
                and k.target_id == target
                and k.name == link.name
                for k in existing
            ):
                continue
            try:
                made = self.store.annotations.new_link(
                    source_id=claim.id,
                    kind=link.kind,
                    analyst_id=claim.analyst_id,
                    target_id=target,
                    name=link.name,
                )
                self.store.annotations.put_link(made, analyst_id=self.importer)
            except ValidationError as exc:
                self.report.not_imported.append(f"{link.where}: {exc}")
                continue
            self.report.links += 1
