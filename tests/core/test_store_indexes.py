"""Queries that run on every document switch or start read indexes, not whole tables."""

from __future__ import annotations

from annotator.core.store import Store


def plan(store: Store, sql: str) -> str:
    return "\n".join(row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql))


def test_names_offered_for_completion_come_from_partial_indexes(fresh_store: Store) -> None:
    shown = plan(
        fresh_store,
        "SELECT speaker_name FROM annotations WHERE speaker_name IS NOT NULL "
        "UNION SELECT name FROM links WHERE name IS NOT NULL ORDER BY 1",
    )
    assert "COVERING INDEX annotations_by_speaker_name" in shown, shown
    assert "COVERING INDEX links_by_name" in shown, shown
    assert "SCAN annotations\n" not in shown + "\n" and "SCAN links\n" not in shown + "\n"


def test_the_document_catalog_reads_the_listing_index_only(fresh_store: Store) -> None:
    shown = plan(fresh_store, "SELECT id, title, published FROM documents")
    assert "COVERING INDEX documents_listing" in shown, shown
