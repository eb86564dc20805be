"""What a command works on: documents, layers, labels and dates, resolved by one set of rules.

Export, agreement, the command line's options and the dialogs all name their scope with a
`Selection` and resolve it with `resolve`, so `--document TITLE` means the same everywhere and
every refusal reads the same way (a `SelectionError` naming what was not found and what exists).

Documents go by id, by a unique id prefix of 8+ characters (as `annotator list` shows them) or
by exact title. A title that several documents share is refused with the candidates' ids,
outlets and dates, so that the user can give the id of the one they mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from annotator.core.codebook import Label
from annotator.core.errors import ValidationError
from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.store import Store
from annotator.core.store.export_rows import (
    AnnotationWhere,
    DocumentRow,
    documents_in_order,
    layer_ids_by_name,
)

#: What `since`/`until` test: an annotation's last change or creation, or the document's
#: publication date (undated documents are then left out).
DATE_FIELDS = ("modified", "created", "published")
#: Shortest id prefix accepted in place of a full document id (`annotator list` shows 8).
MIN_ID_PREFIX = 8


class SelectionError(ValidationError):
    """A selection names something the project does not have, or names it ambiguously."""


@dataclass(frozen=True)
class Selection:
    """Which annotations (and documents) to work on; empty fields match everything.

    `analysts` and `layers` name layers of annotations, and together select their union:
    `analysts` by name (the reviewed layer's name included), `layers` the same or "reviewed"
    for the reviewed layer whatever its name. `documents` holds ids, unique id prefixes or
    exact titles. `labels` are label names. `since`/`until` are inclusive UTC days applied to
    `date_field`.
    """

    analysts: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    date_field: str = "modified"
    layers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("analysts", "labels", "documents", "layers"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.date_field not in DATE_FIELDS:
            raise SelectionError(
                "Dates apply to modified or created (annotations) or published (documents)."
            )
        if self.since and self.until and self.since > self.until:
            raise SelectionError(f"The date range ends ({self.until}) before it starts.")

    @property
    def dates_documents(self) -> bool:
        """True if the date range picks documents (by publication) rather than annotations."""
        return self.date_field == "published" and bool(self.since or self.until)

    @property
    def narrows_annotations(self) -> bool:
        """True if some annotations of a document in scope may be left out."""
        dated = bool(self.since or self.until) and not self.dates_documents
        return bool(self.analysts or self.layers or self.labels or dated)

    def describe(self) -> str:
        """The selection in words, e.g. for a collection label; "" when it is everything."""
        parts = [
            f"{what}: {', '.join(values)}"
            for what, values in (
                ("by", self.analysts),
                ("layers", self.layers),
                ("labels", self.labels),
                ("documents", self.documents),
            )
            if values
        ]
        if self.since:
            parts.append(f"{self.date_field} since {self.since}")
        if self.until:
            parts.append(f"{self.date_field} until {self.until}")
        return "; ".join(parts)


@dataclass(frozen=True)
class Resolved:
    """A selection resolved against one project.

    `documents`: in export order (published date, undated last, title, id); `all_documents`
    when no document or publication date was chosen. `layer_ids`/`label_ids`: None for all.
    `where`: the annotations of those documents that the selection takes."""

    selection: Selection
    documents: tuple[DocumentRow, ...]
    all_documents: bool
    layer_ids: tuple[str, ...] | None
    label_ids: tuple[str, ...] | None
    where: AnnotationWhere


def resolve(store: Store, selection: Selection, *, roles: Sequence[str] = ()) -> Resolved:
    """`selection` against `store`; `roles` keeps only labels of these roles (the claims
    table's "claim"). Raises SelectionError for any name the project does not have."""
    layer_ids = None
    if selection.analysts or selection.layers:
        layer_ids = tuple(resolve_layers(store, selection.analysts, selection.layers))
    label_ids = None
    if selection.labels or roles:
        labels = resolve_labels(store, selection.labels) if selection.labels else None
        chosen = labels if labels is not None else list(store.codebook.get().labels)
        label_ids = tuple(label.id for label in chosen if not roles or label.role in roles)
    documents = documents_in_order(store.conn)
    if selection.documents:
        documents = resolve_documents(documents, selection.documents)
    if selection.dates_documents:
        documents = [d for d in documents if _published_within(d, selection)]
    dated = selection.date_field != "published"
    where = AnnotationWhere(
        layer_ids=layer_ids,
        label_ids=label_ids,
        date_field=selection.date_field if dated else "modified",
        since=selection.since if dated else None,
        until=selection.until if dated else None,
    )
    every = not selection.documents and not selection.dates_documents
    return Resolved(selection, tuple(documents), every, layer_ids, label_ids, where)


def _published_within(document: DocumentRow, selection: Selection) -> bool:
    if not document.published:
        return False
    day = document.published[:10]  # stored as YYYY-MM-DD (a time, if any, follows)
    if selection.since and day < selection.since.isoformat():
        return False
    return not (selection.until and day > selection.until.isoformat())


def resolve_documents(documents: Sequence[DocumentRow], keys: Sequence[str]) -> list[DocumentRow]:
    """The documents `keys` name (ids, unique id prefixes, exact titles), in the order of
    `documents`; an unknown key, an ambiguous title or an ambiguous prefix is refused."""
    chosen: set[str] = set()
    for key in dict.fromkeys(keys):
        hits = [d for d in documents if d.id == key]
        if not hits:
            hits = [d for d in documents if d.title == key]
            if len(hits) > 1:
                raise SelectionError(
                    f"{len(hits)} documents have the title “{key}”; give the id of the one "
                    f"you mean: {_candidates(hits)}."
                )
        if not hits and len(key) >= MIN_ID_PREFIX:
            hits = [d for d in documents if d.id.startswith(key)]
            if len(hits) > 1:
                raise SelectionError(
                    f"“{key}” starts the ids of {len(hits)} documents; give more of the id: "
                    f"{_candidates(hits)}."
                )
        if not hits:
            raise SelectionError(
                f"No document has the id or title “{key}” in this project. "
                "See `annotator list` for both."
            )
        chosen.add(hits[0].id)
    return [d for d in documents if d.id in chosen]


def _candidates(documents: Sequence[DocumentRow]) -> str:
    return "; ".join(
        f"{d.id} ({d.outlet or 'no outlet'}, {d.published or 'undated'})" for d in documents
    )


def resolve_layers(store: Store, analysts: Sequence[str], layers: Sequence[str]) -> list[str]:
    """Ids of the layers named, in the order named: analysts (and the reviewed layer) by name;
    in `layers`, "reviewed" also means the reviewed layer (a person called so is reached by
    name as an analyst)."""
    known = layer_ids_by_name(store.conn)
    by_layer = {**known, REVIEWED_LAYER_ID: REVIEWED_LAYER_ID}
    people = sorted(name for name, id_ in known.items() if id_ != REVIEWED_LAYER_ID)
    reviewed = next((n for n, id_ in known.items() if id_ == REVIEWED_LAYER_ID), None)
    choices = [*people, f"the reviewed layer “{reviewed}”"] if reviewed else people
    ids: list[str] = []
    for what, names, table in (("analyst", analysts, known), ("layer", layers, by_layer)):
        missing = [name for name in names if name not in table]
        if missing:
            raise SelectionError(unknown(what, missing, choices))
        ids += [table[name] for name in names]
    return list(dict.fromkeys(ids))


def resolve_labels(store: Store, names: Sequence[str]) -> list[Label]:
    """The codebook's labels with these names, in the order named; unknown names refused."""
    labels = list(store.codebook.get().labels)
    known = {label.name: label for label in labels}
    missing = [name for name in names if name not in known]
    if missing:
        raise SelectionError(unknown("label", missing, [label.name for label in labels]))
    return [known[name] for name in dict.fromkeys(names)]


def unknown(what: str, missing: Sequence[str], known: Sequence[str]) -> str:
    """The one way a selection says a name is not in the project, with the names that are."""
    names = ", ".join(f"“{m}”" for m in missing)
    choices = ", ".join(known) if known else "none yet"
    plural = "s" if len(missing) > 1 else ""
    return f"No {what}{plural} called {names} in this project (there are: {choices})."
