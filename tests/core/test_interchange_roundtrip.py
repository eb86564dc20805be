"""Export, import into an empty project, export again: the same bytes, format by format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_export_csv import SOURCE, add_sourced

from annotator.core.export import export
from annotator.core.ingest import import_paths
from annotator.core.interchange import import_annotations, read_annotation_file
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from support import SAMPLES


def tag(session: Session, doc: DocumentId, label: str, phrase: str, **kw: object) -> str:
    store = session.store
    start = store.documents.text(doc).index(phrase)
    annotation, _ = session.create_annotation(
        document_id=doc,
        label_id=store.codebook.get().by_name(label).id,
        start=start,
        end=start + len(phrase),
        **kw,  # type: ignore[arg-type]
    )
    return annotation.id


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Store]:
    """Every sample article (Arabic, Russian, emoji...), two analysts, links of both kinds."""
    store = Store.open(tmp_path / "original.sqlite")
    import_paths(store, [SAMPLES], analyst_id=None)
    docs = {d.title: d.id for d in store.documents.list()}
    ana = Session(store, store.ensure_analyst("Ana"))
    bea = Session(store, store.ensure_analyst("Bea Ø"))
    wei = next(doc for title, doc in docs.items() if "Wei" in title)
    claim = tag(ana, wei, "Claim", "China firmly opposes external forces", sentiment="negative")
    speaker = tag(ana, wei, "Speaker", "Wei Fenghe", speaker_name="Wei Fenghe")
    target = tag(bea, wei, "Target", "Kazakhstan", note="two lines\nof note")
    ana.set_link(source_id=claim, kind="said_by", target_id=speaker)
    ana.set_link(source_id=claim, kind="about", target_id=target)
    other = tag(bea, wei, "Claim", "Wei said his visit demonstrated", sentiment="positive")
    bea.set_link(source_id=other, kind="said_by", name="Wei Fenghe")
    bea.set_link(source_id=other, kind="about", name="China–Kazakhstan ties")
    launch = next(doc for title, doc in docs.items() if "Beacon" in title)
    tag(bea, launch, "Claim", "reaches 99.7% of the planet", sentiment="mixed")
    tag(ana, launch, "Target", "🛰️")
    yield store
    store.close()


def round_trip(
    project: Path, tmp_path: Path, fmt: str, *, with_texts: bool, **kw: bool
) -> tuple[bytes, bytes]:
    """Export `project`, import the file into an empty project, export that: both files."""
    original = Store.open(project)
    first = tmp_path / f"first.{fmt}"
    export(original, first, fmt, **kw)
    original.close()
    empty = Store.open(tmp_path / "empty.sqlite")
    if with_texts:  # W3C names texts by hash only: the project must hold them already
        import_paths(empty, [SAMPLES], analyst_id=None)
    report = import_annotations(empty, read_annotation_file(first), analyst_fallback="Importer")
    assert report.complete and report.reanchored == []
    assert report.added == 6 and report.links_added == 4
    second = tmp_path / f"second.{fmt}"
    export(empty, second, fmt, **kw)
    empty.close()
    return first.read_bytes(), second.read_bytes()


def test_jsonl_with_texts_round_trips_into_an_empty_project(project: Store, tmp_path: Path) -> None:
    first, second = round_trip(project.path, tmp_path, "jsonl", with_texts=False)
    assert second == first
    assert first.count(b'"type":"document"') == 4  # the articles without annotations too


def test_w3c_lines_round_trip_into_a_project_with_the_same_texts(
    project: Store, tmp_path: Path
) -> None:
    first, second = round_trip(project.path, tmp_path, "w3c", with_texts=True, lines=True)
    assert second == first
    assert first.count(b"\n") == 6


def test_w3c_collection_round_trips_into_a_project_with_the_same_texts(
    project: Store, tmp_path: Path
) -> None:
    first, second = round_trip(project.path, tmp_path, "w3c", with_texts=True)
    assert second == first
    assert first.count(b'"type":"Annotation"') == 6


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "w3c"])
def test_a_sourced_paged_document_round_trips_through_json_lines(tmp_path: Path, fmt: str) -> None:
    """Outlet, author, address, language and page map survive a mailed file: every format
    exported from the copy is the same as from the original."""
    original = Store.open(tmp_path / "original.sqlite")
    doc = add_sourced(original, **SOURCE)
    session = Session(original, original.ensure_analyst("Ana"))
    tag(session, doc, "Claim", "Page three")
    export(original, tmp_path / "mailed.jsonl", "jsonl")
    export(original, tmp_path / f"first.{fmt}", fmt)
    original.close()
    copy = Store.open(tmp_path / "copy.sqlite")
    report = import_annotations(
        copy, read_annotation_file(tmp_path / "mailed.jsonl"), analyst_fallback="Importer"
    )
    assert report.complete and report.added == 1
    export(copy, tmp_path / f"second.{fmt}", fmt)
    copy.close()
    first, second = ((tmp_path / f"{n}.{fmt}").read_bytes() for n in ("first", "second"))
    assert second == first
    assert b"english.news.cn" in first and (fmt == "w3c" or b"Xinhua" in first)
