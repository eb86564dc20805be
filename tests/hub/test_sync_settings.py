"""A pull works with a larger page cache, a memory map, a longer write-ahead log and
synchronous = NORMAL, and gives all four back after."""

from __future__ import annotations

from pathlib import Path

import pytest
from sync_support import ARTICLE, PASSWORD, Team, add_document, make_team, tag

from annotator.core.hub.sync import sync
from annotator.core.hub.sync_pull import PULL_CACHE_KIB, PULL_CHECKPOINT_PAGES, PULL_MMAP_BYTES
from annotator.core.store import Store


@pytest.fixture
def team(postgres_hub: str, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return make_team(postgres_hub)


def _settings(store: Store) -> tuple[int, ...]:
    conn = store.conn
    return tuple(
        int(conn.execute(f"PRAGMA {name}").fetchone()[0])
        for name in ("cache_size", "wal_autocheckpoint", "mmap_size", "synchronous")
    )


def test_a_clone_pulls_with_a_large_cache_and_gives_it_back(team: Team, tmp_path: Path) -> None:
    with Store.open(tmp_path / "rita.db") as rita:
        sync(rita, team.url("rita"), "Rita")
    with Store.open(tmp_path / "anna.db") as anna:
        tag(anna, "Anna", add_document(anna, ARTICLE, "From Anna"), "Claim", "Wei Fenghe")
        sync(anna, team.url("anna"), "Anna")
    clone = Store.open(tmp_path / "clone.db")
    before = _settings(clone)
    while_receiving: list[tuple[int, ...]] = []

    def progress(text: str) -> bool:
        if text.startswith("Received"):
            while_receiving.append(_settings(clone))
        return True

    report = sync(clone, team.url("ben"), "Ben", progress=progress)
    assert report.received >= 2
    assert clone.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 1
    assert while_receiving
    normal = 1
    pulling = (-PULL_CACHE_KIB, PULL_CHECKPOINT_PAGES, PULL_MMAP_BYTES, normal)
    assert all(s == pulling for s in while_receiving)
    assert _settings(clone) == before != pulling
    clone.close()
