"""Comments, review decisions and the reviewed layer through the interchange path: read and
checked line by line, merged by id, byte-identical round trips, orphans listed and never
bringing an annotation back, W3C replies attached to their annotation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_export_comments import Reviewed, build_reviewed
from test_export_scope import TEXT_A, TEXT_B, TEXT_C, add

from annotator.core.export import export
from annotator.core.interchange import (
    AnnotationFileError,
    InterchangeReport,
    import_annotations,
    read_annotation_file,
)
from annotator.core.records import REVIEWED_LAYER_ID, AnnotationId, CommentId, new_id
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store.comments import MAX_COMMENT_CHARS


@pytest.fixture
def reviewed(tmp_path: Path) -> Iterator[Reviewed]:
    store = Store.open(tmp_path / "theirs.sqlite")
    yield build_reviewed(store)
    store.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "ours.sqlite")
    yield store
    store.close()


def with_texts(store: Store) -> Store:
    """The project holding `build_project`'s articles (W3C files carry no text)."""
    add(store, TEXT_A, "Wei Fenghe in Astana", "2022-04-26")
    add(store, TEXT_B, "王毅谈哈萨克斯坦", None)
    add(store, TEXT_C, "Older", "2021-01-01")
    return store


def exported(store: Store, path: Path, fmt: str = "jsonl", **kw: Any) -> Path:
    export(store, path, fmt, **kw)
    return path


def run(store: Store, path: Path) -> InterchangeReport:
    return import_annotations(store, read_annotation_file(path), analyst_fallback="Importer")


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def rows(store: Store, table: str) -> list[tuple[Any, ...]]:
    return store.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def thread(store: Store, annotation_id: str) -> list[str]:
    return [c.body for c in store.comments.thread(AnnotationId(annotation_id))]


# -- JSON Lines round trip and merging by id ------------------------------------------------


def test_jsonl_round_trip_with_comments_decisions_and_the_reviewed_layer_is_byte_identical(
    reviewed: Reviewed, empty: Store, tmp_path: Path
) -> None:
    first = exported(reviewed.store, tmp_path / "first.jsonl")
    report = run(empty, first)
    assert report.complete, report.summary()
    assert (report.comments_added, report.decisions_added) == (5, 2)
    assert "Comments: 5 added, 0 updated, 0 unchanged; review decisions: 2 added" in (
        report.summary()
    )
    second = exported(empty, tmp_path / "second.jsonl")
    assert second.read_bytes() == first.read_bytes()
    kinds = [r["type"] for r in lines(first)]
    assert kinds.count("comment") == 5 and kinds.count("review_decision") == 2
    # The reviewed copies are in our reviewed layer, and name their reviewer.
    copy = reviewed.copy_of("claim")
    here = empty.annotations.get(copy.id)
    assert here.analyst_id == REVIEWED_LAYER_ID
    mei = next(a for a in empty.analysts() if a.name == "@mei")  # made by name
    assert empty.reviews.reviewer_of(copy.id) == (mei.id, reviewed.decisions[0].decided)
    links = [
        k for k in empty.annotations.links_for_document(here.document_id) if k.source_id == copy.id
    ]
    assert links and {k.analyst_id for k in links} == {REVIEWED_LAYER_ID}


def test_importing_the_same_file_twice_adds_nothing(
    reviewed: Reviewed, empty: Store, tmp_path: Path
) -> None:
    path = exported(reviewed.store, tmp_path / "a.jsonl")
    run(empty, path)
    tables = ("annotations", "links", "comments", "review_decisions", "analysts")
    before = {t: rows(empty, t) for t in tables}
    again = run(empty, path)
    assert (again.added, again.comments_added, again.decisions_added) == (0, 0, 0)
    assert (again.comments_updated, again.decisions_updated) == (0, 0)
    assert (again.comments_unchanged, again.decisions_unchanged) == (5, 2)
    assert {t: rows(empty, t) for t in tables} == before


