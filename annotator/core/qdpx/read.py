"""project.qde read into plain records: what Annotator can take, and a list of what it cannot.

Nothing here touches a project. Elements are matched by local name (a file written without the
namespace is read too); GUIDs are compared without braces, in lower case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from annotator.core.qdpx.archive import QdpxArchive, member_name
from annotator.core.qdpx.model import INTERNAL, normal_guid

#: Between the names of a nested code's ancestors in its label's name.
PATH_SEPARATOR = " / "


@dataclass(frozen=True)
class Code:
    guid: str
    name: str
    path: str  # the names from the top of the codebook, joined by PATH_SEPARATOR
    parent: str | None
    codable: bool
    color: str  # "#rrggbb" or ""
    description: str


@dataclass(frozen=True)
class Coding:
    code: str
    user: str | None
    created: str | None


@dataclass(frozen=True)
class Selection:
    guid: str
    name: str
    start: int | None  # None: not a whole number
    end: int | None
    user: str | None
    created: str | None
    modified: str | None
    modifying_user: str | None
    description: str
    codings: tuple[Coding, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class TextSource:
    guid: str
    name: str
    text: str | None  # None: missing or unreadable, `problem` says why
    problem: str
    created: str | None
    selections: tuple[Selection, ...]
    values: dict[str, str]  # variable GUID → value as written


@dataclass(frozen=True)
class Note:
    guid: str
    name: str
    text: str
    user: str | None
    created: str | None
    modified: str | None


@dataclass(frozen=True)
class Link:
    guid: str
    name: str
    origin: str | None
    target: str | None
    notes: tuple[str, ...]


@dataclass
class Project:
    users: dict[str, tuple[str, str]] = field(default_factory=dict)  # guid → (name, id)
    codes: dict[str, Code] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)  # guid → name
    sources: list[TextSource] = field(default_factory=list)
    notes: dict[str, Note] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    sets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name → code GUIDs
    #: What the file holds that Annotator does not take, one line each.
    left_out: list[str] = field(default_factory=list)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element | None, name: str) -> Iterator[etree._Element]:
    if element is None:
        return
    for child in element:
        if _local(child) == name:
            yield child


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    return next(_children(element, name), None)


def _text(element: etree._Element | None, name: str) -> str:
    found = _child(element, name)
    return (found.text or "") if found is not None else ""


def _guid(element: etree._Element, attribute: str = "guid") -> str | None:
    value = element.get(attribute)
    return normal_guid(value) if value else None


def _target(element: etree._Element, name: str) -> str | None:
    """The targetGUID of `element`'s first <name> child (lxml elements without children are
    false, so never `child or default`)."""
    found = _child(element, name)
    return None if found is None else _guid(found, "targetGUID")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _refs(element: etree._Element, name: str) -> tuple[str, ...]:
    return tuple(g for ref in _children(element, name) if (g := _guid(ref, "targetGUID")))


def _color(value: str | None) -> str:
    value = (value or "").strip()
    if len(value) == 4 and value.startswith("#"):
        value = "#" + "".join(c * 2 for c in value[1:])
    ok = len(value) == 7 and value.startswith("#")
    return value.lower() if ok and all(c in "0123456789abcdefABCDEF" for c in value[1:]) else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def read_project(root: etree._Element, archive: QdpxArchive) -> Project:
    """Everything of `root` that Annotator maps, and what it leaves out."""
    project = Project()
    for user in _children(_child(root, "Users"), "User"):
        if guid := _guid(user):
            project.users[guid] = (user.get("name") or "", user.get("id") or "")
    codes = _child(_child(root, "CodeBook"), "Codes")
    for code in _children(codes, "Code"):
        _read_code(code, None, "", project)
    for variable in _children(_child(root, "Variables"), "Variable"):
        if guid := _guid(variable):
            project.variables[guid] = variable.get("name") or ""
    for note in _children(_child(root, "Notes"), "Note"):
        if guid := _guid(note):
            text, _problem = _source_text(note, archive)
            project.notes[guid] = Note(
                guid,
                note.get("name") or "",
                text or "",
                _guid(note, "creatingUser"),
                note.get("creationDateTime"),
                note.get("modifiedDateTime"),
            )
    for link in _children(_child(root, "Links"), "Link"):
        project.links.append(
            Link(
                _guid(link) or "",
                link.get("name") or "",
                _guid(link, "originGUID"),
                _guid(link, "targetGUID"),
                _refs(link, "NoteRef"),
            )
        )
    for member in _children(_child(root, "Sets"), "Set"):
        project.sets[member.get("name") or ""] = _refs(member, "MemberCode")
    _read_sources(_child(root, "Sources"), archive, project)
    _left_out_elsewhere(root, project)
    return project


def _read_code(element: etree._Element, parent: Code | None, path: str, project: Project) -> None:
    guid = _guid(element)
    name = " ".join((element.get("name") or "").split()) or "(unnamed code)"
    full = f"{path}{PATH_SEPARATOR}{name}" if path else name
    if guid is None:
        project.left_out.append(f"Code “{full}” without a GUID (codings cannot refer to it).")
        return
    codable = (element.get("isCodable") or "true").strip().lower() in ("true", "1")
    color = _color(element.get("color")) or (parent.color if parent else "")
    description = " ".join(_text(element, "Description").split())
    code = Code(guid, name, full, parent.guid if parent else None, codable, color, description)
    project.codes[guid] = code
    if notes := _refs(element, "NoteRef"):
        project.left_out.append(f"{_plural(len(notes), 'note')} on the code “{full}”.")
    for child in _children(element, "Code"):
        _read_code(child, code, full, project)


def _source_text(element: etree._Element, archive: QdpxArchive) -> tuple[str | None, str]:
    """The plain text of a TextSource (or Note): inline, or an internal file in UTF-8."""
    inline = _child(element, "PlainTextContent")
    if inline is not None:
        return inline.text or "", ""
    path = element.get("plainTextPath") or ""
    if not path:
        return None, "it has no plain text"
    if not path.startswith(INTERNAL):
        return None, f"its text is outside the file ({path}); only internal sources are read"
    name = member_name(path[len(INTERNAL) :])
    if name is None:
        raise archive.refused(
            f"a source's path “{path}” leaves the archive's sources folder; such a path "
            "could read files elsewhere."
        )
    data = archive.internal(name)
    if data is None:
        return None, f"the file has no sources/{name}"
    try:
        # A byte-order mark is not counted: position 0 is the first character of the text.
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        return None, f"sources/{name} is not UTF-8 text as REFI-QDA requires ({exc.reason})"


def _read_sources(sources: etree._Element | None, archive: QdpxArchive, project: Project) -> None:
    if sources is None:
        return
    kinds = {"PictureSource": "picture", "PDFSource": "PDF", "AudioSource": "audio"}
    kinds["VideoSource"] = "video"
    for element in sources:
        kind = _local(element)
        name = element.get("name") or "(unnamed)"
        if kind in kinds:
            project.left_out.append(
                f"The {kinds[kind]} source “{name}” and its selections (Annotator takes "
                "plain-text sources only)."
            )
            continue
        if kind != "TextSource":
            continue
        text, problem = _source_text(element, archive)
        selections = tuple(_selection(s) for s in _children(element, "PlainTextSelection"))
        values = {}
        for value in _children(element, "VariableValue"):
            ref = _target(value, "VariableRef")
            content = next((c.text or "" for c in value if _local(c) != "VariableRef"), "")
            if ref:
                values[ref] = content.strip()
        project.sources.append(
            TextSource(
                _guid(element) or "",
                " ".join(name.split()),
                text,
                problem,
                element.get("creationDateTime"),
                selections,
                values,
            )
        )
        whole = sum(1 for _ in _children(element, "Coding"))
        if whole:
            project.left_out.append(
                f"{_plural(whole, 'coding')} of the whole document “{name}” (Annotator codes "
                "spans of text)."
            )
        if notes := _refs(element, "NoteRef"):
            project.left_out.append(f"{_plural(len(notes), 'note')} on the document “{name}”.")
        if element.get("richTextPath"):
            project.left_out.append(
                f"The formatted copy of “{name}” ({element.get('richTextPath')}); its plain "
                "text was read."
            )


def _selection(element: etree._Element) -> Selection:
    codings = tuple(
        Coding(code, _guid(c, "creatingUser"), c.get("creationDateTime"))
        for c in _children(element, "Coding")
        if (code := _target(c, "CodeRef"))
    )
    return Selection(
        _guid(element) or "",
        element.get("name") or "",
        _int(element.get("startPosition")),
        _int(element.get("endPosition")),
        _guid(element, "creatingUser"),
        element.get("creationDateTime"),
        element.get("modifiedDateTime"),
        _guid(element, "modifyingUser"),
        _text(element, "Description").strip(),
        codings,
        _refs(element, "NoteRef"),
    )


def _left_out_elsewhere(root: etree._Element, project: Project) -> None:
    cases = sum(1 for _ in _children(_child(root, "Cases"), "Case"))
    if cases:
        project.left_out.append(f"{_plural(cases, 'case')} (with their variables).")
    graphs = sum(1 for _ in _children(_child(root, "Graphs"), "Graph"))
    if graphs:
        project.left_out.append(f"{_plural(graphs, 'graph')}.")
    if notes := _refs(root, "NoteRef"):
        project.left_out.append(f"{_plural(len(notes), 'note')} on the project as a whole.")
    if _text(root, "Description").strip():
        project.left_out.append("The project's description.")
