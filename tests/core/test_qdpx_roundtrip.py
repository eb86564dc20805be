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


def test_the_sample_project_exports_valid_and_imports_back_unchanged(
    fresh_store: Store, tmp_path: Path
) -> None:
    from annotator.core.ingest import import_paths
    from annotator.core.session import Session
    from support import SAMPLES

    outcome = import_paths(fresh_store, sorted(SAMPLES.glob("*.txt")), analyst_id=None)
    assert len(outcome.added) >= 2
    labels = {label.name: label.id for label in fresh_store.codebook.get().labels}
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    for summary, _report in outcome.added:
        text = fresh_store.documents.text(summary.id)
        words = [i for i in range(1, len(text) - 12) if text[i - 1] == " "][:30]
        for n, start in enumerate(words[::3]):
            label = ("Claim", "Speaker", "Target")[n % 3]
            ana.create_annotation(
                document_id=summary.id,
                label_id=labels[label],
                start=start,
                end=start + 10,
                sentiment="neutral" if label == "Claim" else None,
            )
    out = tmp_path / "sample.qdpx"
    export_qdpx(fresh_store, out)
    validate(out)
    with _import(tmp_path / "copy.annotator", out) as copy:
        assert content(copy) == content(fresh_store)
