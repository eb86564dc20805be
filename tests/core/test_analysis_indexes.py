"""The analysis statements use migration 0012's indexes: a partial index serves a query only
when the query repeats its condition word for word, so a drift between the two would turn a
cell's drill-down into a scan of every annotation."""

from __future__ import annotations

from test_analysis_counts import build_corpus

from annotator.core.analysis.filters import compile_filter
from annotator.core.analysis.results import AnalysisFilter
from annotator.core.store import Store
from annotator.core.store import analysis_rows as rows
from annotator.core.store.analysis_counts import count_sql


def plan(store: Store, sql: str, params: list[object]) -> str:
    rows.register(store.conn)
    return "\n".join(str(r[3]) for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_a_names_passages_are_found_through_the_name_indexes(fresh_store: Store) -> None:
    build_corpus(fresh_store)
    sql, params = rows._named("speaker", "Wei Fenghe", spans=True)
    shown = plan(fresh_store, sql, params)
    for index in (
        "links_by_name",
        "annotations_by_speaker_name",
        "annotations_by_short_quote",
        "annotations_by_spaced_quote",
    ):
        assert index in shown, shown
    assert "SCAN annotations\n" not in shown + "\n"


def test_counting_by_own_columns_reads_the_analysis_index_alone(fresh_store: Store) -> None:
    build_corpus(fresh_store)
    where = compile_filter(fresh_store, AnalysisFilter(layer="Ana"))
    sql, params = count_sql(("sentiment", "analyst"), where)
    assert "COVERING INDEX annotations_for_analysis" in plan(fresh_store, sql, params)
