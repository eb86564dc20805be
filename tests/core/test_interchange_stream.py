"""Annotation files applied as they are read: records one by one, rows written in batches, and
a file found broken part-way refused as a whole."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from annotator.core.errors import ValidationError
from annotator.core.interchange import (
    AnnotationFileError,
    OnDocument,
    ParsedDocument,
    import_annotation_file,
    open_annotation_file,
)
from annotator.core.records import CONTEXT_CHARS
from annotator.core.search import search_annotations, sync_index
from annotator.core.store import Store, bulk
from annotator.core.store.annotations import row_of
from annotator.core.store.documents import text_hash

WORDS = [f"word{n:03}" for n in range(60)]
TEXT = " ".join(WORDS) + "."
DOC_ID = "0b6f1a52-39f3-4b4e-9d4c-5b8f0c1e2a01"


def document(text: str = TEXT, doc_id: str = DOC_ID, **changes: Any) -> dict[str, Any]:
    record = {
        "type": "document",
        "id": doc_id,
        "title": f"Article {doc_id[:4]}",
        "source": "a.txt",
        "published": None,
        "imported_at": "2024-05-01T10:00:00.000Z",
        "text_sha256": text_hash(text),
        "text": text,
    }
    return {**record, **changes}


def annotation(n: int, *, doc_id: str = DOC_ID, **changes: Any) -> dict[str, Any]:
    """An annotation of word number `n` of TEXT."""
    start = TEXT.index(WORDS[n])
    end = start + len(WORDS[n])
    record = {
        "type": "annotation",
        "id": str(uuid.UUID(int=n + 1, version=4)),
        "document_id": doc_id,
        "analyst": "Ana",
        "label": "Target",
        "label_role": "target",
        "start": start,
        "end": end,
        "quote": TEXT[start:end],
        "prefix": TEXT[max(0, start - CONTEXT_CHARS) : start],
        "suffix": TEXT[end : end + CONTEXT_CHARS],
        "sentiment": None,
        "speaker_name": None,
        "note": f"note {n}",
        "created": "2024-05-01T10:01:00.000Z",
        "modified": "2024-05-01T10:02:00.000Z",
        "links": [],
    }
    return {**record, **changes}


def write(path: Path, *records: dict[str, Any], tail: str = "") -> Path:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_text(lines + tail, encoding="utf-8")
    return path


def snapshot(store: Store) -> dict[str, list[Any]]:
    tables = ("documents", "analysts", "annotations", "links", "history", "search_queue")
    return {t: store.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


def test_json_lines_are_read_one_record_at_a_time(tmp_path: Path) -> None:
    # Line 4 is broken: the records before it come out before it is read.
    path = write(tmp_path / "a.jsonl", document(), annotation(0), annotation(1), tail="{oops\n")
    stream = open_annotation_file(path)
    assert stream.format == "jsonl"
    first = next(stream.items)
    assert isinstance(first, ParsedDocument) and first.annotations == ()
    on = next(stream.items)
    assert isinstance(on, OnDocument) and on.record.quote == WORDS[0]
    assert on.text_sha256 == text_hash(TEXT)
    next(stream.items)
    with pytest.raises(AnnotationFileError, match="line 4"):
        next(stream.items)


def test_a_file_broken_after_thousands_of_good_lines_changes_nothing(
    fresh_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH_ROWS", 7)  # many batches are written before the break
    records = [annotation(n % 60, id=str(uuid.uuid4())) for n in range(300)]
    path = write(tmp_path / "a.jsonl", document(), *records, tail='{"type": "annot')
    before = snapshot(fresh_store)
    with pytest.raises(AnnotationFileError) as caught:
        import_annotation_file(fresh_store, path, analyst_fallback="Me")
    assert "line 302" in str(caught.value) and "cut off" in str(caught.value)
    assert snapshot(fresh_store) == before
    assert not fresh_store.conn.in_transaction


def test_rows_written_in_batches_are_those_put_writes_with_their_history(
    fresh_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH_ROWS", 3)  # 10 annotations: batches of 3, then one
    path = write(tmp_path / "a.jsonl", document(), *(annotation(n) for n in range(10)))
    report = import_annotation_file(fresh_store, path, analyst_fallback="Me")
    assert report.added == 10 and report.complete
    stored = fresh_store.annotations.for_document(DOC_ID)  # type: ignore[arg-type]
    assert [a.quote for a in stored] == WORDS[:10]
    assert all(a == fresh_store.annotations.validated(a) for a in stored)
    creates = {e.entity_id: e for e in fresh_store.history() if e.entity == "annotation"}
    me = {a.name: a.id for a in fresh_store.analysts()}["Me"]
    for a in stored:
        entry = creates[a.id]
        assert (entry.action, entry.document_id, entry.analyst_id) == ("create", DOC_ID, me)
        assert entry.after == row_of(a) and entry.before is None
    sync_index(fresh_store)
    assert [hit.quote for hit in search_annotations(fresh_store, WORDS[7])] == [WORDS[7]]

    # A later version of three of them: updated in place, history keeping both versions.
    newer = [annotation(n, note="newer", modified="2025-01-01T00:00:00.000Z") for n in (2, 5, 9)]
    report = import_annotation_file(
        fresh_store, write(tmp_path / "b.jsonl", document(), *newer), analyst_fallback="Me"
    )
    assert (report.added, report.updated) == (0, 3)
    updates = [e for e in fresh_store.history() if e.action == "update"]
    assert len(updates) == 3
    for entry in updates:
        now = fresh_store.annotations.get(entry.entity_id)  # type: ignore[arg-type]
        assert now.note == "newer" and entry.after == row_of(now)
        assert entry.before is not None and entry.before["note"] != "newer"


def test_two_links_of_one_kind_for_a_claim_in_one_file_the_later_wins(
    fresh_store: Store, tmp_path: Path
) -> None:
    def said_by(name: str, created: str) -> dict[str, Any]:
        link_id = str(uuid.uuid4())
        return {"id": link_id, "kind": "said_by", "target_id": None, "name": name,
                "analyst": "Ana", "created": created}  # fmt: skip

    claim = annotation(
        3,
        label="Claim",
        label_role="claim",
        links=[
            said_by("Earlier Speaker", "2024-05-01T10:00:00.000Z"),
            said_by("Later Speaker", "2024-05-02T10:00:00.000Z"),
        ],
    )
    path = write(tmp_path / "a.jsonl", document(), claim)
    report = import_annotation_file(fresh_store, path, analyst_fallback="Me")
    links = fresh_store.annotations.links_touching(claim["id"])
    assert [k.name for k in links] == ["Later Speaker"]
    assert report.links_added == 2  # the first, then the second replacing it
    removed = [e for e in fresh_store.history() if e.entity == "link" and e.action == "delete"]
    assert [e.before["name"] for e in removed if e.before] == ["Earlier Speaker"]


def test_onto_refuses_a_stream_about_a_second_document_and_changes_nothing(
    fresh_store: Store, tmp_path: Path
) -> None:
    import_annotation_file(
        fresh_store, write(tmp_path / "mine.jsonl", document()), analyst_fallback="Me"
    )
    before = snapshot(fresh_store)
    other_text = "Another article entirely."
    other = "7c1d3c2b-8a7f-4e6d-9c5b-4a3f2e1d0c99"
    path = write(
        tmp_path / "two.jsonl",
        document(),
        annotation(1),
        document(text=other_text, doc_id=other),
    )
    with pytest.raises(ValidationError, match="several documents"):
        import_annotation_file(fresh_store, path, analyst_fallback="Me", onto=DOC_ID)  # type: ignore[arg-type]
    assert snapshot(fresh_store) == before
