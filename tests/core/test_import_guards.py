"""import-annotations keeps the rules a merge keeps: a file never changes whose a record is,
never changes the importing analyst's own records, never brings back one of theirs deleted
here, refuses dates in the future, and leaves control characters out of notes and comments;
each is listed in the report, and the rest imports."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from test_merge import tag
from test_store_annotations import add_document

from annotator.core.export import export
from annotator.core.interchange import InterchangeReport, import_annotation_file
from annotator.core.records import Annotation
from annotator.core.session import Session
from annotator.core.store import Store

CLAIM = "China firmly opposes external forces"
SPEAKER = "Wei Fenghe"
ME = "Me"


def soon(hours: float = 1) -> str:
    """Later than anything the test made; in the future beyond the clock skew past 24 hours."""
    stamp = datetime.now(UTC) + timedelta(hours=hours)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def exported(store: Store, path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """The project's JSON Lines export, each record passed through `edit`."""
    export(store, path, "jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        edit(record)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def bring(store: Store, path: Path) -> InterchangeReport:
    return import_annotation_file(store, path, analyst_fallback=ME)


def owner(store: Store, annotation: Annotation) -> str:
    ident = store.annotations.get(annotation.id).analyst_id
    return {a.id: a.name for a in store.analysts()}[ident]


def beas_claim(store: Store) -> Annotation:
    return tag(Session(store, store.ensure_analyst("Bea")), add_document(store), "Claim", CLAIM)


def test_a_file_cannot_give_anothers_annotation_to_someone_else(
    tmp_path: Path, fresh_store: Store
) -> None:
    claim = beas_claim(fresh_store)

    def to_carol(record: dict[str, Any]) -> None:
        if record.get("id") == claim.id:
            record.update(analyst="Carol", note="mine now", modified=soon())

    report = bring(fresh_store, exported(fresh_store, tmp_path / "a.jsonl", to_carol))
    assert owner(fresh_store, claim) == "Bea"
    assert fresh_store.annotations.get(claim.id).note == ""
    (entry,) = report.reowned
    assert entry.ident == claim.id and "kept as Bea's" in entry.reason
    assert "a.jsonl gives 1 annotation(s) to another analyst: not applied" in report.summary()
    assert not report.complete


def test_a_file_cannot_give_anothers_annotation_to_me(tmp_path: Path, fresh_store: Store) -> None:
    claim = beas_claim(fresh_store)

    def to_me(record: dict[str, Any]) -> None:
        if record.get("id") == claim.id:
            record.update(analyst=ME, modified=soon())

    def unnamed(record: dict[str, Any]) -> None:  # a file naming no analyst: the importer's
        if record.get("id") == claim.id:
            record.update(analyst=None, modified=soon())

    for edit in (to_me, unnamed):
        report = bring(fresh_store, exported(fresh_store, tmp_path / "a.jsonl", edit))
        assert owner(fresh_store, claim) == "Bea"
        assert len(report.reowned) == 1 and report.updated == 0


def test_a_file_never_changes_my_own_annotation(tmp_path: Path, fresh_store: Store) -> None:
    mine = tag(Session(fresh_store, fresh_store.ensure_analyst(ME)), add_document(fresh_store),
               "Claim", CLAIM)  # fmt: skip

    def edited(record: dict[str, Any]) -> None:
        if record.get("id") == mine.id:
            record.update(note="their words", modified=soon())

    report = bring(fresh_store, exported(fresh_store, tmp_path / "a.jsonl", edited))
    assert fresh_store.annotations.get(mine.id).note == ""
    (entry,) = report.yours
    assert "yours is kept" in entry.reason
    assert "a.jsonl changes 1 of your annotations: not applied" in report.summary()


def test_my_annotation_deleted_here_is_not_brought_back_by_a_later_version(
    tmp_path: Path, fresh_store: Store
) -> None:
    session = Session(fresh_store, fresh_store.ensure_analyst(ME))
    mine = tag(session, add_document(fresh_store), "Claim", CLAIM)
    path = exported(fresh_store, tmp_path / "a.jsonl", lambda r: None)
    session.delete_annotation(mine.id)

    def later(record: dict[str, Any]) -> None:  # edited after it was deleted here
        if record.get("id") == mine.id:
            record["modified"] = soon()

    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        later(line)
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    report = bring(fresh_store, path)
    assert fresh_store.annotations.find(mine.id) is None
    (entry,) = report.absent
    assert "deleted in this project on" in entry.reason
    assert "holds 1 annotation under your name" in report.summary()


def test_my_own_export_comes_into_another_project(tmp_path: Path, fresh_store: Store) -> None:
    """Bringing your own annotations into another project of yours is what importing is for."""
    mine = tag(Session(fresh_store, fresh_store.ensure_analyst(ME)), add_document(fresh_store),
               "Claim", CLAIM)  # fmt: skip
    path = exported(fresh_store, tmp_path / "mine.jsonl", lambda r: None)
    with Store.open(tmp_path / "laptop.sqlite") as laptop:
        report = bring(laptop, path)
        assert report.added == 1 and report.complete, report.summary()
        assert owner(laptop, mine) == ME


def test_dates_in_the_future_are_refused(tmp_path: Path, fresh_store: Store) -> None:
    session = Session(fresh_store, fresh_store.ensure_analyst("Bea"))
    doc = add_document(fresh_store)
    claim = tag(session, doc, "Claim", CLAIM)
    speaker = tag(session, doc, "Speaker", SPEAKER)
    session.add_comment(claim.id, "Check the source")

    def ahead(record: dict[str, Any]) -> None:
        if record.get("id") == claim.id:
            record.update(note="from 2999", modified="2999-01-01T00:00:00.000Z")
        if record.get("id") == speaker.id:
            record["links"] = [
                {"id": "0f5e0c68-3c39-4b8e-9d3a-3f1b1f2b7a10", "kind": "said_by",
                 "target_id": None, "name": "Nobody", "analyst": "Bea", "created": soon(48)}
            ]  # fmt: skip
        if record.get("type") == "comment":
            record.update(body="later words", modified=soon(48))

    report = bring(fresh_store, exported(fresh_store, tmp_path / "a.jsonl", ahead))
    assert fresh_store.annotations.get(claim.id).note == ""
    assert [c.body for c in fresh_store.comments.thread(claim.id)] == ["Check the source"]
    assert {r.what for r in report.refused} == {"annotation", "link", "comment"}
    assert all("in the future" in r.reason for r in report.refused)
    assert "Not imported from a.jsonl (3)" in report.summary()


def test_a_new_annotation_dated_in_the_future_is_not_added(
    tmp_path: Path, fresh_store: Store
) -> None:
    claim = beas_claim(fresh_store)
    path = exported(fresh_store, tmp_path / "a.jsonl", lambda r: None)
    with Store.open(tmp_path / "other.sqlite") as other:
        path = exported(fresh_store, path, lambda r: r.update(created=soon(25), modified=soon(25))
                        if r.get("id") == claim.id else None)  # fmt: skip
        report = bring(other, path)
        assert other.annotations.find(claim.id) is None and report.added == 0
        assert len(report.refused) == 1 and not report.complete


def test_control_characters_leave_notes_and_comments(tmp_path: Path, fresh_store: Store) -> None:
    claim = beas_claim(fresh_store)
    Session(fresh_store, fresh_store.ensure_analyst("Bea")).add_comment(claim.id, "Plain")

    def escapes(record: dict[str, Any]) -> None:
        if record.get("id") == claim.id:
            record.update(note="red\x1b[31m\x00 line\tand\nnext", modified=soon())
        if record.get("type") == "comment":
            record.update(body="bell\x07 here", modified=soon())

    report = bring(fresh_store, exported(fresh_store, tmp_path / "a.jsonl", escapes))
    assert fresh_store.annotations.get(claim.id).note == "red[31m line\tand\nnext"
    assert [c.body for c in fresh_store.comments.thread(claim.id)] == ["bell here"]
    assert report.cleaned == 2 and report.complete, report.summary()
    assert "removed from 2 note(s) and comment(s) of a.jsonl" in report.summary()


def test_comments_keep_their_author_and_mine_stay_mine(tmp_path: Path, fresh_store: Store) -> None:
    claim = beas_claim(fresh_store)
    beas, _ = Session(fresh_store, fresh_store.ensure_analyst("Bea")).add_comment(claim.id, "Bea")
    mine, _ = Session(fresh_store, fresh_store.ensure_analyst(ME)).add_comment(claim.id, "Mine")

    def rewritten(record: dict[str, Any]) -> None:
        if record.get("id") == beas.id:
            record.update(author="Carol", body="Carol's now", modified=soon())
        if record.get("id") == mine.id:
            record.update(body="not what I said", modified=soon())

    report = bring(fresh_store, exported(fresh_store, tmp_path / "a.jsonl", rewritten))
    bodies = {c.id: c.body for c in fresh_store.comments.thread(claim.id)}
    assert bodies == {beas.id: "Bea", mine.id: "Mine"}
    assert [r.ident for r in report.reowned] == [beas.id]
    assert [r.ident for r in report.yours] == [mine.id]


def test_importing_the_same_file_twice_lists_nothing(tmp_path: Path, fresh_store: Store) -> None:
    session = Session(fresh_store, fresh_store.ensure_analyst(ME))
    doc = add_document(fresh_store)
    claim = tag(session, doc, "Claim", CLAIM)
    speaker = tag(session, doc, "Speaker", SPEAKER)
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    session.add_comment(claim.id, "Mine")
    for kind in ("jsonl", "w3c"):
        path = tmp_path / f"again.{kind}"
        export(fresh_store, path, kind)
        report = bring(fresh_store, path)
        assert report.complete and report.unchanged == 2, report.summary()