def test_a_later_version_of_a_comment_wins_an_older_one_does_not(
    reviewed: Reviewed, empty: Store, tmp_path: Path
) -> None:
    path = exported(reviewed.store, tmp_path / "a.jsonl")
    run(empty, path)
    records = lines(path)
    question = next(r for r in records if r["id"] == reviewed.comments["question"].id)
    claim = question["annotation_id"]
    question.update(body="Older wording", modified="2024-04-01T09:00:00.000Z")
    assert run(empty, write(tmp_path / "older.jsonl", records)).comments_updated == 0
    assert thread(empty, claim)[0].startswith("=HYPERLINK")
    question.update(body="Edited later", modified="2024-04-02T09:00:00.000Z")
    report = run(empty, write(tmp_path / "later.jsonl", records))
    assert (report.comments_updated, report.comments_unchanged) == (1, 4)
    assert thread(empty, claim) == ["Edited later", "Yes: kept as is."]
    edits = [e for e in empty.history(entity_id=question["id"]) if e.action == "update"]
    assert [e.before["body"] for e in edits if e.before] == [
        '=HYPERLINK("http://x") — is this\n  verbatim?'  # the replaced version stays in history
    ]


def test_a_comment_whose_annotation_is_nowhere_is_listed_and_the_rest_imported(
    reviewed: Reviewed, empty: Store, tmp_path: Path
) -> None:
    records = lines(exported(reviewed.store, tmp_path / "a.jsonl"))
    arabic = reviewed.project.spans["arabic"].id
    records = [r for r in records if r["id"] != arabic]  # its comment stays in the file
    report = run(empty, write(tmp_path / "b.jsonl", records))
    assert report.comments_added == 4 and not report.complete
    (orphan,) = report.orphan_comments
    assert (orphan.comment_id, orphan.author, orphan.body) == (
        reviewed.comments["arabic"].id,
        "Olga Petrova",
        "قال المتحدث",
    )
    assert orphan.reason == "its annotation is neither in the file nor in this project"
    assert "Comments not imported (1):" in report.summary()
    assert empty.comments.find(CommentId(orphan.comment_id)) is None


