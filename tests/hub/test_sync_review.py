"""A reviewer clones the hub into an empty project, adjudicates, and the analysts receive
the reviewed layer and the decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sync_support import PASSWORD, Team, add_document, layer, make_team, tag

from annotator.core.attribution import DocumentAnnotations
from annotator.core.hub.sync import sync
from annotator.core.records import REVIEWED_LAYER_ID, DocumentId
from annotator.core.review.compare import compare_layers
from annotator.core.session import Session
from annotator.core.store import Store


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return make_team(postgres_hub)


def state(store: Store, doc: DocumentId) -> DocumentAnnotations:
    return DocumentAnnotations(
        store.annotations.for_document(doc),
        store.annotations.links_for_document(doc),
        store.codebook.get(),
    )


def test_reviewer_clones_adjudicates_and_analysts_receive_it(team: Team, tmp_path: Path) -> None:
    sync(Store.open(tmp_path / "setup.db"), team.url("rita"), "Rita")  # the codebook
    anna, ben = Store.open(tmp_path / "anna.db"), Store.open(tmp_path / "ben.db")
    tag(anna, "Anna", add_document(anna), "Claim", "China firmly opposes external forces")
    tag(ben, "Ben", add_document(ben), "Claim", "firmly opposes external forces")
    sync(anna, team.url("anna"), "Anna")
    sync(ben, team.url("ben"), "Ben")

    review = Store.open(tmp_path / "review.db")  # empty
    sync(review, team.url("rita"), "Rita")
    assert layer(review, "Anna") == {("Claim", "China firmly opposes external forces")}
    assert layer(review, "Ben") == {("Claim", "firmly opposes external forces")}
    doc = review.documents.list()[0].id
    people = {a.name: a.id for a in review.analysts()}
    items = compare_layers(state(review, doc), people["Anna"], people["Ben"])
    assert len(items) == 1
    rita = next(a for a in review.analysts() if a.name == "Rita")
    decisions, _ = Session(review, rita).review(
        state(review, doc), [(items[0], "first")],
        first_layer=people["Anna"], second_layer=people["Ben"],
    )  # fmt: skip
    sent = sync(review, None, "Rita")
    assert sent.sent >= 2  # the reviewed span and the decision

    received = sync(anna, None, "Anna")
    assert received.conflicts == []
    reviewed = [a for a in anna.annotations.for_document(anna.documents.list()[0].id)
                if a.analyst_id == REVIEWED_LAYER_ID]  # fmt: skip
    assert [a.quote for a in reviewed] == ["China firmly opposes external forces"]
    decision = anna.reviews.find(decisions[0].id)
    assert decision is not None and decision.decision == "first"
    assert decision.first_layer == next(a.id for a in anna.analysts() if a.name == "Anna")


def test_an_analyst_cannot_write_the_reviewed_layer(team: Team, tmp_path: Path) -> None:
    sync(Store.open(tmp_path / "setup.db"), team.url("rita"), "Rita")
    anna = Store.open(tmp_path / "anna.db")
    doc = add_document(anna)
    Session(anna, anna.reviewed_layer()).create_annotation(
        document_id=doc,
        label_id=anna.codebook.get().by_name("Claim").id,
        start=0,
        end=5,
    )
    report = sync(anna, team.url("anna"), "Anna")
    review = Store.open(tmp_path / "review.db")
    sync(review, team.url("rita"), "Rita")
    assert layer(review, review.reviewed_layer().name) == set()
    assert report.conflicts == []
