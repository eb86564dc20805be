"""From the records of a project.qde to what will be stored, checked before anything is.

Codes become labels (nested codes named by their path, "Parent / Child"; the sentiment child
codes Annotator writes become sentiment values); each coding of a text selection becomes an
annotation; the positions are checked against the text and mapped through its normalisation.
Whatever does not fit is listed in the report, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.core.codebook import ROLES
from annotator.core.importing import SourceMeta
from annotator.core.limits import MAX_DOCUMENT_CHARS
from annotator.core.qdpx.model import (
    COMMENT_NAME,
    LINK_NAMES,
    LINKED_NAME,
    REVIEWED_USER_ID,
    ROLE_SET,
    SENTIMENT_SET,
    VARIABLES,
)
from annotator.core.qdpx.positions import MappedText, mapped
from annotator.core.qdpx.read import Note, Project, Selection, TextSource
from annotator.core.qdpx.report import QdpxReport, plural

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class LabelPlan:
    name: str
    role: str | None
    color: str
    description: str


@dataclass(frozen=True)
class CodingPlan:
    label: str  # GUID of the label's code
    sentiment: str | None
    user: str | None  # GUID of the user


@dataclass(frozen=True)
class SelectionPlan:
    guid: str
    name: str
    start: int  # in the stored text
    end: int
    created: str | None
    modified: str | None
    codings: tuple[CodingPlan, ...]
    note: str
    comments: tuple[Note, ...]
    where: str  # how the report names it


@dataclass(frozen=True)
class SourcePlan:
    source: TextSource
    text: MappedText
    meta: SourceMeta
    selections: tuple[SelectionPlan, ...]


@dataclass(frozen=True)
class LinkPlan:
    kind: str
    origin: str  # selection GUID
    target: str | None  # selection GUID, or None for a typed name
    name: str | None
    where: str


@dataclass
class Plan:
    users: dict[str, tuple[str, bool]]  # GUID → (name, is the reviewed layer)
    labels: dict[str, LabelPlan]  # code GUID → label
    sentiments: list[str]
    sources: list[SourcePlan]
    links: list[LinkPlan]


def plan(project: Project, report: QdpxReport) -> Plan:
    """What to store from `project`; what cannot be stored goes to `report`."""
    report.left_out.extend(project.left_out)
    sentiment_of = _sentiment_codes(project)
    labels = _labels(project, sentiment_of)
    users = {
        guid: (name or ident or f"User {guid[:8]}", ident == REVIEWED_USER_ID)
        for guid, (name, ident) in project.users.items()
    }
    used_notes: set[str] = set()
    sources = [
        planned
        for source in project.sources
        if (planned := _source(source, project, labels, sentiment_of, used_notes, report))
    ]
    links = _links(project, used_notes, report)
    _left_out_notes(project, used_notes, report)
    _left_out_variables(project, report)
    named = sum(
        1 for s in sources for sel in s.selections if sel.name and not _speaker(sel, labels)
    )
    if named:
        report.left_out.append(
            f"The names of {plural(named, 'selection')} (Annotator names speaker spans only)."
        )
    ours = {SENTIMENT_SET, *(ROLE_SET.format(role) for role in ROLES)}
    for name, members in project.sets.items():
        if name not in ours:
            report.left_out.append(f"The set “{name}” ({plural(len(members), 'code')}).")
    sentiments = list(dict.fromkeys(value for _label, value in sentiment_of.values()))
    return Plan(users, labels, sentiments, sources, links)


def _speaker(selection: SelectionPlan, labels: dict[str, LabelPlan]) -> bool:
    return any(labels[c.label].role == "speaker" for c in selection.codings)


def _sentiment_codes(project: Project) -> dict[str, tuple[str, str]]:
    """Sentiment child codes (members of the "Annotator sentiment" set): GUID → (the label's
    code GUID, the value)."""
    found: dict[str, tuple[str, str]] = {}
    for guid in project.sets.get(SENTIMENT_SET, ()):
        code = project.codes.get(guid)
        parent = project.codes.get(code.parent) if code and code.parent else None
        if code and parent:
            found[guid] = (parent.guid, code.name)
    return found


def _labels(project: Project, sentiment_of: dict[str, tuple[str, str]]) -> dict[str, LabelPlan]:
    roles = {guid: role for role in ROLES for guid in project.sets.get(ROLE_SET.format(role), ())}
    labels: dict[str, LabelPlan] = {}
    taken: set[str] = set()
    for code in project.codes.values():
        if code.guid in sentiment_of or not code.codable:
            continue
        name, n = code.path, 2
        while name.casefold() in taken:  # two codes with one path: both kept, told apart
            name, n = f"{code.path} ({n})", n + 1
        taken.add(name.casefold())
        labels[code.guid] = LabelPlan(name, roles.get(code.guid), code.color, code.description)
    return labels


def _source(
    source: TextSource,
    project: Project,
    labels: dict[str, LabelPlan],
    sentiment_of: dict[str, tuple[str, str]],
    used_notes: set[str],
    report: QdpxReport,
) -> SourcePlan | None:
    title = source.name or "Untitled"
    count = len(source.selections)
    if source.text is None or not source.text.strip() or len(source.text) > MAX_DOCUMENT_CHARS:
        why = source.problem or (
            "its text is empty"
            if source.text is not None and not source.text.strip()
            else f"its text is longer than {MAX_DOCUMENT_CHARS:,} characters"
        )
        report.not_imported.append(
            f"Document “{title}” and its {plural(count, 'selection')}: {why}."
        )
        return None
    try:
        text = mapped(source.text)
    except ValueError as exc:
        report.not_imported.append(f"Document “{title}”: {exc}.")
        return None
    report.warnings.extend(f"“{title}”: {warning}." for warning in text.warnings)
    selections = []
    for selection in source.selections:
        planned = _selection(selection, title, text, project, labels, sentiment_of, report)
        if planned is not None:
            selections.append(planned)
            used_notes.update(selection.notes)
    return SourcePlan(source, text, _meta(source, project, title), tuple(selections))


def _selection(
    selection: Selection,
    title: str,
    text: MappedText,
    project: Project,
    labels: dict[str, LabelPlan],
    sentiment_of: dict[str, tuple[str, str]],
    report: QdpxReport,
) -> SelectionPlan | None:
    where = f"Selection {selection.name or selection.guid} in “{title}”"
    start, end = selection.start, selection.end
    if start is None or end is None or not 0 <= start < end <= text.raw_length:
        report.not_imported.append(
            f"{where}: positions {selection.start}–{selection.end} do not fit the text "
            f"(0–{text.raw_length})."
        )
        return None
    first, last = text.position(start), text.position(end)
    if first >= last:
        report.not_imported.append(f"{where}: it holds only characters the import removes.")
        return None
    codings = []
    for coding in selection.codings:
        label, sentiment = sentiment_of.get(coding.code, (coding.code, None))
        if label not in labels:
            code = project.codes.get(coding.code)
            why = "a code that cannot be coded" if code else "a code the file does not define"
            report.not_imported.append(f"{where}: a coding with {why}.")
            continue
        codings.append(CodingPlan(label, sentiment, coding.user or selection.user))
    if not codings:
        if not selection.codings:
            report.not_imported.append(f"{where}: it has no code (Annotator needs a label).")
        return None
    notes = [project.notes[g] for g in selection.notes if g in project.notes]
    missing = len(selection.notes) - len(notes)
    if missing:
        report.not_imported.append(f"{where}: {plural(missing, 'note')} the file does not hold.")
    texts = [selection.description] if selection.description else []
    texts += [n.text.strip() for n in notes if n.name != COMMENT_NAME and n.text.strip()]
    comments = tuple(n for n in notes if n.name == COMMENT_NAME and n.text.strip())
    return SelectionPlan(
        selection.guid,
        selection.name,
        first,
        last,
        selection.created,
        selection.modified,
        tuple(codings),
        "\n\n".join(texts),
        comments,
        where,
    )


def _meta(source: TextSource, project: Project, title: str) -> SourceMeta:
    values = {
        project.variables.get(guid, "").casefold(): value for guid, value in source.values.items()
    }
    fields = {field: values.get(name.casefold(), "") for name, field in VARIABLES}
    published = fields["published"] if _DAY.match(fields["published"]) else None
    return SourceMeta(
        title=title,
        published=published,
        author=fields["author"],
        outlet=fields["outlet"],
        url=fields["url"],
        language=fields["language"],
    )


def _links(project: Project, used_notes: set[str], report: QdpxReport) -> list[LinkPlan]:
    links = []
    for link in project.links:
        where = f"Link {link.name or link.guid}"
        if link.name not in LINK_NAMES or link.origin is None:
            report.left_out.append(
                f"{where} (Annotator links claims to speakers and targets only)."
            )
            continue
        name = None
        if link.target is None:
            named = [project.notes[g] for g in link.notes if g in project.notes]
            names = [n.text.strip() for n in named if n.name == LINKED_NAME and n.text.strip()]
            if not names:
                report.not_imported.append(f"{where}: it links to nothing.")
                continue
            name = names[0]
            used_notes.update(link.notes)
        links.append(LinkPlan(link.name, link.origin, link.target, name, where))
    return links


def _left_out_notes(project: Project, used_notes: set[str], report: QdpxReport) -> None:
    unused = [n for guid, n in project.notes.items() if guid not in used_notes]
    if unused:
        report.left_out.append(
            f"{plural(len(unused), 'note')} not attached to an imported selection."
        )


def _left_out_variables(project: Project, report: QdpxReport) -> None:
    ours = {name.casefold() for name, _field in VARIABLES}
    counts: dict[str, int] = {}
    for source in project.sources:
        for guid in source.values:
            name = project.variables.get(guid, guid)
            if name.casefold() not in ours:
                counts[name] = counts.get(name, 0) + 1
    for name, count in counts.items():
        report.left_out.append(f"The variable “{name}” of {plural(count, 'document')}.")