def test_a_comment_on_an_annotation_deleted_here_later_does_not_bring_it_back(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    store = reviewed.store
    path = exported(store, tmp_path / "a.jsonl")
    claim = reviewed.project.spans["claim"].id
    reviewed.ana.delete_annotation(claim)  # its thread goes with it
    report = run(store, path)
    assert store.annotations.find(claim) is None and thread(store, claim) == []
    reasons = {o.comment_id: o.reason for o in report.orphan_comments}
    for key in ("question", "answer"):
        assert reasons[reviewed.comments[key].id].startswith(
            "its annotation was not imported (it was deleted in this project on "
        )
    # Without the annotation in the file, the comment still says why.
    only_comments = [r for r in lines(path) if r["id"] != claim]
    again = run(store, write(tmp_path / "b.jsonl", only_comments))
    assert store.annotations.find(claim) is None
    assert again.orphan_comments and all(
        o.reason.startswith("its annotation was deleted in this project on ")
        for o in again.orphan_comments
    )


def test_a_comment_deleted_here_later_is_listed_not_brought_back(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    store = reviewed.store
    path = exported(store, tmp_path / "a.jsonl")
    handle = reviewed.comments["handle"]
    reviewed.mei.delete_comment(handle.id)
    report = run(store, path)
    assert store.comments.find(handle.id) is None
    (orphan,) = report.orphan_comments
    assert orphan.comment_id == handle.id and "deleted in this project on" in orphan.reason
    assert report.comments_unchanged == 4


def test_authors_and_reviewers_are_made_by_name_and_unknown_ids_kept(
    reviewed: Reviewed, empty: Store, tmp_path: Path
) -> None:
    records = lines(exported(reviewed.store, tmp_path / "a.jsonl"))
    decision = next(r for r in records if r["type"] == "review_decision")
    ghost = new_id()  # an annotation neither side has: kept as an id, matching nothing
    decision["results"].append(ghost)
    decision["sources"].append({"id": ghost, "modified": ""})
    decision["reviewer"] = "Zoë Ng"
    for record in records:
        if record["type"] == "comment" and record["author"] == "Olga Petrova":
            record["author"] = "Olga P."
    report = run(empty, write(tmp_path / "b.jsonl", records))
    assert report.complete, report.summary()
    names = {a.name: a.id for a in empty.analysts()}
    assert {"Zoë Ng", "Olga P.", "@mei"} <= set(names)
    stored = empty.reviews.find(decision["id"])  # type: ignore[arg-type]
    assert stored is not None and stored.reviewer_id == names["Zoë Ng"]
    assert stored.results[-1] == ghost and (ghost, "") in stored.sources
    assert (stored.first_layer, stored.second_layer) == (names["Ana"], names["Olga Petrova"])
    question = empty.comments.get(reviewed.comments["question"].id)
    assert question.author_id == names["Olga P."]


def test_a_person_named_like_our_reviewed_layer_is_listed_not_merged_into_it(
    reviewed: Reviewed, empty: Store, tmp_path: Path
) -> None:
    records = lines(exported(reviewed.store, tmp_path / "a.jsonl"))
    wei = next(r for r in records if r["id"] == reviewed.project.spans["wei"].id)
    wei["analyst"] = "reviewed"  # a person of theirs, no "layer" marker
    answer = next(r for r in records if r["id"] == reviewed.comments["answer"].id)
    answer["author"] = "reviewed"
    report = run(empty, write(tmp_path / "b.jsonl", records))
    assert empty.annotations.find(wei["id"]) is None
    (orphan,) = [o for o in report.orphans if o.annotation_id == wei["id"]]
    assert "has the name of this project's reviewed layer" in orphan.reason
    (comment,) = report.orphan_comments
    assert comment.comment_id == answer["id"] and comment.reason.startswith("its author")
    assert [a.name for a in empty.layers()].count("reviewed") == 1


def test_a_review_decision_replaced_here_is_not_brought_back(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    store = reviewed.store
    path = exported(store, tmp_path / "a.jsonl")
    old = reviewed.decisions[0]
    store.reviews.remove(old.id, analyst_id=None)
    report = run(store, path)
    assert store.reviews.find(old.id) is None
    (orphan,) = report.orphan_decisions
    assert orphan.decision_id == old.id and "decided again or undone" in orphan.reason
    assert "Review decisions not imported (1):" in report.summary()


# -- Reading: every value checked, refused by line ------------------------------------------


def _section(reviewed: Reviewed, tmp_path: Path) -> list[dict[str, Any]]:
    """Document A's lines: its document, annotations, comments and decisions."""
    doc = reviewed.project.docs["A"]
    every = lines(exported(reviewed.store, tmp_path / "a.jsonl"))
    return [r for r in every if doc in (r["id"], r.get("document_id"))]


BAD_COMMENTS = [
    ({"id": "c-1"}, "“id” must be a UUID"),
    ({"annotation_id": None}, "“annotation_id” must be a string; it is null"),
    ({"body": " \n "}, "“body” is empty"),
    ({"body": "x" * (MAX_COMMENT_CHARS + 1)}, f"“body” is {MAX_COMMENT_CHARS + 1:,} characters"),
    ({"body": 5}, "“body” must be a string; it is a number"),
    ({"author": "Ana\nB"}, "“author” contains control characters"),
    ({"created": "today"}, "“created” is not an ISO 8601 date"),
    ({"document_id": "0b6f1a52-39f3-4b4e-9d4c-5b8f0c1e2a02"}, "not the id of the document"),
]
BAD_DECISIONS = [
    ({"decision": "maybe"}, "“decision” must be one of first, second, both"),
    ({"reviewer": ""}, "“reviewer” is empty"),
    ({"decided": None}, "“decided” must be a string; it is null"),
    ({"first_layer": "Ana"}, "first_layer: expected a JSON object, found a string"),
    ({"first_layer": {"analyst": "Ana", "layer": "final"}}, "“layer” must be one of reviewed"),
    ({"second_layer": {}}, "second_layer: “analyst” must be a string; it is missing"),
    ({"results": "abc"}, "“results” must be a list"),
    ({"results": [7]}, "“results” must list ids (strings)"),
    ({"results": ["x"]}, "“results” must be a UUID"),
    ({"sources": [{"id": "x", "modified": ""}]}, "source 1: “id” must be a UUID"),
    ({"sources": [{"id": new_id(), "modified": "later"}]}, "“modified” is not an ISO 8601"),
]


@pytest.mark.parametrize(("change", "problem"), BAD_COMMENTS + BAD_DECISIONS)
def test_malformed_comments_and_decisions_are_refused_naming_the_line(
    reviewed: Reviewed, tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    records = _section(reviewed, tmp_path)
    kind = "comment" if (change, problem) in BAD_COMMENTS else "review_decision"
    number = next(i for i, r in enumerate(records, start=1) if r["type"] == kind)
    records[number - 1].update(change)
    with pytest.raises(AnnotationFileError) as caught:
        read_annotation_file(write(tmp_path / "bad.jsonl", records))
    message = str(caught.value)
    assert f"line {number}" in message and problem in message, message
    assert "Nothing was imported" in message


def test_a_reviewed_layer_marker_other_than_reviewed_is_refused(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    records = _section(reviewed, tmp_path)
    number, copy = next(
        (i, r) for i, r in enumerate(records, start=1) if r.get("layer") == "reviewed"
    )
    copy["layer"] = "final"
    with pytest.raises(AnnotationFileError, match=f"line {number}: “layer” must be one of"):
        read_annotation_file(write(tmp_path / "bad.jsonl", records))


def test_comments_and_decisions_belong_after_a_document_line_and_ids_are_unique(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    records = _section(reviewed, tmp_path)
    comment = next(r for r in records if r["type"] == "comment")
    decision = next(r for r in records if r["type"] == "review_decision")
    for first, said in ((comment, "A comment comes"), (decision, "A review decision comes")):
        path = write(tmp_path / "early.jsonl", [first, *records])
        with pytest.raises(AnnotationFileError, match=f"line 1: {said} before any “document”"):
            read_annotation_file(path)
    twice = write(tmp_path / "twice.jsonl", [*records, comment])
    with pytest.raises(AnnotationFileError, match="same comment id appears twice"):
        read_annotation_file(twice)


# -- W3C replies --------------------------------------------------------------------------


def test_w3c_round_trip_keeps_comments_and_the_reviewed_layer(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    first = exported(reviewed.store, tmp_path / "first.json", "w3c")
    ours = with_texts(Store.open(tmp_path / "texts.sqlite"))
    report = run(ours, first)
    assert report.complete, report.summary()
    assert report.comments_added == 5 and report.added == len(reviewed.project.spans) + 2
    copy = reviewed.copy_of("claim")
    assert ours.annotations.get(copy.id).analyst_id == REVIEWED_LAYER_ID
    assert thread(ours, copy.id) == ["Fine by me."]
    second = exported(ours, tmp_path / "second.json", "w3c")
    ours.close()
    # The same, but for the reviewer: review decisions travel in JSON Lines only.
    expected = json.loads(first.read_text(encoding="utf-8"))
    for item in expected["first"]["items"]:
        if isinstance(item["creator"], list):
            item["creator"] = item["creator"][0]
    assert json.loads(second.read_text(encoding="utf-8")) == expected


def reply(on: str, **changes: Any) -> dict[str, Any]:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:uuid:{new_id()}",
        "type": "Annotation",
        "motivation": "replying",
        "created": "2024-05-01T10:00:00Z",
        "creator": {"type": "Person", "name": "Hypo Thesis"},
        "bodyValue": "Agreed.",
        "target": f"urn:uuid:{on}",
        **changes,
    }


def test_w3c_replies_attach_to_annotations_here_in_the_file_or_are_listed(
    reviewed: Reviewed, tmp_path: Path
) -> None:
    store = reviewed.store
    claim = reviewed.project.spans["claim"].id
    first = reply(claim)
    second = reply(
        first["id"].removeprefix("urn:uuid:"),
        bodyValue=None,
        body={"value": "Me too"},
        created="2024-05-01T10:05:00Z",
    )
    lost = reply(new_id(), motivation="commenting")
    path = tmp_path / "replies.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (second, first, lost)), "utf-8")
    report = run(store, path)
    # A reply to a reply joins the thread of the annotation, whatever the order in the file.
    assert thread(store, claim)[-2:] == ["Agreed.", "Me too"]
    assert store.comments.get(first["id"][9:]).author_id == store.ensure_analyst("Hypo Thesis").id
    (orphan,) = report.orphan_comments
    assert orphan.comment_id == lost["id"][9:] and orphan.author == "Hypo Thesis"
    assert orphan.reason == "its annotation is neither in the file nor in this project"
    assert (report.comments_added, report.added) == (2, 0)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"bodyValue": None}, "item 1: “body” is missing"),
        ({"bodyValue": "  "}, "item 1: “bodyValue” is empty"),
        ({"bodyValue": None, "body": [{"value": "a"}, {"value": "b"}]}, "one text body"),
        ({"target": "urn:uuid:not-a-uuid"}, "“target” must be urn:uuid:<UUID>"),
        ({"id": "http://example.org/1"}, "“id” must be urn:uuid:<UUID>"),
        ({"created": "soon"}, "“created” is not an ISO 8601 date"),
    ],
)
def test_malformed_w3c_replies_are_refused_naming_the_item(
    tmp_path: Path, changes: dict[str, Any], problem: str
) -> None:
    collection = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "first": {"type": "AnnotationPage", "items": [reply(new_id(), **changes)]},
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(collection), "utf-8")
    with pytest.raises(AnnotationFileError) as caught:
        read_annotation_file(path)
    assert problem in str(caught.value), str(caught.value)


def test_one_transaction_an_unwritable_comment_leaves_the_project_unchanged(
    reviewed: Reviewed, empty: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = exported(reviewed.store, tmp_path / "a.jsonl")
    before = {t: rows(empty, t) for t in ("documents", "annotations", "analysts", "history")}
    comments = type(empty.comments)

    def fail(*_args: object, **_kw: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(comments, "put", fail)
    with pytest.raises(OSError):
        run(empty, path)
    assert {t: rows(empty, t) for t in before} == before


def test_comment_ids_are_unique_across_annotations_in_w3c(tmp_path: Path) -> None:
    same = new_id()
    item = reply(new_id(), id=f"urn:uuid:{same}")
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(item) + "\n" + json.dumps(item) + "\n", "utf-8")
    with pytest.raises(AnnotationFileError, match=f"line 2: The annotation id {same} appears"):
        read_annotation_file(path)


def test_a_session_comment_here_and_theirs_merge_into_one_thread(
    reviewed: Reviewed, empty: Store, tmp_path: Path
) -> None:
    path = exported(reviewed.store, tmp_path / "a.jsonl")
    run(empty, path)
    claim = reviewed.project.spans["claim"].id
    mine, _ = Session(empty, empty.ensure_analyst("Importer")).add_comment(claim, "My view")
    again = run(empty, path)
    assert again.comments_added == 0 and again.comments_unchanged == 5
    assert thread(empty, claim)[-1] == "My view" and len(thread(empty, claim)) == 3
    assert empty.comments.get(mine.id).author_id == mine.author_id
