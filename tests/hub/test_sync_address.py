"""The hub's address a project remembers: its parameters may change (TLS turned on), file
parameters are remembered as absolute paths, another hub is refused; a sync that cannot
connect is recorded as failed; and a newcomer's first sync takes the team's codebook without
listing the shipped codebook's labels as conflicts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sync_support import PASSWORD, Team, make_team

from annotator.core.codebook import LabelDraft
from annotator.core.errors import AnnotatorError
from annotator.core.hub.sync import status, sync
from annotator.core.store import Store


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return make_team(postgres_hub)


def test_parameters_may_change_another_hub_may_not(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    anna = Store.open(tmp_path / "anna.db")
    sync(anna, team.url("anna") + "&passfile=team.pgpass", "Anna")
    remembered = status(anna).url or ""
    assert "passfile=" + str(tmp_path / "team.pgpass").replace("/", "%2F") in remembered
    # The admin changes a parameter (here the timeout; TLS alike): the same hub, remembered.
    sync(anna, team.url("anna") + "&connect_timeout=9", None)
    assert "connect_timeout=9" in (status(anna).url or "")
    monkeypatch.chdir(tmp_path.parent)
    sync(anna, None, None)  # from elsewhere, with what was remembered
    with pytest.raises(AnnotatorError, match="belongs to one hub"):
        sync(anna, team.url("ben"), None)


def test_a_sync_that_cannot_connect_is_recorded_as_failed(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = Store.open(tmp_path / "anna.db")
    sync(anna, team.url("anna"), "Anna")
    assert status(anna).last_error is None
    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    with pytest.raises(AnnotatorError, match="password"):
        sync(anna, None, None)
    assert "password authentication failed" in (status(anna).last_error or "")
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    sync(anna, None, None)
    assert status(anna).last_error is None


def test_a_newcomer_takes_the_team_codebook_without_conflicts(
    team: Team, tmp_path: Path
) -> None:
    rita = Store.open(tmp_path / "rita.db")
    sync(rita, team.url("rita"), "Rita")
    book = rita.codebook.get()
    drafts = [
        dataclasses.replace(LabelDraft.of(label), color="#010203")
        if label.name == "Claim"
        else LabelDraft.of(label)
        for label in book.labels
    ]
    rita.codebook.save(drafts, list(book.sentiments), analyst_id=None)
    sync(rita, None, "Rita")

    ben = Store.open(tmp_path / "ben.db")  # a new, empty project: the shipped codebook
    report = sync(ben, team.url("ben"), "Ben")
    assert report.conflicts == []
    assert ben.codebook.get().by_name("Claim").color == "#010203"
    lost = "SELECT count(*) FROM history WHERE action = 'sync-conflict'"
    assert ben.conn.execute(lost).fetchone()[0] == 0
