"""Talking points and their claims travel with the sync. Anyone creates a talking point and
attaches claims (each attachment its attacher's); only the creator or a reviewer renames or
deletes a point. Two analysts who create the same name separately end with one point."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import psycopg
import pytest
from sync_support import ARTICLE, PASSWORD, Team, add_document, make_team, tag

from annotator.core.hub.sync import sync
from annotator.core.records import AnnotationId, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store import talking_points as tp

POINT = "Sanctions hurt Europe"


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return make_team(postgres_hub)


def group(store: Store, analyst: str, claim: str, name: str) -> tp.TalkingPoint:
    session = Session(store, store.ensure_analyst(analyst))
    point, _change = session.group_claims([AnnotationId(claim)], name=name)
    return point


def points(store: Store) -> dict[str, set[str]]:
    """Each talking point's name and the quotes of its claims."""
    out: dict[str, set[str]] = {}
    for point in tp.all_points(store.conn):
        out[point.name] = {i.quote for i in tp.instances(store.conn, point.id)}
    return out


def hub_points(team: Team) -> list[tuple[str, bool]]:
    with psycopg.connect(team.admin) as conn:
        rows = conn.execute(
            "SELECT name, deleted FROM annotator_hub.talking_points ORDER BY name"
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


def doc_of(store: Store) -> DocumentId:
    return DocumentId(store.conn.execute("SELECT id FROM documents").fetchone()[0])


@pytest.fixture
def two(team: Team, tmp_path: Path) -> tuple[Store, Store]:
    """Anna and Ben each group a claim of the same article under the same name, separately
    (Ben's in other letter case), then sync."""
    sync(Store.open(tmp_path / "rita.db"), team.url("rita"), "Rita")
    anna = Store.open(tmp_path / "anna.db")
    ben = Store.open(tmp_path / "ben.db")
    a_claim = tag(anna, "Anna", add_document(anna, ARTICLE), "Claim", "China firmly opposes")
    b_claim = tag(ben, "Ben", add_document(ben, ARTICLE), "Claim", "Tokayev thanked Beijing")
    group(anna, "Anna", a_claim, POINT)
    group(ben, "Ben", b_claim, POINT.lower())
    sync(anna, team.url("anna"), "Anna")
    report = sync(ben, team.url("ben"), "Ben")
    assert report.conflicts == [] and report.waiting == []
    sync(anna, None, "Anna")
    return anna, ben


def test_the_same_name_made_twice_is_one_talking_point(two, team: Team) -> None:
    anna, ben = two
    both = {"China firmly opposes", "Tokayev thanked Beijing"}
    assert points(anna) == points(ben) == {POINT: both}  # the hub's spelling, both claims
    assert hub_points(team) == [(POINT, False)]
    # Settled: nothing more to send.
    assert sync(ben, None, "Ben").sent == 0
    assert sync(anna, None, "Anna").sent == 0


def test_a_clone_brings_talking_points_and_claims(two, team: Team, tmp_path: Path) -> None:
    clone = Store.open(tmp_path / "clone.db")
    sync(clone, team.url("rita"), "Rita")
    assert points(clone) == points(two[0])


def test_the_creator_renames_a_colleague_cannot(two, team: Team) -> None:
    anna, ben = two
    mine = tp.find_by_name(ben.conn, POINT)
    assert mine is not None
    ben_id = ben.ensure_analyst("Ben").id
    tp.put(ben, dataclasses.replace(mine, name="Ben's name"), analyst_id=ben_id)
    report = sync(ben, None, "Ben")
    # Not his to rename: the hub's name stays and comes back; his try is listed and kept in
    # his history.
    assert [(c.table, c.what) for c in report.conflicts] == [("talking_points", "Ben's name")]
    assert set(points(ben)) == {POINT}
    assert hub_points(team) == [(POINT, False)]
    lost = [e for e in ben.history(entity_id=mine.id) if e.action == "sync-conflict"]
    assert lost and lost[-1].before is not None and lost[-1].before["name"] == "Ben's name"

    theirs = tp.find_by_name(anna.conn, POINT)
    assert theirs is not None
    anna_id = anna.ensure_analyst("Anna").id
    tp.put(anna, dataclasses.replace(theirs, name="Sanctions backfire"), analyst_id=anna_id)
    assert sync(anna, None, "Anna").conflicts == []
    sync(ben, None, "Ben")
    assert set(points(ben)) == {"Sanctions backfire"}


def test_a_colleagues_attachment_is_theirs_to_move(two, team: Team) -> None:
    anna, ben = two
    claim = AnnotationId(
        ben.conn.execute(
            "SELECT id FROM annotations WHERE quote = 'China firmly opposes'"
        ).fetchone()[0]
    )
    Session(ben, ben.ensure_analyst("Ben")).ungroup_claims([claim])
    report = sync(ben, None, "Ben")
    assert [c.table for c in report.conflicts] == ["talking_point_claims"]
    assert points(ben)[POINT] == {"China firmly opposes", "Tokayev thanked Beijing"}
    # Anna takes it out herself: then it is out everywhere, and anyone may attach it again.
    Session(anna, anna.ensure_analyst("Anna")).ungroup_claims([claim])
    sync(anna, None, "Anna")
    sync(ben, None, "Ben")
    assert points(ben)[POINT] == {"Tokayev thanked Beijing"}
    group(ben, "Ben", claim, "Another point")
    assert sync(ben, None, "Ben").conflicts == []
    sync(anna, None, "Anna")
    assert points(anna)["Another point"] == {"China firmly opposes"}


def test_a_point_its_creator_deletes_goes_with_its_claims_everywhere(two, team: Team) -> None:
    anna, ben = two
    anna_id = anna.ensure_analyst("Anna").id
    point = tp.find_by_name(anna.conn, POINT)
    assert point is not None
    for member in tp.members(anna.conn, point.id):  # Ben's claim too, here
        tp.remove_member(anna, member.annotation_id, analyst_id=anna_id)
    tp.remove(anna, point.id, analyst_id=anna_id)
    report = sync(anna, None, "Anna")
    assert report.conflicts == []  # Ben's attachment goes with the point
    assert hub_points(team) == [(POINT, True)]
    sync(ben, None, "Ben")
    assert points(ben) == {}
    assert ben.conn.execute("SELECT count(*) FROM talking_point_claims").fetchone()[0] == 0
    assert sync(anna, None, "Anna").conflicts == []
    assert points(anna) == {}
