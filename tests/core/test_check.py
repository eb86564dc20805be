"""Checking a project: each planted inconsistency is found and named; a clean project is ok."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_store_annotations import TEXT, add_document, tag

from annotator.core.records import DocumentId
from annotator.core.safety import check_project
from annotator.core.session import Session
from annotator.core.store import Store


@pytest.fixture
def planted(db_path: Path) -> Iterator[dict[str, str]]:
    """A clean project with a claim linked to a speaker and a target; returns their ids."""
    with Store.open(db_path) as store:
        session = Session(store, store.ensure_analyst("Ana"))
        doc = add_document(store)
        claim = tag(session, doc, "Claim", 15, 50, sentiment="negative")
        at = TEXT.index("Wei Fenghe")
        speaker = tag(session, doc, "Speaker", at, at + len("Wei Fenghe"))
        at = TEXT.index("Kazakhstan")
        target = tag(session, doc, "Target", at, at + len("Kazakhstan"))
        session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
        session.set_link(source_id=claim.id, kind="about", target_id=target.id)
        links = {link.kind: link.id for link in store.annotations.links_touching(claim.id)}
        yield {
            "doc": doc,
            "claim": claim.id,
            "speaker": speaker.id,
            "target": target.id,
            "said": links["said_by"],
            "about": links["about"],
        }


def _raw(db_path: Path, *statements: tuple[str, list[object]]) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    for sql, params in statements:
        conn.execute(sql, params)
    conn.close()


def _problems(db_path: Path) -> list[str]:
    with Store.open(db_path) as store:
        report = check_project(store)
    assert report.ok == (not report.problems)
    return report.problems


def test_clean_project_is_ok(planted: dict[str, str], db_path: Path) -> None:
    with Store.open(db_path) as store:
        report = check_project(store)
    assert report.ok and report.problems == []
    assert (report.documents, report.annotations, report.links) == (1, 3, 2)
    assert "no problems" in report.summary()


def test_offset_beyond_the_text(planted: dict[str, str], db_path: Path) -> None:
    _raw(
        db_path,
        ('UPDATE annotations SET "end" = ? WHERE id = ?', [len(TEXT) + 5, planted["claim"]]),
    )
    problems = _problems(db_path)
    assert len(problems) == 1
    assert planted["claim"] in problems[0] and "outside the text" in problems[0]
    assert planted["doc"] in problems[0]


def test_quote_that_differs_from_the_text(planted: dict[str, str], db_path: Path) -> None:
    _raw(db_path, ("UPDATE annotations SET quote = 'forged' WHERE id = ?", [planted["speaker"]]))
    problems = _problems(db_path)
    assert len(problems) == 1
    assert planted["speaker"] in problems[0] and "“forged”" in problems[0]
    assert "Wei Fenghe" in problems[0]  # what the text says there


def test_dangling_link(planted: dict[str, str], db_path: Path) -> None:
    _raw(db_path, ("DELETE FROM annotations WHERE id = ?", [planted["speaker"]]))
    problems = _problems(db_path)
    assert len(problems) == 1
    assert planted["said"] in problems[0] and planted["speaker"] in problems[0]
    assert "does not exist" in problems[0]


def test_link_whose_roles_do_not_fit(planted: dict[str, str], db_path: Path) -> None:
    _raw(
        db_path,
        ("UPDATE links SET target_id = ? WHERE id = ?", [planted["target"], planted["said"]]),
    )
    problems = _problems(db_path)
    assert len(problems) == 1
    assert planted["said"] in problems[0] and "must point to a speaker span" in problems[0]


def test_label_not_in_the_codebook(planted: dict[str, str], db_path: Path) -> None:
    _raw(
        db_path,
        ("UPDATE annotations SET label_id = 'no-such-label' WHERE id = ?", [planted["target"]]),
    )
    problems = _problems(db_path)
    assert any(
        planted["target"] in p and "no-such-label" in p and "not in the codebook" in p
        for p in problems
    )


def test_sentiment_not_in_the_codebook(planted: dict[str, str], db_path: Path) -> None:
    _raw(db_path, ("UPDATE annotations SET sentiment = 'furious' WHERE id = ?", [planted["claim"]]))
    problems = _problems(db_path)
    assert len(problems) == 1
    assert planted["claim"] in problems[0] and "“furious”" in problems[0]


def test_sentiment_removed_from_the_codebook(planted: dict[str, str], db_path: Path) -> None:
    _raw(
        db_path, ("UPDATE meta SET value = ? WHERE key = 'sentiments'", [json.dumps(["positive"])])
    )
    problems = _problems(db_path)
    assert len(problems) == 1 and "“negative”" in problems[0]


def test_annotation_of_a_missing_document(planted: dict[str, str], db_path: Path) -> None:
    _raw(
        db_path,
        ("UPDATE annotations SET document_id = 'gone' WHERE id = ?", [planted["target"]]),
        ("DELETE FROM links WHERE id = ?", [planted["about"]]),
    )
    problems = _problems(db_path)
    assert len(problems) == 1 and planted["target"] in problems[0] and "gone" in problems[0]


def test_foreign_key_to_a_missing_analyst(planted: dict[str, str], db_path: Path) -> None:
    _raw(db_path, ("UPDATE annotations SET analyst_id = 'nobody' WHERE id = ?", [planted["claim"]]))
    problems = _problems(db_path)
    assert len(problems) == 1 and "analysts" in problems[0]


def test_check_changes_nothing(planted: dict[str, str], db_path: Path) -> None:
    _raw(db_path, ("UPDATE annotations SET quote = 'forged' WHERE id = ?", [planted["speaker"]]))
    with Store.open(db_path) as store:
        wal = Path(f"{db_path}-wal")
        before = (db_path.read_bytes(), wal.read_bytes() if wal.exists() else b"")
        changes = store.conn.total_changes
        assert not check_project(store).ok
        assert store.conn.total_changes == changes
        assert not store.conn.in_transaction
        assert (db_path.read_bytes(), wal.read_bytes() if wal.exists() else b"") == before


def test_many_annotations_are_all_checked(fresh_store: Store) -> None:
    doc: DocumentId = add_document(fresh_store)
    label = fresh_store.codebook.get().by_name("Target").id
    analyst = fresh_store.ensure_analyst("Ana").id
    rows = [
        (f"a{i}", doc, analyst, label, i % 50, i % 50 + 3, TEXT[i % 50 : i % 50 + 3], "", "")
        for i in range(5000)
    ]
    rows[4321] = (*rows[4321][:6], "xyz", "", "")
    with fresh_store.transaction() as db:
        db.conn.executemany(
            'INSERT INTO annotations (id, document_id, analyst_id, label_id, start, "end", '
            "quote, prefix, suffix, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')",
            rows,
        )
    report = check_project(fresh_store)
    assert report.annotations == 5000
    assert len(report.problems) == 1 and "a4321 " in report.problems[0]
    assert "1 problem(s)" in report.summary()


def test_check_file_reads_only_and_finds_what_check_project_finds(
    planted: dict[str, str], db_path: Path
) -> None:
    from annotator.core.safety.check import check_file

    _raw(db_path, ("UPDATE annotations SET quote = 'forged' WHERE id = ?", [planted["speaker"]]))
    before = db_path.read_bytes()
    report = check_file(db_path)
    assert report is not None and report.problems == _problems(db_path)
    assert (report.documents, report.annotations, report.links) == (1, 3, 2)
    assert db_path.read_bytes() == before


def test_check_file_reports_a_project_too_damaged_to_open(db_path: Path) -> None:
    from annotator.core.safety.check import check_file

    with Store.open(db_path) as store:
        add_document(store)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db_path.read_bytes())
    data[4096:12288] = b"\xee" * 8192  # the schema's pages: Store.open refuses this file
    db_path.write_bytes(bytes(data))
    report = check_file(db_path)
    assert report is not None and not report.ok
    assert "malformed" in " ".join(report.problems)


def test_check_file_leaves_other_files_to_store_open(tmp_path: Path) -> None:
    from annotator.core.safety.check import check_file

    notes = tmp_path / "notes.sqlite"
    notes.write_text("my notes")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert check_file(notes) is None and check_file(other) is None
