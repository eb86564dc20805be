"""A sync killed (SIGKILL) at any point loses and duplicates nothing; the next one completes.

The child process (sync_child.py) dies at chosen points of pushing and pulling: inside a hub
transaction, between a hub commit and the project's, inside a pull batch, and between batches.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sync_support import PASSWORD, Team, add_document, make_team

from annotator.core.hub.sync import sync
from annotator.core.records import AnnotationId, DocumentId
from annotator.core.search import search_annotations, sync_index
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store.bulk import AnnotationWriter

pytestmark = pytest.mark.slow

CHILD = Path(__file__).with_name("sync_child.py")
TEXT = " ".join(f"word{i}" for i in range(3000))
COUNT = 1500


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    team = make_team(postgres_hub)
    return team


def many_annotations(store: Store, analyst: str, count: int) -> None:
    doc = add_document(store, TEXT, "Long")
    me = store.ensure_analyst(analyst)
    claim = store.codebook.get().by_name("Claim").id
    with store.transaction():
        writer = AnnotationWriter(store, analyst_id=me.id)
        for i in range(count):
            a = store.annotations.new(
                document_id=doc, analyst_id=me.id, label_id=claim, start=i * 5, end=i * 5 + 4
            )
            writer.put(a, before=None)
        writer.flush()


def groupings(store: Store, analyst: str) -> None:
    """A finished mark and a talking point of a few claims (synced tables of their own)."""
    session = Session(store, store.ensure_analyst(analyst))
    claims = [AnnotationId(r[0]) for r in store.conn.execute("SELECT id FROM annotations LIMIT 3")]
    session.group_claims(claims, name="Word lists")
    session.mark_finished(DocumentId(store.conn.execute("SELECT id FROM documents").fetchone()[0]))


def grouped(store: Store) -> tuple[set[tuple], set[tuple]]:
    marks = set(store.conn.execute("SELECT document_id, analyst_id FROM finished_documents"))
    members = set(
        store.conn.execute(
            "SELECT m.annotation_id, p.name FROM talking_point_claims m "
            "JOIN talking_points p ON p.id = m.talking_point_id"
        )
    )
    return marks, members


def run_child(db: Path, url: str, analyst: str, point: str, nth: int) -> int:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, str(CHILD), str(db), url, analyst, point, str(nth)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, -9), done.stderr
    return done.returncode


def contents(store: Store) -> set[tuple]:
    return set(
        store.conn.execute(
            'SELECT id, analyst_id, start, "end", quote, note, modified FROM annotations'
        ).fetchall()
    )


def schema(store: Store) -> set[tuple[str, str, str]]:
    return set(
        store.conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    )


def on_hub(team: Team) -> list[tuple]:
    with psycopg.connect(team.admin) as conn:
        return conn.execute(
            'SELECT id, start, "end", quote, modified FROM annotator_hub.annotations'
        ).fetchall()


def conflicts_on_hub(team: Team) -> int:
    with psycopg.connect(team.admin) as conn:
        row = conn.execute(
            "SELECT count(*) FROM annotator_hub.history WHERE kind = 'sync-conflict'"
        ).fetchone()
    return int(row[0]) if row else 0


# A push's batches: the codebook (not an analyst's to send), the document, then annotations
# in batches of sync_child.BATCH: the 3rd and later passages are inside the annotations.
@pytest.mark.parametrize(
    "point, nth",
    [("hub-write", 2), ("hub-committed", 2), ("hub-committed", 3), ("committed", 4)],
)
def test_a_push_killed_anywhere_completes_next_time(
    team: Team, tmp_path: Path, point: str, nth: int
) -> None:
    sync(Store.open(tmp_path / "rita.db"), team.url("rita"), "Rita")
    db = tmp_path / "anna.db"
    with Store.open(db) as anna:
        many_annotations(anna, "Anna", COUNT)
    assert run_child(db, team.url("anna"), "Anna", point, nth) == -9
    with Store.open(db) as anna:
        report = sync(anna, None, "Anna")
        assert report.conflicts == []
        mine = {(r[0], r[2], r[3], r[4], r[6]) for r in contents(anna)}
    hub = on_hub(team)
    assert len(hub) == COUNT  # nothing lost, nothing twice
    assert set(hub) == mine
    assert conflicts_on_hub(team) == 0


@pytest.mark.parametrize(
    "point, nth", [("pull-apply", 1), ("pull-apply", 4), ("committed", 3), ("committed", 5)]
)
def test_a_clone_killed_anywhere_completes_next_time(
    team: Team, tmp_path: Path, point: str, nth: int
) -> None:
    sync(Store.open(tmp_path / "rita.db"), team.url("rita"), "Rita")
    anna = Store.open(tmp_path / "anna.db")
    many_annotations(anna, "Anna", COUNT)
    groupings(anna, "Anna")
    sync(anna, team.url("anna"), "Anna")
    db = tmp_path / "ben.db"
    Store.open(db).close()
    assert run_child(db, team.url("ben"), "Ben", point, nth) == -9
    # Killed again, later on, in the next attempt.
    run_child(db, team.url("ben"), "Ben", "committed", 4)
    with Store.open(db) as ben:
        report = sync(ben, None, "Ben")
        assert report.conflicts == [] and report.sent == 0
        assert contents(ben) == contents(anna)
        assert ben.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert grouped(ben) == grouped(anna) and grouped(anna)[0]
        # The indexes and triggers a killed clone had set aside are back, and what it had
        # loaded is searchable.
        assert schema(ben) == schema(anna)
        assert ben.conn.execute("SELECT count(*) FROM deferred_upkeep").fetchone()[0] == 0
        sync_index(ben)
        sync_index(anna)
        found = {h.annotation_id for h in search_annotations(ben, "word", limit=5000)}
        assert found == {h.annotation_id for h in search_annotations(anna, "word", limit=5000)}
        assert len(found) > 100
    assert conflicts_on_hub(team) == 0


def test_killed_at_random_moments_then_completed(team: Team, tmp_path: Path) -> None:
    sync(Store.open(tmp_path / "rita.db"), team.url("rita"), "Rita")
    db = tmp_path / "anna.db"
    with Store.open(db) as anna:
        many_annotations(anna, "Anna", COUNT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for delay in (0.4, 0.8, 1.2):
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(db), team.url("anna"), "Anna", "none", "0"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    with Store.open(db) as anna:
        assert sync(anna, None, "Anna").conflicts == []
        assert len(on_hub(team)) == COUNT
        assert sync(anna, None, "Anna").sent == 0
