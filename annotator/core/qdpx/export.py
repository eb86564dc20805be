"""Writing a REFI-QDA project exchange file (.qdpx): project.qde and the documents' texts.

Every document in scope is a `TextSource` with its text as sources/GUID.txt (UTF-8); every
annotation a `PlainTextSelection` coded with its label's code (or, with a sentiment, the
label's sentiment child code); analysts are `Users`; notes, comments and links as described in
`annotator.core.qdpx.model`. Positions are code points, as stored. The same filters as every
export apply; the file is written atomically. Same project and filter, same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from annotator import __version__
from annotator.core.codebook import Label
from annotator.core.errors import AnnotatorError
from annotator.core.export.atomic import write_bytes_atomically
from annotator.core.export.scope import (
    EVERYTHING,
    AnnotationRow,
    DocumentRow,
    ExportCancelled,
    ExportFilter,
    ExportResult,
    Progress,
    Scope,
    read_snapshot,
)
from annotator.core.qdpx.model import (
    COMMENT_NAME,
    INTERNAL,
    LINKED_NAME,
    NOTE_NAME,
    NS,
    PROJECT_MEMBER,
    REVIEWED_USER_ID,
    ROLE_SET,
    SENTIMENT_SET,
    SOURCES_FOLDER,
    VARIABLES,
    guid_for,
    q,
)
from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.store import Store
from annotator.core.store.export_rows import layer_ids_by_name

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Fixed member times: the same project gives the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class _Project:
    """project.qde as it is built: users met on the way, notes and links collected."""

    def __init__(self, store: Store, labels: list[Label], sentiments: tuple[str, ...]) -> None:
        self.layer_ids = layer_ids_by_name(store.conn)
        self.users: dict[str, etree._Element] = {}
        self.labels = {label.name: label for label in labels}
        self.sentiments = sentiments
        self.notes = etree.Element(q("Notes"))
        self.links = etree.Element(q("Links"))
        self.texts: list[tuple[str, str]] = []  # (member name, text)

    def user(self, name: str, layer_id: str | None = None) -> str:
        """The GUID of the user for this analyst (the reviewed layer's has id "reviewed")."""
        layer_id = layer_id or self.layer_ids.get(name, name)
        guid = guid_for(layer_id) if layer_id != REVIEWED_LAYER_ID else guid_for("layer", "r")
        if guid not in self.users:
            user = etree.Element(q("User"), guid=guid, name=name)
            if layer_id == REVIEWED_LAYER_ID:
                user.set("id", REVIEWED_USER_ID)
            self.users[guid] = user
        return guid

    def note(
        self, guid: str, name: str, text: str, user: str, created: str, modified: str = ""
    ) -> str:
        """A Note (its GUID returned, for the NoteRef that points to it)."""
        note = etree.SubElement(self.notes, q("Note"), guid=guid, name=name, creatingUser=user)
        note.set("creationDateTime", created)
        if modified and modified != created:
            note.set("modifyingUser", user)
            note.set("modifiedDateTime", modified)
        etree.SubElement(note, q("PlainTextContent")).text = text
        return guid


def sentiment_guid(label: Label, value: str) -> str:
    return guid_for("sentiment", label.id, value)


def export_qdpx(
    store: Store,
    path: Path | str,
    *,
    filter: ExportFilter = EVERYTHING,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the annotations `filter` selects, with their documents, as a .qdpx."""
    path = Path(path)
    with read_snapshot(store.conn):
        scope = Scope(store, filter)
        codebook = store.codebook.get()
        wanted = scope.resolved.label_ids
        labels = [lb for lb in codebook.labels if wanted is None or lb.id in wanted]
        project = _Project(store, labels, codebook.sentiments)
        sources = etree.Element(q("Sources"))
        count = 0
        try:
            for document in scope.walk(progress):
                count += _source(scope, project, document, sources)
        except ExportCancelled:
            raise ExportCancelled(f"Export cancelled: {path} was not written.") from None
        except ValueError as exc:  # a name or note that XML cannot carry (lxml checks)
            raise AnnotatorError(f"{path} was not written: {exc}.") from exc
    root = etree.Element(q("Project"), nsmap={None: NS})
    root.set("name", store.path.stem)
    root.set("origin", f"Annotator {__version__}")
    if project.users:
        etree.SubElement(root, q("Users")).extend(project.users.values())
    root.append(_codebook(project))
    variables = _variables(scope)
    if variables is not None:
        root.append(variables)
    if len(sources):
        root.append(sources)
    for part in (project.notes, project.links):
        if len(part):
            root.append(part)
    sets = _sets(project)
    if len(sets):
        root.append(sets)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    write_bytes_atomically(path, _zipped(xml, project.texts))
    return ExportResult(path, "qdpx", count, len(scope.documents))


def _codebook(project: _Project) -> etree._Element:
    book = etree.Element(q("CodeBook"))
    codes = etree.SubElement(book, q("Codes"))
    for label in project.labels.values():
        code = etree.SubElement(
            codes, q("Code"), guid=guid_for(label.id), name=label.name, isCodable="true"
        )
        code.set("color", label.color)
        if label.description:
            etree.SubElement(code, q("Description")).text = label.description
        for value in project.sentiments:
            child = etree.SubElement(
                code, q("Code"), guid=sentiment_guid(label, value), name=value, isCodable="true"
            )
            child.set("color", label.color)
    if not len(codes):  # the schema wants at least one code: an empty codebook says so
        etree.SubElement(codes, q("Code"), guid=guid_for("no", "codes"), name="(no labels)")
        codes[0].set("isCodable", "false")
    return book


def _variables(scope: Scope) -> etree._Element | None:
    variables = etree.Element(q("Variables"))
    for name, field in VARIABLES:
        values = [getattr(d, field) for d in scope.documents if getattr(d, field)]
        if not values:
            continue
        dated = field == "published" and all(_DATE.match(v) for v in values)
        variable = etree.SubElement(variables, q("Variable"), guid=guid_for("variable", name))
        variable.set("name", name)
        variable.set("typeOfVariable", "Date" if dated else "Text")
    return variables if len(variables) else None


def _sets(project: _Project) -> etree._Element:
    sets = etree.Element(q("Sets"))
    for role in ("claim", "speaker", "target"):
        members = [lb for lb in project.labels.values() if lb.role == role]
        if members:
            member_set = etree.SubElement(
                sets, q("Set"), guid=guid_for("role", role), name=ROLE_SET.format(role)
            )
            for label in members:
                etree.SubElement(member_set, q("MemberCode"), targetGUID=guid_for(label.id))
    if project.sentiments and project.labels:
        member_set = etree.SubElement(
            sets, q("Set"), guid=guid_for("sentiment", "set"), name=SENTIMENT_SET
        )
        for label in project.labels.values():
            for value in project.sentiments:
                guid = sentiment_guid(label, value)
                etree.SubElement(member_set, q("MemberCode"), targetGUID=guid)
    return sets


def _source(scope: Scope, project: _Project, doc: DocumentRow, sources: etree._Element) -> int:
    """One document as a TextSource with its selections; returns the annotations written."""
    guid = guid_for(doc.id)
    member = f"{guid}.txt"
    project.texts.append((member, scope.text(doc.id)))
    source = etree.SubElement(sources, q("TextSource"), guid=guid, name=doc.title)
    source.set("plainTextPath", INTERNAL + member)
    source.set("creationDateTime", doc.imported_at)
    rows = scope.annotations(doc.id)
    in_scope = {row.id for row in rows}
    links = scope.links(doc.id)
    comments = scope.comments(doc.id)
    for row in rows:
        selection = _selection(project, row, source)
        for comment in comments.get(row.id, ()):
            author = project.user(comment.author)
            ref = project.note(
                guid_for(comment.id),
                COMMENT_NAME,
                comment.body,
                author,
                comment.created,
                comment.modified,
            )
            etree.SubElement(selection, q("NoteRef"), targetGUID=ref)
        for link in links.get(row.id, ()):
            if link.target_id is not None and link.target_id not in in_scope:
                continue  # its target span is not exported: nothing to point at
            element = etree.SubElement(project.links, q("Link"), guid=guid_for(link.id))
            element.set("name", link.kind)
            element.set("direction", "OneWay")
            element.set("originGUID", guid_for(row.id))
            if link.target_id is not None:
                element.set("targetGUID", guid_for(link.target_id))
            else:
                user = project.user(link.analyst, link.analyst_id)
                ref = project.note(
                    guid_for("linked", link.id), LINKED_NAME, link.name or "", user, link.created
                )
                etree.SubElement(element, q("NoteRef"), targetGUID=ref)
    for name, field in VARIABLES:
        value = getattr(doc, field)
        if value:
            _value(source, name, value, dated=bool(_DATE.match(value)) and field == "published")
    return len(rows)


def _selection(project: _Project, row: AnnotationRow, source: etree._Element) -> etree._Element:
    user = project.user(row.analyst, row.analyst_id)
    selection = etree.SubElement(source, q("PlainTextSelection"), guid=guid_for(row.id))
    if row.speaker_name:
        selection.set("name", row.speaker_name)
    for attribute, value in (
        ("startPosition", str(row.start)),
        ("endPosition", str(row.end)),
        ("creatingUser", user),
        ("creationDateTime", row.created),
        ("modifyingUser", user),
        ("modifiedDateTime", row.modified),
    ):
        selection.set(attribute, value)
    label = project.labels[row.label]
    code = sentiment_guid(label, row.sentiment) if row.sentiment else guid_for(label.id)
    coding = etree.SubElement(
        selection, q("Coding"), guid=guid_for("coding", row.id), creatingUser=user
    )
    coding.set("creationDateTime", row.created)
    etree.SubElement(coding, q("CodeRef"), targetGUID=code)
    if row.note:
        ref = project.note(guid_for("note", row.id), NOTE_NAME, row.note, user, row.created)
        etree.SubElement(selection, q("NoteRef"), targetGUID=ref)
    return selection


def _value(source: etree._Element, name: str, value: str, *, dated: bool) -> None:
    element = etree.SubElement(source, q("VariableValue"))
    etree.SubElement(element, q("VariableRef"), targetGUID=guid_for("variable", name))
    etree.SubElement(element, q("DateValue" if dated else "TextValue")).text = value


def _zipped(xml: bytes, texts: Iterable[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    members = [(PROJECT_MEMBER, xml), *((SOURCES_FOLDER + n, t.encode()) for n, t in texts)]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()
