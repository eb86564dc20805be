"""Comments and the reviewed layer in every export: CSV columns (neutralised), JSON Lines comment
and review-decision records, W3C replies and reviewed-layer creators; read per document, never
per annotation. Also the reviewed project other tests share (`Reviewed`, `build_reviewed`)."""

from __future__ import annotations

import csv
import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_export_scope import TEXT_A, Project, build_project, span
from test_export_w3c import ANNOTATION_MUSTS, COLLECTION_MUSTS, PAGE_MUSTS, check

from annotator.core.attribution import DocumentAnnotations
from annotator.core.export import (
    ANNOTATION_COLUMNS,
    CLAIM_COLUMNS,
    ExportFilter,
    export,
    export_annotations_csv,
    export_claims_csv,
    export_jsonl,
    export_w3c,
)
from annotator.core.records import (
    REVIEWED_LAYER_ID,
    Annotation,
    Comment,
    DecisionId,
    DocumentId,
    ReviewDecision,
    new_id,
)
from annotator.core.review import compare_layers
from annotator.core.session import Session
from annotator.core.store import Store

#: The columns the README documents, in their order (what the source says about itself next
#: to the document's columns, the page next to the offsets; threads and reviews last).
DOCUMENTED_COLUMNS = [
    "annotation_id",
    "document_id",
    "document_title",
    "source",
    "outlet",
    "author",
    "url",
    "language",
    "analyst",
    "label",
    "start",
    "end",
    "page",
    "quote",
    "sentiment",
    "speaker",
    "target",
    "note",
    "created",
    "modified",
    "comments",
    "reviewed_by",
    "reviewed_at",
    "talking_point",
]
DOCUMENTED_CLAIM_COLUMNS = [
    "claim_id",
    "document_id",
    "document_title",
    "published",
    "outlet",
    "author",
    "url",
    "language",
    "analyst",
    "label",
    "speaker",
    "target",
    "sentiment",
    "quote",
    "note",
    "start",
    "end",
    "page",
    "created",
    "modified",
    "reviewed_by",
    "reviewed_at",
    "talking_point",
]


@dataclass
class Reviewed:
    """`build_project`'s corpus, reviewed by “@mei” (Ana's layer against Olga's on document A:
    the claim and Wei's span kept) and discussed in comment threads."""

    project: Project
    ana: Session
    olga: Session
    mei: Session
    decisions: list[ReviewDecision]
    comments: dict[str, Comment]

    @property
    def store(self) -> Store:
        return self.project.store

    def copy_of(self, key: str) -> Annotation:
        """The reviewed-layer copy of one of the project's spans."""
        original = self.project.spans[key]
        return next(
            a
            for a in self.store.annotations.for_document(original.document_id)
            if a.analyst_id == REVIEWED_LAYER_ID
            and (a.start, a.end) == (original.start, original.end)
        )


def state(store: Store, doc: DocumentId) -> DocumentAnnotations:
    return DocumentAnnotations(
        store.annotations.for_document(doc),
        store.annotations.links_for_document(doc),
        store.codebook.get(),
    )


def build_reviewed(store: Store) -> Reviewed:
    p = build_project(store)
    ana = Session(store, store.ensure_analyst("Ana"))
    olga = Session(store, store.ensure_analyst("Olga Petrova"))
    # A handle as people type them, and a formula start to a spreadsheet.
    mei = Session(store, store.ensure_analyst("@mei"))
    doc = p.docs["A"]
    current = state(store, doc)
    items = compare_layers(current, ana.analyst.id, olga.analyst.id)
    kept = [
        next(it for it in items if it.first is not None and it.first.id == p.spans[key].id)
        for key in ("claim", "wei")
    ]
    decisions, _ = mei.review(
        current,
        [(item, "first") for item in kept],
        first_layer=ana.analyst.id,
        second_layer=olga.analyst.id,
    )
    r = Reviewed(p, ana, olga, mei, decisions, {})

    def say(key: str, who: Session, on: str, body: str, minute: int) -> None:
        target = r.copy_of(on[1:]) if on.startswith("~") else p.spans[on]
        comment, _ = who.add_comment(target.id, body)
        created = f"2024-04-01T10:{minute:02}:00.000Z"  # fixed, so threads have one order
        store.conn.execute("UPDATE comments SET created = ? WHERE id = ?", [created, comment.id])
        r.comments[key] = dataclasses.replace(comment, created=created)

    say("question", olga, "claim", '=HYPERLINK("http://x") — is this\n  verbatim?', 1)
    say("answer", mei, "claim", "Yes: kept as is.", 2)
    say("handle", mei, "formula", "@Olga: check the source", 3)
    say("reviewed", ana, "~claim", "Fine by me.", 4)
    say("arabic", olga, "arabic", "قال المتحدث", 5)
    return r


