"""Cancelling a merge before its commit changes nothing; progress names each stage."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_merge import colleague, tag
from test_store_annotations import TEXT, add_document

from annotator.core.merge import MergeCancelled, merge_project
from annotator.core.store import Store

WORDS = TEXT.split()


def bens_project(path: Path, annotations: int = 60) -> None:
    """Ben's project: a speaker on one document, then documents of 20 claims each."""
    theirs, ben, doc = colleague(path)
    tag(ben, doc, "Speaker", "Wei Fenghe")
    for n in range(annotations // 20):
        text = f"Report {n}. " + TEXT
        other = add_document(theirs, text)
        for word in WORDS[:20]:
            tag(ben, other, "Claim", word, text)
    theirs.close()


def snapshot(store: Store) -> list[str]:
    return list(store.conn.iterdump())


@pytest.mark.parametrize("stage", ["Copying", "Reading", "Backing up", "Merging"])
def test_cancel_at_any_stage_before_the_commit_changes_nothing(
    tmp_path: Path, fresh_store: Store, stage: str
) -> None:
    bens_project(tmp_path / "ben.sqlite")
    fresh_store.ensure_analyst("Ana")
    before = snapshot(fresh_store)

    def progress(done: int, total: int, what: str) -> bool:
        return not what.startswith(stage)

    with pytest.raises(MergeCancelled, match="nothing was merged; the project is unchanged"):
        merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana", progress=progress)
    assert snapshot(fresh_store) == before


def test_cancel_while_the_merge_is_being_written_rolls_it_back(
    tmp_path: Path, fresh_store: Store
) -> None:
    bens_project(tmp_path / "ben.sqlite", annotations=200)
    fresh_store.ensure_analyst("Ana")
    before = snapshot(fresh_store)
    merging: list[str] = []

    def progress(done: int, total: int, what: str) -> bool:
        if what.startswith("Merging"):
            merging.append(what)
            return True
        if merging and not what:  # asked by SQLite from inside the merge's transaction
            merging.append("asked")
            return False
        return True

    with pytest.raises(MergeCancelled):
        merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana", progress=progress)
    assert "asked" in merging
    assert snapshot(fresh_store) == before
    assert not fresh_store.conn.in_transaction
    # The project works as before, and the merge can be done afterwards.
    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert report.added == 201


def test_progress_names_each_stage_in_order(tmp_path: Path, fresh_store: Store) -> None:
    bens_project(tmp_path / "ben.sqlite")
    stages: list[str] = []

    def progress(done: int, total: int, what: str) -> bool:
        if what and not what[0].isspace() and (not stages or stages[-1] != what.split()[0]):
            stages.append(what.split()[0])
        return True

    report = merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana", progress=progress)
    assert report.added == 61
    # Backed up once the merge is known to change something, before it commits.
    assert stages == ["Copying", "Reading", "Merging", "Backing"]
