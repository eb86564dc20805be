"""An `AnalysisFilter` turned into the store's `Where`: the search query compiled by the
annotation search itself, the default label, the layer and the publication dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.analysis.results import AnalysisFilter
from annotator.core.errors import ValidationError
from annotator.core.search.annotations import ANNOTATION_FIELDS, annotation_query_sql
from annotator.core.search.index import sync_index
from annotator.core.search.query import check_fields, parse, terms
from annotator.core.search.sources import register
from annotator.core.store.analysis_rows import Where

if TYPE_CHECKING:
    from annotator.core.store import Store

_HEAD = "SELECT a.rowid FROM annotations a WHERE "
_TAIL = " ORDER BY a.rowid DESC LIMIT ?"


def compile_filter(store: Store, filt: AnalysisFilter) -> Where:
    """The store's conditions for `filt`; a `ValidationError` with a plain message for a
    query that cannot be read or a label or layer the project does not have."""
    if filt.since and filt.until and filt.since > filt.until:
        raise ValidationError(f"The date range ends ({filt.until}) before it starts.")
    condition, params, names_label = _query(store, filt.query)
    label_ids = None
    if filt.label is not None and not names_label:
        labels = store.codebook.get().labels
        found = [label.id for label in labels if label.name == filt.label]
        if not found:
            names = ", ".join(label.name for label in labels)
            raise ValidationError(f"No label “{filt.label}” in the codebook. Labels: {names}.")
        label_ids = (str(found[0]),)
    layer_ids = None if filt.layer is None else (layer_id(store, filt.layer),)
    return Where(label_ids, layer_ids, filt.since, filt.until, condition, params)


def layer_id(store: Store, layer: str) -> str:
    """The id of a layer given by id or by name (an analyst's, or the reviewed layer's)."""
    layers = store.layers()
    for candidate in layers:
        if candidate.id == layer:
            return str(candidate.id)
    for candidate in layers:
        if candidate.name.casefold() == layer.casefold():
            return str(candidate.id)
    names = ", ".join(candidate.name for candidate in layers) or "none yet"
    raise ValidationError(f"No analyst or layer “{layer}” in this project. Layers: {names}.")


def _query(store: Store, query: str) -> tuple[str, tuple[object, ...], bool]:
    """(condition on annotations `a`, its parameters, whether the query names a label)."""
    if not query.strip():
        return "", (), False
    node = parse(query)
    check_fields(node, ANNOTATION_FIELDS)
    names_label = any(t.field == "label" for t in terms(node) + terms(node, positive=False))
    sync_index(store)
    register(store.conn)
    sql, params = annotation_query_sql(store, node, 1)
    if sql.startswith(_HEAD) and sql.endswith(_TAIL):
        return sql[len(_HEAD) : -len(_TAIL)], tuple(params[:-1]), names_label
    # Should the search's statement change shape, its rowids are still exactly right.
    return f"a.rowid IN ({sql})", (*params[:-1], -1), names_label
