"""The analysis counts equal the claims CSV's rows counted, for the same filter: speakers,
targets (spans and typed names, names with formula starts, quotes put on one line, a claim
with two links of a kind), sentiments, analysts, outlets and months."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from test_analysis_counts import build_corpus
from test_export_scope import build_project
from test_store_annotations import add_document, tag

from annotator.core.analysis import AnalysisFilter, pivot
from annotator.core.export import export_claims_csv
from annotator.core.export.scope import ExportFilter
from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.search import search_annotations
from annotator.core.session import Session
from annotator.core.store import Store

FIELDS = ("speaker", "target", "sentiment", "analyst", "outlet", "month")


def csv_counts(
    store: Store, tmp_path: Path, flt: ExportFilter, ids: set[str] | None = None
) -> Counter[tuple[str | None, ...]]:
    path = tmp_path / "claims.csv"
    export_claims_csv(store, path, filter=flt, raw=True)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = [r for r in csv.DictReader(stream) if ids is None or r["claim_id"] in ids]
    return Counter(
        tuple(
            (row["published"][:7] or None) if name == "month" else (row[name] or None)
            for name in FIELDS
        )
        for row in rows
    )


def analysis_counts(store: Store, filt: AnalysisFilter) -> Counter[tuple[str | None, ...]]:
    result = pivot(store, FIELDS, filt)
    return Counter({row.keys: row.count for row in result.rows})


def rich(store: Store) -> None:
    """Both test projects in one, plus a claim whose speaker span is not on one line and a
    claim with two said_by links (the newer wins, as in the export)."""
    build_project(store)
    build_corpus(store)
    spaces = "Minister\n  Wang\u3000Yi"
    doc = add_document(store, f"Said {spaces} today, firmly.")
    session = Session(store, store.ensure_analyst("Ana"))
    speaker = tag(session, doc, "Speaker", 5, 5 + len(spaces))
    claim = tag(session, doc, "Claim", 0, 4, sentiment="positive")
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    store.conn.execute(
        "INSERT INTO links (id, source_id, kind, target_id, name, analyst_id, created) "
        "VALUES ('zz', ?, 'said_by', NULL, 'Newer Name', ?, '2999-01-01T00:00:00.000Z')",
        [claim.id, claim.analyst_id],
    )


@pytest.fixture
def store(fresh_store: Store) -> Store:
    rich(fresh_store)
    return fresh_store


@pytest.mark.parametrize(
    ("export", "analysis"),
    [
        (ExportFilter(), AnalysisFilter()),
        (ExportFilter(analysts=("Ana",)), AnalysisFilter(layer="Ana")),
        (ExportFilter(layers=("reviewed",)), AnalysisFilter(layer=REVIEWED_LAYER_ID)),
        (
            ExportFilter(date_field="published", since=date(2022, 4, 1), until=date(2022, 4, 30)),
            AnalysisFilter(since=date(2022, 4, 1), until=date(2022, 4, 30)),
        ),
    ],
)
def test_counts_equal_the_claims_csv_for_the_same_filter(
    store: Store, tmp_path: Path, export: ExportFilter, analysis: AnalysisFilter
) -> None:
    expected = csv_counts(store, tmp_path, export)
    assert sum(expected.values()) > 0
    assert analysis_counts(store, analysis) == expected


@pytest.mark.parametrize(
    "query",
    ['speaker:"Wei Fenghe"', "target:kazakhstan OR sentiment:positive", "-sentiment:negative"],
)
def test_counts_equal_the_claims_csv_rows_the_search_finds(
    store: Store, tmp_path: Path, query: str
) -> None:
    found = {hit.annotation_id for hit in search_annotations(store, f"{query}", limit=10_000)}
    expected = csv_counts(store, tmp_path, ExportFilter(), found)
    assert sum(expected.values()) > 0
    assert analysis_counts(store, AnalysisFilter(query=query)) == expected


def test_the_names_the_csv_puts_on_one_line_or_takes_from_the_newer_link(store: Store) -> None:
    speakers = {row.keys[0] for row in pivot(store, ("speaker",), AnalysisFilter()).rows}
    assert "Newer Name" in speakers and "Minister Wang Yi" not in speakers
    assert "the spokesman" in speakers and "=HYPERLINK(x)" in speakers
