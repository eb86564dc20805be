"""Annotator JSON Lines: document lines before their annotations, every field and link, sorted
keys, UTF-8 as is, one record per line whatever the text holds, texts optional."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from test_export_csv import SOURCE, add_sourced
from test_export_scope import TEXT_A, TEXT_B, TEXT_C, Project, build_project
from test_store_annotations import add_document, tag

from annotator.core.export import ExportFilter, export_jsonl
from annotator.core.session import Session
from annotator.core.store import Store


@pytest.fixture
def project(fresh_store: Store) -> Project:
    return build_project(fresh_store)


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def test_each_document_line_comes_before_its_annotations(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    result = export_jsonl(project.store, path)
    got = records(path)
    kinds = [(r["type"], r.get("document_id", r["id"])) for r in got]
    docs = project.docs
    # By published date, undated last: C (2021), A (2022), B (none). C has no annotations but
    # an unfiltered export carries every document.
    assert [doc for kind, doc in kinds if kind == "document"] == [docs["C"], docs["A"], docs["B"]]
    current = None
    for kind, doc in kinds:
        if kind == "document":
            current = doc
        else:
            assert doc == current
    assert result.count == len(project.spans) and result.documents == 3


def test_document_lines_hold_metadata_text_and_its_hash(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    export_jsonl(project.store, path)
    doc = next(r for r in records(path) if r["id"] == project.docs["A"])
    stored = project.store.documents.get(project.docs["A"])
    assert doc == {
        "type": "document",
        "id": stored.id,
        "title": "Wei Fenghe in Astana",
        "source": "corpus/Wei Fenghe in Astana.txt",
        "published": "2022-04-26",
        "imported_at": stored.imported_at,
        "text_sha256": hashlib.sha256(TEXT_A.encode("utf-8")).hexdigest(),
        "text": TEXT_A,
        # What the source says about itself: nothing known for a plain text file.
        "outlet": "",
        "author": "",
        "url": "",
        "language": "",
        "page_starts": [],
    }


def test_no_text_keeps_the_document_lines_without_their_text(
    project: Project, tmp_path: Path
) -> None:
    full, bare = tmp_path / "full.jsonl", tmp_path / "bare.jsonl"
    export_jsonl(project.store, full)
    export_jsonl(project.store, bare, include_text=False)
    with_text, without = records(full), records(bare)
    assert len(with_text) == len(without)
    for a, b in zip(with_text, without, strict=True):
        assert {k: v for k, v in a.items() if k != "text"} == b
    texts = {r["text"] for r in with_text if r["type"] == "document"}
    assert texts == {TEXT_A, TEXT_B, TEXT_C}


def test_annotation_lines_hold_every_field_and_the_links(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    export_jsonl(project.store, path)
    by_id = {r["id"]: r for r in records(path)}
    claim = project.store.annotations.get(project.spans["claim"].id)
    links = sorted(
        (
            lk
            for lk in project.store.annotations.links_for_document(claim.document_id)
            if lk.source_id == claim.id
        ),
        key=lambda lk: lk.kind,
    )
    assert by_id[claim.id] == {
        "type": "annotation",
        "id": claim.id,
        "document_id": claim.document_id,
        "analyst": "Ana",
        "label": "Claim",
        "label_role": "claim",
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "prefix": claim.prefix,
        "suffix": claim.suffix,
        "sentiment": "negative",
        "speaker_name": None,
        "note": 'Core, "verbatim";\nline 2',
        "created": "2024-02-01T08:00:00.000Z",
        "modified": "2024-03-01T12:00:00.000Z",
        "links": [
            {
                "id": link.id,
                "kind": link.kind,
                "target_id": link.target_id,
                "name": None,
                "analyst": "Ana",
                "created": link.created,
            }
            for link in links
        ],
    }
    assert [lk["kind"] for lk in by_id[claim.id]["links"]] == ["about", "said_by"]
    wei = by_id[project.spans["wei"].id]
    assert (wei["speaker_name"], wei["label_role"], wei["links"]) == (
        "Minister Wei Fenghe",
        "speaker",
        [],
    )
    typed = by_id[project.spans["formula"].id]["links"]
    assert [(lk["kind"], lk["name"], lk["target_id"]) for lk in typed] == [
        ("about", None, project.spans["minus"].id),
        ("said_by", "=HYPERLINK(x)", None),
    ]
    assert by_id[project.spans["cjk"].id]["analyst"] == "李雷"


def test_lines_are_sorted_utf8_json_ending_in_lf(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    export_jsonl(project.store, path)
    data = path.read_bytes()
    assert data.endswith(b"\n") and b"\r" not in data.replace(b"\\r", b"")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "中国".encode() in data and "\\u4e2d" not in data.decode("utf-8")  # not \u-escaped
    for line in data.decode("utf-8").split("\n")[:-1]:
        keys = list(json.loads(line, object_pairs_hook=lambda pairs: [k for k, _ in pairs]))
        assert keys == sorted(keys)


def test_line_separators_in_text_cannot_split_a_record(fresh_store: Store, tmp_path: Path) -> None:
    text = "Before\u2028after\u2029and\x85next line."
    doc = add_document(fresh_store, text)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    tag(session, doc, "Claim", 0, len(text) - 1, note="a\u2028b")
    path = tmp_path / "a.jsonl"
    export_jsonl(fresh_store, path)
    content = path.read_text(encoding="utf-8")
    lines = content.splitlines()  # splits on U+2028, U+2029 and U+0085 too
    assert len(lines) == 2
    assert json.loads(lines[0])["text"] == text
    assert json.loads(lines[1])["note"] == "a\u2028b"


def test_a_filtered_export_leaves_out_documents_without_matching_annotations(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    export_jsonl(project.store, path, filter=ExportFilter(analysts=("李雷",)))
    got = records(path)
    assert [r["id"] for r in got if r["type"] == "document"] == [
        project.docs["A"],
        project.docs["B"],
    ]
    by_document = ExportFilter(documents=("Older",))
    export_jsonl(project.store, path, filter=by_document)
    assert [r["type"] for r in records(path)] == ["document"]  # named, so written, though empty


def test_document_lines_carry_what_the_source_says_and_the_page_map(
    fresh_store: Store, tmp_path: Path
) -> None:
    doc = add_sourced(fresh_store, **SOURCE)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    tag(session, doc, "Claim", 0, 8)
    path = tmp_path / "a.jsonl"
    export_jsonl(fresh_store, path)
    document = next(r for r in records(path) if r["type"] == "document")
    stored = fresh_store.documents.get(doc)
    assert {k: document[k] for k in SOURCE} == SOURCE
    assert document["page_starts"] == list(stored.page_starts) == [0, 30, 51]
    export_jsonl(fresh_store, path, include_text=False)
    bare = next(r for r in records(path) if r["type"] == "document")
    assert "text" not in bare and bare["page_starts"] == [0, 30, 51] and bare["outlet"] == "Xinhua"
