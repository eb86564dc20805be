"""Conflicts are decided against the hub version both sides last saw, not by clocks: one
analyst on two computers (two projects, one login) edits the same annotation on both."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from sync_support import PASSWORD, Team, add_document, make_team, tag

from annotator.core.hub.sync import status, sync
from annotator.core.records import AnnotationId
from annotator.core.session import Session
from annotator.core.store import Store


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return make_team(postgres_hub)


@pytest.fixture
def two_computers(team: Team, tmp_path: Path) -> tuple[Store, Store, AnnotationId]:
    sync(Store.open(tmp_path / "rita.db"), team.url("rita"), "Rita")
    office = Store.open(tmp_path / "office.db")
    doc = add_document(office)
    ident = AnnotationId(tag(office, "Anna", doc, "Claim", "China firmly opposes"))
    sync(office, team.url("anna"), "Anna")
    laptop = Store.open(tmp_path / "laptop.db")  # empty: its first sync is a clone
    sync(laptop, team.url("anna"), "Anna")
    assert laptop.annotations.get(ident).quote == "China firmly opposes"
    return office, laptop, ident


def edit_note(store: Store, ident: AnnotationId, note: str) -> None:
    anna = next(a for a in store.analysts() if a.name == "Anna")
    Session(store, anna).update_annotation(ident, note=note)


def hub_history(team: Team) -> list[dict]:
    with psycopg.connect(team.admin) as conn:
        rows = conn.execute(
            "SELECT payload FROM annotator_hub.history WHERE kind = 'sync-conflict' ORDER BY id"
        ).fetchall()
    return [r[0] for r in rows]


def test_an_edit_on_one_side_only_is_no_conflict(two_computers, team: Team) -> None:
    office, laptop, ident = two_computers
    edit_note(office, ident, "checked against the transcript")
    assert status(office).to_send == 1
    assert sync(office, None, "Anna").sent == 1
    assert status(office).to_send == 0
    report = sync(laptop, None, "Anna")
    assert report.conflicts == []
    assert laptop.annotations.get(ident).note == "checked against the transcript"
    # Nothing of the laptop's to send back: what it received is not its own change.
    assert status(laptop).to_send == 0
    assert sync(laptop, None, "Anna").sent == 0
    assert hub_history(team) == []


def test_edits_on_both_sides_keep_the_first_sent_and_the_other_in_both_histories(
    two_computers, team: Team
) -> None:
    office, laptop, ident = two_computers
    # The laptop's clock is far ahead: it must not matter, only the versions do.
    edit_note(laptop, ident, "edited on the laptop")
    edit_note(office, ident, "edited at the office")
    sync(office, None, "Anna")
    report = sync(laptop, None, "Anna")
    assert [(c.table, c.id) for c in report.conflicts] == [("annotations", ident)]
    assert laptop.annotations.get(ident).note == "edited at the office"
    lost = [e for e in laptop.history(entity_id=ident) if e.action == "sync-conflict"]
    assert len(lost) == 1 and lost[0].before is not None
    assert lost[0].before["note"] == "edited on the laptop"
    on_hub = hub_history(team)
    assert [(p["table"], p["id"], p["lost"]["note"]) for p in on_hub] == [
        ("annotations", ident, "edited on the laptop")
    ]
    # Settled: syncing again on either side changes nothing and lists nothing.
    assert sync(office, None, "Anna").conflicts == []
    assert office.annotations.get(ident).note == "edited at the office"
    again = sync(laptop, None, "Anna")
    assert again.conflicts == [] and again.sent == 0


def test_a_deletion_travels_as_a_tombstone(two_computers) -> None:
    office, laptop, ident = two_computers
    anna = next(a for a in office.analysts() if a.name == "Anna")
    Session(office, anna).delete_annotation(ident)
    sync(office, None, "Anna")
    report = sync(laptop, None, "Anna")
    assert report.conflicts == []
    assert laptop.annotations.find(ident) is None
    deleted = [e.action for e in laptop.history(entity_id=ident)]
    assert deleted[-1] == "delete"


def test_a_colleagues_rows_are_never_sent(two_computers, team: Team, tmp_path: Path) -> None:
    office, _laptop, ident = two_computers
    ben = Store.open(tmp_path / "ben.db")
    sync(ben, team.url("ben"), "Ben")
    # Ben changes Anna's annotation in his project: his to keep, not to send.
    Session(ben, ben.ensure_analyst("Ben")).update_annotation(ident, note="Ben was here")
    edit_note(office, ident, "Anna's own note")  # so the row is in Ben's next pull
    sync(office, None, "Anna")
    sync(ben, None, "Ben")
    with psycopg.connect(team.admin) as conn:
        note = conn.execute(
            "SELECT note FROM annotator_hub.annotations WHERE id = %s", [ident]
        ).fetchone()
    assert note == ("Anna's own note",)
    assert ben.annotations.get(ident).note == "Anna's own note"


def test_history_entry_holds_the_whole_lost_version(two_computers) -> None:
    office, laptop, ident = two_computers
    edit_note(laptop, ident, "laptop")
    edit_note(office, ident, "office")
    sync(office, None, "Anna")
    sync(laptop, None, "Anna")
    row = laptop.conn.execute(
        "SELECT before, after FROM history WHERE action = 'sync-conflict' AND entity_id = ?",
        [ident],
    ).fetchone()
    before, after = json.loads(row[0]), json.loads(row[1])
    assert before["quote"] == "China firmly opposes" and before["note"] == "laptop"
    assert after["kept"] == "hub" and isinstance(after["hub_version"], int)
