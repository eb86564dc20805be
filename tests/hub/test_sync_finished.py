"""Finished marks travel with the sync: everyone's arrive, each analyst sends only their own,
and unmarking travels as a tombstone. Agreement and the review's document filter (both read
`finished_by`) see a colleague's marks after a sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sync_support import ARTICLE, PASSWORD, Team, add_document, make_team, tag

from annotator.core import session as session_module
from annotator.core.agreement.report import agreement_report
from annotator.core.hub.sync import status, sync
from annotator.core.records import AnalystId, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store.finished import finished_by

OTHER = "Beijing said nothing of note on Tuesday. The ministry kept silent."


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return make_team(postgres_hub)


def mark(store: Store, analyst: str, doc: DocumentId, *, done: bool = True) -> None:
    Session(store, store.ensure_analyst(analyst)).mark_finished(doc, done=done)


def named_marks(store: Store, doc: DocumentId) -> set[str]:
    """Who finished the document, by name (what the review's document filter compares)."""
    names = {a.id: a.name for a in store.layers()}
    return {names[a] for a in finished_by(store.conn, [doc]).get(doc, {})}


def on_hub(team: Team) -> list[tuple[str, bool, str]]:
    with psycopg.connect(team.admin) as conn:
        rows = conn.execute(
            "SELECT a.name, f.deleted, f.owner FROM annotator_hub.finished_documents f "
            "JOIN annotator_hub.analysts a ON a.id = f.analyst_id ORDER BY a.name"
        ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def doc_id(store: Store, title: str) -> DocumentId:
    row = store.conn.execute("SELECT id FROM documents WHERE title = ?", [title]).fetchone()
    return DocumentId(row[0])


def test_colleagues_marks_arrive_and_agreement_counts_them(team: Team, tmp_path: Path) -> None:
    sync(Store.open(tmp_path / "rita.db"), team.url("rita"), "Rita")
    anna = Store.open(tmp_path / "anna.db")
    first = add_document(anna, ARTICLE, "First")
    second = add_document(anna, OTHER, "Second")
    tag(anna, "Anna", first, "Claim", "China firmly opposes external forces")
    mark(anna, "Anna", first)
    mark(anna, "Anna", second)  # read through, nothing to tag
    sync(anna, team.url("anna"), "Anna")
    assert status(anna).to_send == 0
    assert on_hub(team) == [("Anna", False, "anna"), ("Anna", False, "anna")]

    ben = Store.open(tmp_path / "ben.db")  # a clone: everyone's marks come with it
    sync(ben, team.url("ben"), "Ben")
    first_b, second_b = doc_id(ben, "First"), doc_id(ben, "Second")
    assert named_marks(ben, first_b) == named_marks(ben, second_b) == {"Anna"}
    tag(ben, "Ben", first_b, "Claim", "China firmly opposes external forces")
    mark(ben, "Ben", first_b)
    sync(ben, None, "Ben")
    sync(anna, None, "Anna")
    assert named_marks(anna, first) == {"Anna", "Ben"}
    assert named_marks(anna, second) == {"Anna"}

    # Agreement in Ben's project: Anna finished "Second" untagged, so she coded it.
    ids = {a.name: AnalystId(a.id) for a in ben.analysts()}
    report = agreement_report(ben)
    assert report.finished[ids["Anna"]] == 2 and report.coded[ids["Anna"]] == 2
    assert report.finished[ids["Ben"]] == 1
    # A colleague's mark Ben has here is never his to send, nor to change on the hub.
    assert all(owner == "anna" for name, _d, owner in on_hub(team) if name == "Anna")


def test_unmarking_travels_as_a_tombstone_and_marking_again_too(team: Team, tmp_path: Path) -> None:
    sync(Store.open(tmp_path / "rita.db"), team.url("rita"), "Rita")
    anna = Store.open(tmp_path / "anna.db")
    doc = add_document(anna, ARTICLE, "First")
    mark(anna, "Anna", doc)
    sync(anna, team.url("anna"), "Anna")
    ben = Store.open(tmp_path / "ben.db")
    sync(ben, team.url("ben"), "Ben")
    here = doc_id(ben, "First")
    assert named_marks(ben, here) == {"Anna"}

    mark(anna, "Anna", doc, done=False)
    assert sync(anna, None, "Anna").sent == 1
    assert on_hub(team) == [("Anna", True, "anna")]  # a tombstone, not a deletion
    received = sync(ben, None, "Ben")
    assert received.conflicts == [] and "finished_documents" in received.changed_tables
    assert named_marks(ben, here) == set()
    assert [e.action for e in ben.history(entity_id=f"{here}/{_anna(ben)}")][-1] == "delete"

    mark(anna, "Anna", doc)
    sync(anna, None, "Anna")
    sync(ben, None, "Ben")
    assert named_marks(ben, here) == {"Anna"}
    assert on_hub(team) == [("Anna", False, "anna")]
    # Settled: nothing more to send or receive on either side.
    assert sync(anna, None, "Anna").sent == 0
    assert sync(ben, None, "Ben").received == 0


def test_a_mark_made_on_two_computers_is_one_mark(team: Team, tmp_path: Path) -> None:
    sync(Store.open(tmp_path / "rita.db"), team.url("rita"), "Rita")
    office = Store.open(tmp_path / "office.db")
    doc = add_document(office, ARTICLE, "First")
    sync(office, team.url("anna"), "Anna")
    laptop = Store.open(tmp_path / "laptop.db")
    sync(laptop, team.url("anna"), "Anna")
    mark(office, "Anna", doc)
    # A minute later on the laptop (two marks in the same millisecond would be one version).
    with pytest.MonkeyPatch.context() as later:
        stamp = (datetime.now(UTC) + timedelta(minutes=1)).isoformat(timespec="milliseconds")
        later.setattr(session_module, "now_iso", lambda: stamp.replace("+00:00", "Z"))
        mark(laptop, "Anna", doc_id(laptop, "First"))
    sync(office, None, "Anna")
    report = sync(laptop, None, "Anna")
    # Both sides marked it: the hub's time is kept, the laptop's stays in its history.
    assert [c.table for c in report.conflicts] == ["finished_documents"]
    assert on_hub(team) == [("Anna", False, "anna")]
    assert finished_by(laptop.conn) == finished_by(office.conn)


def _anna(store: Store) -> str:
    return next(a.id for a in store.analysts() if a.name == "Anna")
