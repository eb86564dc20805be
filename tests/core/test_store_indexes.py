"""Queries that run on every document switch or start read indexes, not whole tables.

The SQL is captured from the real calls, so the test follows any change to the queries.
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.store import Store


def plans_of(store: Store, call: Callable[[], object]) -> str:
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        call()
    finally:
        store.conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert selects, statements
    return "\n".join(
        row[-1] for sql in selects for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)
    )


def test_names_offered_for_completion_come_from_partial_indexes(fresh_store: Store) -> None:
    shown = plans_of(fresh_store, fresh_store.annotations.speaker_names)
    assert "COVERING INDEX annotations_by_speaker_name" in shown, shown
    assert "COVERING INDEX links_by_name" in shown, shown
    assert "SCAN annotations\n" not in shown + "\n" and "SCAN links\n" not in shown + "\n"


def test_the_document_catalog_reads_the_listing_index_only(fresh_store: Store) -> None:
    shown = plans_of(fresh_store, fresh_store.documents.catalog)
    assert "COVERING INDEX documents_listing" in shown, shown


def test_the_next_undo_and_redo_steps_come_from_the_analysts_index(fresh_store: Store) -> None:
    from annotator.core.session import Session

    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    for call in (session.undo_description, session.redo_description):
        shown = plans_of(fresh_store, call)
        assert "INDEX undo_log_by_analyst" in shown, shown
        assert "SCAN undo_log" not in shown and "TEMP B-TREE" not in shown, shown
