"""A clone large enough to load with the tables' upkeep set aside (more than one batch into an
empty table) ends as the same project the rows written one by one make: the same schema,
search, analysis_names and links; one history entry per batch received rather than per row;
and an incremental sync afterwards goes through the triggers again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sync_support import PASSWORD, Team, add_document, make_team
from test_analysis_names import from_table

from annotator.core.hub import sync_pull
from annotator.core.hub.sync import sync
from annotator.core.search import search_annotations, sync_index
from annotator.core.session import Session
from annotator.core.store import Store

WORDS = ("minister", "Łódź", "envoy", "talks", "summit", "ministry", "Straße", "会谈")
TEXT = " ".join(f"{WORDS[i % len(WORDS)]}{i}" for i in range(1200))


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    monkeypatch.setattr(sync_pull, "BATCH", 40)
    return make_team(postgres_hub)


def schema(store: Store) -> set[tuple[str, str, str]]:
    return set(
        store.conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    )


def rows(store: Store, table: str) -> set[tuple[object, ...]]:
    columns = {
        "annotations": 'id, analyst_id, start, "end", quote, prefix, suffix, sentiment, note',
        "links": "id, source_id, kind, target_id, name",
    }[table]
    return set(store.conn.execute(f"SELECT {columns} FROM {table}").fetchall())


def names(store: Store) -> dict[str, tuple[object, ...]]:
    """analysis_names as the counts read it, with labels by name (ids differ per project)."""
    labels = {lb.id: lb.name for lb in store.codebook.get().labels}
    return {k: (labels[v[0]], *v[1:]) for k, v in from_table(store).items()}


def tagged(store: Store, analyst: str) -> None:
    """200 claims, each said by a speaker span or a typed name, and about a typed target."""
    doc = add_document(store, TEXT, "Long")
    session = Session(store, store.ensure_analyst(analyst))
    book = store.codebook.get()
    claim, speaker = book.by_name("Claim").id, book.by_name("Speaker").id
    words = TEXT.split(" ")
    at = 0
    last = ""
    for i, word in enumerate(words[:400]):
        kind = claim if i % 2 else speaker
        made, _ = session.create_annotation(
            document_id=doc, label_id=kind, start=at, end=at + len(word)
        )
        if kind == claim:
            if i % 4 == 1:
                session.set_link(source_id=made.id, kind="said_by", target_id=last)
            else:
                session.set_link(source_id=made.id, kind="said_by", name=f"Name {i}")
            session.set_link(source_id=made.id, kind="about", name=f"Target {i % 7}")
        last = made.id
        at += len(word) + 1


def test_a_large_clone_is_the_project_made_row_by_row(team: Team, tmp_path: Path) -> None:
    sync(Store.open(tmp_path / "setup.db"), team.url("rita"), "Rita")  # the codebook
    anna = Store.open(tmp_path / "anna.db")
    tagged(anna, "Anna")
    sync(anna, team.url("anna"), "Anna")

    ben = Store.open(tmp_path / "ben.db")
    fresh_schema = schema(ben)
    report = sync(ben, team.url("ben"), "Ben")
    assert report.conflicts == []
    assert schema(ben) == fresh_schema  # every index and trigger is back
    assert ben.conn.execute("SELECT count(*) FROM deferred_upkeep").fetchone()[0] == 0
    assert rows(ben, "annotations") == rows(anna, "annotations")
    assert rows(ben, "links") == rows(anna, "links")
    assert len(rows(ben, "links")) == 400
    assert names(ben) == names(anna) != {}
    sync_index(anna)
    sync_index(ben)
    for query in ("lodz1", "strasse6", "minister0", "speaker:name", "target:target"):
        found = sorted(h.annotation_id for h in search_annotations(ben, query, limit=1000))
        assert found, query
        assert found == sorted(
            h.annotation_id for h in search_annotations(anna, query, limit=1000)
        ), query
    # New rows came in batches, one history entry each, not 400 + 400 entries.
    received = ben.conn.execute(
        "SELECT count(*), sum(json_extract(after, '$.rows')) FROM history "
        "WHERE action = 'sync-received'"
    ).fetchone()
    per_row = ben.conn.execute(
        "SELECT count(*) FROM history WHERE entity IN ('annotation', 'link')"
    ).fetchone()[0]
    assert received[1] == 800 and 2 <= received[0] <= 20 and per_row == 0

    # Afterwards, changes arrive through the triggers as always.
    session = Session(anna, anna.ensure_analyst("Anna"))
    first = anna.annotations.for_document(anna.documents.list()[0].id)[1]
    session.set_link(source_id=first.id, kind="about", name="Changed target")
    sync(anna, None, "Anna")
    after = sync(ben, None, "Ben")
    assert after.changed_tables == {"links"} and after.received >= 1
    assert names(ben) == names(anna)
    assert ben.conn.execute("SELECT count(*) FROM deferred_upkeep").fetchone()[0] == 0
    sync_index(ben)
    hits = search_annotations(ben, "target:changed")
    assert [h.annotation_id for h in hits] == [first.id]
