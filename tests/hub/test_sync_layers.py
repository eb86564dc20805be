"""Two analysts on two projects tag the same article, sync, and see each other's layers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sync_support import ARTICLE, PASSWORD, Team, add_document, layer, make_team, tag

from annotator.core.hub.sync import sync
from annotator.core.store import Store


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)  # libpq's: the projects remember no password
    return make_team(postgres_hub)


def test_two_analysts_see_each_others_layers(team: Team, tmp_path: Path) -> None:
    reviewer = Store.open(tmp_path / "rita.db")
    sync(reviewer, team.url("rita"), "Rita")  # the reviewer's sync brings the codebook
    anna = Store.open(tmp_path / "anna.db")
    ben = Store.open(tmp_path / "ben.db")
    doc_a = add_document(anna, ARTICLE, "From Anna")
    doc_b = add_document(ben, ARTICLE, "From Ben")
    tag(anna, "Anna", doc_a, "Claim", "China firmly opposes external forces")
    tag(ben, "Ben", doc_b, "Speaker", "Wei Fenghe")
    first = sync(anna, team.url("anna"), "Anna")
    assert first.sent >= 2
    sync(ben, team.url("ben"), "Ben")
    sync(anna, None, "Anna")
    assert layer(anna, "Ben") == {("Speaker", "Wei Fenghe")}
    assert layer(ben, "Anna") == {("Claim", "China firmly opposes external forces")}
    # One article on both sides (the same text), however each project named it.
    assert anna.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert ben.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