@pytest.fixture
def reviewed(fresh_store: Store) -> Reviewed:
    return build_reviewed(fresh_store)


def csv_rows(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        by_id = {row.get("annotation_id") or row["claim_id"]: row for row in reader}
        return list(reader.fieldnames or []), by_id


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- CSV --------------------------------------------------------------------------------------


def test_the_columns_are_the_documented_ones_in_order(reviewed: Reviewed, tmp_path: Path) -> None:
    assert list(ANNOTATION_COLUMNS) == DOCUMENTED_COLUMNS
    assert list(CLAIM_COLUMNS) == DOCUMENTED_CLAIM_COLUMNS
    export_annotations_csv(reviewed.store, tmp_path / "a.csv")
    export_claims_csv(reviewed.store, tmp_path / "c.csv")
    assert csv_rows(tmp_path / "a.csv")[0] == list(ANNOTATION_COLUMNS)
    assert csv_rows(tmp_path / "c.csv")[0] == list(CLAIM_COLUMNS)


def test_the_thread_is_one_line_per_comment_in_order(reviewed: Reviewed, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    export_annotations_csv(reviewed.store, path, raw=True)
    rows = csv_rows(path)[1]
    s = reviewed.project.spans
    assert rows[s["claim"].id]["comments"] == (
        'Olga Petrova, 2024-04-01T10:01:00.000Z: =HYPERLINK("http://x") — is this verbatim?\n'
        "@mei, 2024-04-01T10:02:00.000Z: Yes: kept as is."
    )
    assert rows[s["arabic"].id]["comments"] == "Olga Petrova, 2024-04-01T10:05:00.000Z: قال المتحدث"
    assert rows[reviewed.copy_of("claim").id]["comments"].endswith(": Fine by me.")
    assert rows[s["wei"].id]["comments"] == ""


def test_comments_written_in_the_same_millisecond_keep_the_threads_order(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    store, wei = reviewed.store, reviewed.project.spans["wei"]
    for n in range(6):
        comment, _ = reviewed.olga.add_comment(wei.id, f"note {n}")
        store.conn.execute(
            "UPDATE comments SET created = '2024-04-02T00:00:00.000Z' WHERE id = ?", [comment.id]
        )
    path = tmp_path / "a.csv"
    export_annotations_csv(store, path, raw=True)
    cell = csv_rows(path)[1][wei.id]["comments"]
    thread = [f"Olga Petrova, {c.created}: {c.body}" for c in store.comments.thread(wei.id)]
    # By time, then in the order they were written: as the inspector lists them.
    assert cell.split("\n") == thread
    assert [line.rsplit(": ", 1)[1] for line in thread] == [f"note {n}" for n in range(6)]


def test_a_thread_starting_like_a_formula_is_neutralised(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    export_annotations_csv(reviewed.store, safe)
    export_annotations_csv(reviewed.store, raw, raw=True)
    formula = reviewed.project.spans["formula"].id
    written = "@mei, 2024-04-01T10:03:00.000Z: @Olga: check the source"
    assert csv_rows(safe)[1][formula]["comments"] == "'" + written
    assert csv_rows(raw)[1][formula]["comments"] == written
    # A formula inside a thread is not at the start of the cell: spreadsheets show it as text.
    claim = csv_rows(safe)[1][reviewed.project.spans["claim"].id]["comments"]
    assert claim.startswith("Olga Petrova, ") and '=HYPERLINK("http://x")' in claim


def test_reviewed_annotations_name_their_reviewer_and_time(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    path, raw = tmp_path / "a.csv", tmp_path / "raw.csv"
    export_annotations_csv(reviewed.store, path)
    export_annotations_csv(reviewed.store, raw, raw=True)
    rows = csv_rows(path)[1]
    by_copy = {d.results[0]: d for d in reviewed.decisions}
    for key in ("claim", "wei"):
        copy = reviewed.copy_of(key)
        row = rows[copy.id]
        assert row["analyst"] == "reviewed"
        assert (row["reviewed_by"], row["reviewed_at"]) == ("'@mei", by_copy[copy.id].decided)
        assert csv_rows(raw)[1][copy.id]["reviewed_by"] == "@mei"
        original = rows[reviewed.project.spans[key].id]  # the analyst's own span: not reviewed
        assert (original["reviewed_by"], original["reviewed_at"]) == ("", "")
    claims = tmp_path / "c.csv"
    export_claims_csv(reviewed.store, claims)
    claim_rows = csv_rows(claims)[1]
    copy = reviewed.copy_of("claim")
    assert claim_rows[copy.id]["reviewed_by"] == "'@mei"
    assert claim_rows[copy.id]["reviewed_at"] == by_copy[copy.id].decided
    assert claim_rows[reviewed.project.spans["claim"].id]["reviewed_by"] == ""


def test_the_latest_decision_names_the_reviewer(reviewed: Reviewed, tmp_path: Path) -> None:
    store = reviewed.store
    copy = reviewed.copy_of("claim")
    first = next(d for d in reviewed.decisions if d.results == (copy.id,))
    zoe = store.ensure_analyst("Zoë")

    def decided_by_zoe(decided: str) -> tuple[str, str]:
        again = dataclasses.replace(
            first, id=DecisionId(new_id()), reviewer_id=zoe.id, decided=decided
        )
        store.reviews.put(again, analyst_id=None)
        path = tmp_path / "a.csv"
        export_annotations_csv(store, path, raw=True)
        row = csv_rows(path)[1][copy.id]
        return row["reviewed_by"], row["reviewed_at"]

    assert decided_by_zoe("2000-01-01T00:00:00.000Z") == ("@mei", first.decided)  # older
    assert decided_by_zoe("2999-01-01T00:00:00.000Z") == ("Zoë", "2999-01-01T00:00:00.000Z")
    assert store.reviews.reviewer_of(copy.id) == (zoe.id, "2999-01-01T00:00:00.000Z")


def test_without_comments_or_reviews_the_new_columns_stay_empty(
    fresh_store: Store, tmp_path: Path
) -> None:
    project = build_project(fresh_store)
    path = tmp_path / "a.csv"
    export_annotations_csv(project.store, path)
    rows = csv_rows(path)[1].values()
    assert len(rows) == len(project.spans)
    assert {(r["comments"], r["reviewed_by"], r["reviewed_at"]) for r in rows} == {("", "", "")}


# -- Queries: per document, never per annotation --------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "claims", "jsonl", "w3c"])
def test_threads_and_reviewers_are_read_per_document_not_per_annotation(
    reviewed: Reviewed, tmp_path: Path, fmt: str
) -> None:
    store = reviewed.store

    def statements() -> int:
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        try:
            export(store, tmp_path / f"x.{fmt}", fmt)
        finally:
            store.conn.set_trace_callback(None)
        return len(seen)

    before = statements()
    # Twenty more commented annotations, reviewed, on the same documents.
    doc = reviewed.project.docs["A"]
    start, end = span(TEXT_A, "Monday")
    for n in range(20):
        annotation, _ = reviewed.ana.create_annotation(
            document_id=doc,
            label_id=store.codebook.get().by_name("Target").id,
            start=start,
            end=end - n % 3,
        )
        reviewed.olga.add_comment(annotation.id, f"comment {n}")
    assert statements() == before


# -- JSON Lines -------------------------------------------------------------------------------


def test_comment_lines_follow_their_annotation_in_thread_order(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    export_jsonl(reviewed.store, path)
    got = records(path)
    claim = reviewed.project.spans["claim"]
    at = next(i for i, r in enumerate(got) if r["id"] == claim.id)
    question, answer = reviewed.comments["question"], reviewed.comments["answer"]
    assert got[at + 1] == {
        "type": "comment",
        "id": question.id,
        "document_id": claim.document_id,
        "annotation_id": claim.id,
        "author": "Olga Petrova",
        "created": "2024-04-01T10:01:00.000Z",
        "modified": "2024-04-01T10:01:00.000Z",
        "body": '=HYPERLINK("http://x") — is this\n  verbatim?',  # as written: JSON keeps it
    }
    assert (got[at + 2]["id"], got[at + 2]["author"]) == (answer.id, "@mei")
    assert got[at + 3]["type"] == "annotation"
    assert sum(r["type"] == "comment" for r in got) == len(reviewed.comments)


def test_review_decisions_follow_their_documents_annotations(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    export_jsonl(reviewed.store, path)
    got = records(path)
    doc = reviewed.project.docs["A"]
    section = [r for r in got if r.get("document_id") == doc or r["id"] == doc]
    kinds = [r["type"] for r in section]
    assert kinds[0] == "document" and kinds[-2:] == ["review_decision", "review_decision"]
    assert "review_decision" not in kinds[:-2]
    decision = reviewed.decisions[0]
    source = reviewed.project.spans["claim"]
    assert section[-2:] == [
        {
            "type": "review_decision",
            "id": d.id,
            "document_id": doc,
            "reviewer": "@mei",
            "decided": d.decided,
            "decision": "first",
            "first_layer": {"analyst": "Ana"},
            "second_layer": {"analyst": "Olga Petrova"},
            "sources": [{"id": a, "modified": m} for a, m in d.sources],
            "results": list(d.results),
        }
        for d in sorted(reviewed.decisions, key=lambda d: (d.decided, d.id))
    ]
    assert decision.sources == ((source.id, "2024-03-01T12:00:00.000Z"),)


def test_the_reviewed_layer_is_marked_on_its_annotations_and_links(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    export_jsonl(reviewed.store, path)
    annotations = [r for r in records(path) if r["type"] == "annotation"]
    marked = {r["id"] for r in annotations if r.get("layer") == "reviewed"}
    assert marked == {reviewed.copy_of("claim").id, reviewed.copy_of("wei").id}
    assert all("layer" not in r for r in annotations if r["id"] not in marked)
    copy = next(r for r in annotations if r["id"] == reviewed.copy_of("claim").id)
    assert copy["analyst"] == "reviewed"
    assert copy["links"] and all(link["layer"] == "reviewed" for link in copy["links"])
    others = [link for r in annotations if r["id"] not in marked for link in r["links"]]
    assert others and all("layer" not in link for link in others)


@pytest.mark.parametrize(
    ("flt", "decisions", "comments"),
    [
        (ExportFilter(), 2, 5),
        (ExportFilter(layers=("reviewed",)), 2, 1),
        (ExportFilter(analysts=("reviewed",)), 2, 1),
        (ExportFilter(analysts=("Ana",)), 0, 2),
        (ExportFilter(analysts=("Ana",), layers=("reviewed",)), 2, 3),
        (ExportFilter(labels=("Speaker",)), 2, 0),
    ],
)
def test_filters_take_comments_with_their_annotations_and_decisions_with_the_layer(
    reviewed: Reviewed, tmp_path: Path, flt: ExportFilter, decisions: int, comments: int
) -> None:
    path = tmp_path / "a.jsonl"
    export_jsonl(reviewed.store, path, filter=flt)
    kinds = [r["type"] for r in records(path)]
    assert (kinds.count("review_decision"), kinds.count("comment")) == (decisions, comments)


# -- W3C --------------------------------------------------------------------------------------


def test_comments_are_replies_that_pass_every_must_assertion(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    path = tmp_path / "a.json"
    result = export_w3c(reviewed.store, path)
    whole = json.loads(path.read_text(encoding="utf-8"))
    check(whole, COLLECTION_MUSTS, "the collection")
    check(whole, PAGE_MUSTS, "the collection's page")
    items = whole["first"]["items"]
    for item in items:
        check(item, ANNOTATION_MUSTS, item["id"])
    replies = [i for i in items if i["motivation"] == "replying"]
    assert len(replies) == len(reviewed.comments) and whole["total"] == len(items)
    assert result.count == len(items) - len(replies)  # the summary counts annotations
    question = reviewed.comments["question"]
    claim = reviewed.project.spans["claim"]
    at = next(i for i, item in enumerate(items) if item["id"] == f"urn:uuid:{claim.id}")
    assert items[at + 1] == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:uuid:{question.id}",
        "type": "Annotation",
        "motivation": "replying",
        "created": "2024-04-01T10:01:00.000Z",
        "modified": "2024-04-01T10:01:00.000Z",
        "creator": {
            "id": "urn:annotator:analyst:Olga%20Petrova",
            "type": "Person",
            "name": "Olga Petrova",
        },
        "generator": items[at]["generator"],
        "body": [
            {
                "type": "TextualBody",
                "value": '=HYPERLINK("http://x") — is this\n  verbatim?',
                "format": "text/plain",
            }
        ],
        "target": f"urn:uuid:{claim.id}",
    }
    assert items[at + 2]["id"] == f"urn:uuid:{reviewed.comments['answer'].id}"


def test_reviewed_annotations_have_the_layer_and_the_reviewer_as_creators(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    export_w3c(reviewed.store, path, lines=True)
    items = {i["id"]: i for i in records(path)}
    copy = items[f"urn:uuid:{reviewed.copy_of('claim').id}"]
    check(copy, ANNOTATION_MUSTS, "the reviewed claim")
    assert copy["creator"] == [
        {"id": "urn:annotator:layer:reviewed", "type": "Organization", "name": "reviewed"},
        {"id": "urn:annotator:analyst:%40mei", "type": "Person", "name": "@mei"},
    ]
    original = items[f"urn:uuid:{reviewed.project.spans['claim'].id}"]
    assert original["creator"] == {
        "id": "urn:annotator:analyst:Ana",
        "type": "Person",
        "name": "Ana",
    }
    # A reviewed annotation no decision names (the decision undone elsewhere): the layer alone.
    for decision in reviewed.decisions:
        reviewed.store.reviews.remove(decision.id, analyst_id=None)
    export_w3c(reviewed.store, path, lines=True)
    alone = {i["id"]: i for i in records(path)}[copy["id"]]
    assert alone["creator"] == copy["creator"][0]
    check(alone, ANNOTATION_MUSTS, "the reviewed claim without decision")
