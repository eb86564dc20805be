"""Export → import into an empty project → export: nothing changes (emoji and CJK included)."""

from __future__ import annotations

from pathlib import Path

from qdpx_support import content, project_state, rich_project, validate

from annotator.core.qdpx import export_qdpx, import_qdpx
from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.store import Store


def _import(path: Path, qdpx: Path) -> Store:
    store = Store.open(path)
    report = import_qdpx(store, qdpx, analyst_id=None, fallback_analyst="Someone")
    assert report.complete, report.summary()
    return store


def test_round_trip_keeps_annotations_analysts_labels_sentiment_notes_links(
    fresh_store: Store, tmp_path: Path
) -> None:
    rich_project(fresh_store)
    first = tmp_path / "first.qdpx"
    export_qdpx(fresh_store, first)
    with _import(tmp_path / "copy.annotator", first) as copy:
        assert content(copy) == content(fresh_store)
        second = tmp_path / "second.qdpx"
        export_qdpx(copy, second)
    validate(second)
    with _import(tmp_path / "third.annotator", second) as third:
        assert content(third) == content(fresh_store)


def test_round_trip_keeps_the_reviewed_layer(fresh_store: Store, tmp_path: Path) -> None:
    doc = rich_project(fresh_store)
    ann = fresh_store.annotations.for_document(doc)[0]
    reviewed = fresh_store.annotations.new(
        document_id=doc,
        analyst_id=REVIEWED_LAYER_ID,  # type: ignore[arg-type]
        label_id=ann.label_id,
        start=ann.start,
        end=ann.end,
    )
    with fresh_store.transaction():
        fresh_store.annotations.put(reviewed, analyst_id=None)
    out = tmp_path / "r.qdpx"
    export_qdpx(fresh_store, out)
    with _import(tmp_path / "copy.annotator", out) as copy:
        layers = {a.analyst_id for a in copy.annotations.for_document(copy.documents.list()[0].id)}
        assert REVIEWED_LAYER_ID in layers
        assert content(copy) == content(fresh_store)


def test_importing_the_same_file_twice_adds_nothing(fresh_store: Store, tmp_path: Path) -> None:
    rich_project(fresh_store)
    out = tmp_path / "p.qdpx"
    export_qdpx(fresh_store, out)
    with _import(tmp_path / "copy.annotator", out) as copy:
        before = project_state(copy)
        report = import_qdpx(copy, out, analyst_id=None, fallback_analyst="Someone")
        assert project_state(copy) == before
        assert report.annotations == 0 and report.annotations_present == 4
        assert report.documents_present == 1
