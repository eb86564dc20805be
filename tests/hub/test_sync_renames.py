"""A hub rename of a label, an analyst or a talking point to a name this project gives another
row: the sync completes, the row keeps its name here and is listed as held, and it takes the
hub's name once that name is free here."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import psycopg
import pytest
from sync_support import ARTICLE, PASSWORD, Team, add_document, make_team, tag

from annotator.core.codebook import LabelDraft
from annotator.core.hub.sync import sync
from annotator.core.hub.sync_names import Held
from annotator.core.records import AnnotationId, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store import talking_points as tp


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return make_team(postgres_hub)


def rename_label(store: Store, old: str, new: str, *, add: str | None = None) -> None:
    codebook = store.codebook.get()
    drafts = [
        dataclasses.replace(LabelDraft.of(label), name=new) if label.name == old
        else LabelDraft.of(label)
        for label in codebook.labels
    ]  # fmt: skip
    if add:
        drafts.append(LabelDraft(None, add, None, "", "#123456", ""))
    store.codebook.save(drafts, list(codebook.sentiments), analyst_id=None)


def labels(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT name, id FROM labels").fetchall())


def test_a_label_renamed_on_the_hub_to_a_name_used_here_is_held(team: Team, tmp_path: Path) -> None:
    rita = Store.open(tmp_path / "rita.db")
    sync(rita, team.url("rita"), "Rita")
    ben = Store.open(tmp_path / "ben.db")
    sync(ben, team.url("ben"), "Ben")
    claim = labels(ben)["Claim"]
    tagged = tag(ben, "Ben", add_document(ben, ARTICLE), "Claim", "China firmly opposes")
    rename_label(ben, "Speaker", "Speaker", add="Frame")  # his own label, not the team's
    sync(ben, None, "Ben")
    rename_label(rita, "Claim", "Frame")  # the reviewer renames the team's label
    sync(rita, None, "Rita")

    report = sync(ben, None, "Ben")  # stopped with a UNIQUE error before
    assert report.held == [Held("labels", claim, "Claim", "Frame")]
    assert "rename or remove that one here" in report.held[0].why
    assert labels(ben)["Claim"] == claim and labels(ben)["Frame"] != claim
    assert ben.annotations.get(AnnotationId(tagged)).label_id == claim
    assert sync(ben, None, "Ben").held == report.held  # listed until settled
    with psycopg.connect(team.admin) as conn:  # and never sent back under the old name
        names = conn.execute("SELECT name FROM annotator_hub.labels ORDER BY position")
        assert [r[0] for r in names] == ["Frame", "Speaker", "Target"]

    rename_label(ben, "Frame", "Framing")  # Ben frees the name
    assert sync(ben, None, "Ben").held == []
    assert labels(ben)["Frame"] == claim
    assert ben.history(entity_id=claim)[-1].after["name"] == "Frame"  # type: ignore[index]


def test_an_analyst_renamed_to_a_name_used_here_is_held(team: Team, tmp_path: Path) -> None:
    sync(Store.open(tmp_path / "rita.db"), team.url("rita"), "Rita")
    anna = Store.open(tmp_path / "anna.db")
    sync(anna, team.url("anna"), "Anna")
    ben = Store.open(tmp_path / "ben.db")
    sync(ben, team.url("ben"), "Ben")
    carla = ben.ensure_analyst("Carla").id  # someone only Ben's project knows
    anna_here = next(a.id for a in ben.analysts() if a.name == "Anna")
    with psycopg.connect(team.url("anna", password=True)) as conn:  # her own row: allowed
        conn.execute("UPDATE annotator_hub.analysts SET name = 'Carla' WHERE role_name = 'anna'")
    report = sync(ben, None, "Ben")
    assert report.held == [Held("analysts", anna_here, "Anna", "Carla")]
    names = {a.id: a.name for a in ben.analysts()}
    assert names[anna_here] == "Anna" and names[carla] == "Carla"
    with psycopg.connect(team.url("anna", password=True)) as conn:
        conn.execute("UPDATE annotator_hub.analysts SET name = 'Anna K' WHERE role_name = 'anna'")
    assert sync(ben, None, "Ben").held == []
    assert {a.id: a.name for a in ben.analysts()}[anna_here] == "Anna K"


def test_a_talking_point_renamed_to_a_name_used_here_is_held(team: Team, tmp_path: Path) -> None:
    sync(Store.open(tmp_path / "rita.db"), team.url("rita"), "Rita")
    anna = Store.open(tmp_path / "anna.db")
    a_claim = tag(anna, "Anna", add_document(anna, ARTICLE), "Claim", "China firmly opposes")
    point, _ = Session(anna, anna.ensure_analyst("Anna")).group_claims(
        [AnnotationId(a_claim)], name="First name"
    )
    sync(anna, team.url("anna"), "Anna")
    ben = Store.open(tmp_path / "ben.db")
    sync(ben, team.url("ben"), "Ben")
    b_claim = tag(ben, "Ben", first_document(ben), "Claim", "Tokayev thanked")
    Session(ben, ben.ensure_analyst("Ben")).group_claims([AnnotationId(b_claim)], name="Echo")
    # Anna renames hers to Ben's name before Ben has sent his.
    anna_id = anna.ensure_analyst("Anna").id
    tp.put(anna, dataclasses.replace(point, name="ECHO"), analyst_id=anna_id)
    sync(anna, None, "Anna")

    report = sync(ben, None, "Ben")
    assert report.held == [Held("talking_points", point.id, "First name", "ECHO")]
    assert [why for _e, _i, why in report.waiting if _e == "talking_point"] == [
        "the hub has another talking point named “Echo”: rename this one here (or put its "
        "claims into that one), then sync again"
    ]
    assert {p.name for p in tp.all_points(ben.conn)} == {"First name", "Echo"}
    echo = tp.find_by_name(ben.conn, "Echo")
    assert echo is not None
    ben_id = ben.ensure_analyst("Ben").id
    tp.put(ben, dataclasses.replace(echo, name="Echo chamber"), analyst_id=ben_id)
    settled = sync(ben, None, "Ben")
    assert settled.held == [] and settled.waiting == []
    assert {p.name for p in tp.all_points(ben.conn)} == {"ECHO", "Echo chamber"}
    sync(anna, None, "Anna")
    assert {p.name for p in tp.all_points(anna.conn)} == {"ECHO", "Echo chamber"}


def first_document(store: Store) -> DocumentId:
    return DocumentId(store.conn.execute("SELECT id FROM documents").fetchone()[0])
