"""Talking points travel: the CSV column, JSONL and W3C (a linking body) read back by
import-annotations, and a colleague's talking points merged in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.export import export_jsonl, export_w3c
from annotator.core.importing.report import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.interchange import import_annotation_file
from annotator.core.merge.project import merge_project
from annotator.core.records import AnnotationId, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store import talking_points as tp

TEXTS = (
    "The ministry firmly opposes external forces instigating a color revolution in the region.",
    "Officials said they oppose outside forces instigating a colour revolution in the region.",
)


def build(path: Path, *, group: bool = True) -> tuple[Store, list[AnnotationId]]:
    store = Store.open(path)
    session = Session(store, store.ensure_analyst("Ben"))
    claim = next(lb.id for lb in store.codebook.get().labels if lb.role == "claim")
    made = []
    for i, text in enumerate(TEXTS):
        extracted = ExtractedDocument(
            source=Path(f"{i}.txt"),
            title=f"Article {i}",
            text=text,
            published=f"2022-0{i + 4}-01",
            report=ImportReport(f"{i}.txt", "text", "utf-8", False),
            meta=SourceMeta(outlet=f"Outlet {i}"),
        )
        doc: DocumentId = store.documents.add(extracted, analyst_id=None)[0].id
        start = text.index("oppose")
        end = text.index(" in the region")
        made.append(
            session.create_annotation(document_id=doc, label_id=claim, start=start, end=end)[0].id
        )
    if group:
        session.group_claims(made, name="Color revolution")
    return store, made


@pytest.mark.parametrize("fmt", ["jsonl", "w3c"])
def test_a_file_carries_talking_points_and_import_puts_claims_back_in_them(
    tmp_path: Path, fmt: str
) -> None:
    source, made = build(tmp_path / "ben.sqlite")
    point = tp.all_points(source.conn)[0]
    out = tmp_path / f"out.{fmt}"
    (export_jsonl if fmt == "jsonl" else export_w3c)(source, out)
    written = out.read_text(encoding="utf-8")
    if fmt == "jsonl":
        lines = [json.loads(line) for line in written.splitlines()]
        claims = [r for r in lines if r["type"] == "annotation"]
        assert [c["talking_point"] for c in claims] == [
            {"id": point.id, "name": "Color revolution"}
        ] * 2
    else:
        bodies = [b for item in json.loads(written)["first"]["items"] for b in item["body"]]
        linking = [b for b in bodies if b["value"].startswith("talking_point:")]
        assert (
            linking
            == [
                {
                    "type": "TextualBody",
                    "purpose": "linking",
                    "value": "talking_point:Color revolution",
                    "format": "text/plain",
                    "via": f"urn:uuid:{point.id}",
                }
            ]
            * 2
        )
    source.close()

    # JSONL carries the texts (an empty project takes it); W3C names them by hash, so it goes
    # into a project holding the same articles, its claims not grouped.
    target = (
        Store.open(tmp_path / "empty.sqlite")
        if fmt == "jsonl"
        else build(tmp_path / "same.sqlite", group=False)[0]
    )
    with target:
        assert tp.all_points(target.conn) == []
        import_annotation_file(target, out, analyst_fallback="Ana")
        assert tp.all_points(target.conn)[0].id == point.id
        assert set(tp.names_of(target.conn)) == set(made)
        entries = [e.entity for e in target.history()]
        assert entries.count("talking_point_claim") == 2 and "talking_point" in entries
        import_annotation_file(target, out, analyst_fallback="Ana")  # again: nothing new
        assert len(tp.members(target.conn, point.id)) == 2
        assert len([e for e in target.history() if e.entity == "talking_point_claim"]) == 2


def test_an_imported_talking_point_joins_the_one_of_the_same_name_and_a_grouping_here_stays(
    tmp_path: Path,
) -> None:
    source, made = build(tmp_path / "ben.sqlite")
    export_jsonl(source, tmp_path / "ben.jsonl")
    source.close()
    target, own = build(tmp_path / "ana.sqlite", group=False)  # the same articles
    session = Session(target, target.ensure_analyst("Ana"))
    here, _ = session.group_claims([own[0]], name="COLOR REVOLUTION")  # same name, other id
    import_annotation_file(target, tmp_path / "ben.jsonl", analyst_fallback="Ana")
    assert [p.id for p in tp.all_points(target.conn)] == [here.id]
    assert {m.annotation_id for m in tp.members(target.conn, here.id)} == {own[0], *made}

    session.group_claims([made[0]], name="My own point")  # the analyst regroups one
    import_annotation_file(target, tmp_path / "ben.jsonl", analyst_fallback="Ana")
    assert tp.names_of(target.conn)[made[0]] == "My own point"  # the project's grouping stays
    target.close()


def test_merge_brings_a_colleagues_talking_points(tmp_path: Path) -> None:
    theirs, made = build(tmp_path / "ben.sqlite")
    theirs.close()
    with Store.open(tmp_path / "ana.sqlite") as ours:
        merge_project(ours, tmp_path / "ben.sqlite", analyst="Ana")
        [point] = tp.all_points(ours.conn)
        assert point.name == "Color revolution"
        assert {m.annotation_id for m in tp.members(ours.conn, point.id)} == set(made)
        merge_project(ours, tmp_path / "ben.sqlite", analyst="Ana")  # twice: nothing doubles
        assert len(tp.members(ours.conn, point.id)) == 2
