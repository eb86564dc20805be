"""Pivots, drill-downs, timelines and heatmaps: counts by speaker (span or typed name alike),
target, sentiment, layer, outlet and time, with the search language as the filter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from test_store_annotations import tag

from annotator.core.analysis import (
    AnalysisFilter,
    Cancelled,
    drill,
    heatmap,
    pivot,
    timeline,
)
from annotator.core.errors import ValidationError
from annotator.core.importing.report import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.records import REVIEWED_LAYER_ID, Annotation, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store

TEXT = (
    "Wei Fenghe said China opposes interference in Kazakhstan. The minister said ties grow. "
    "Tokayev said Kazakhstan welcomes investment. A spokesman said sanctions fail. "
    "Wei Fenghe added that drills are routine."
)


def add(store: Store, title: str, published: str | None, outlet: str) -> DocumentId:
    report = ImportReport(
        source="x", format="text", encoding="utf-8", encoding_detected=False, repairs=[]
    )
    extracted = ExtractedDocument(
        source=Path(f"corpus/{title}.txt"),
        title=title,
        text=f"{TEXT} ({title})",
        published=published,
        report=report,
        meta=SourceMeta(outlet=outlet),
    )
    summary, _ = store.documents.add(extracted, analyst_id=None)
    return summary.id


@dataclass
class Corpus:
    store: Store
    docs: dict[str, DocumentId] = field(default_factory=dict)
    claims: dict[str, Annotation] = field(default_factory=dict)


def at(fragment: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(fragment, start + 1)
    return start, start + len(fragment)


def build_corpus(store: Store) -> Corpus:
    """Three documents (April, May 2022, undated; two outlets), two analysts and the reviewed
    layer. Wei Fenghe is named by a speaker span in one claim and typed in another."""
    c = Corpus(store)
    c.docs["april"] = add(store, "April", "2022-04-26", "Xinhua")
    c.docs["may"] = add(store, "May", "2022-05-03", "Global Times")
    c.docs["undated"] = add(store, "Undated", None, "Xinhua")
    ana = Session(store, store.ensure_analyst("Ana"))
    olga = Session(store, store.ensure_analyst("Olga"))
    reviewed = Session(store, store.reviewed_layer())

    def claim(key: str, who: Session, doc: str, fragment: str, sentiment: str | None) -> None:
        c.claims[key] = tag(who, c.docs[doc], "Claim", *at(fragment), sentiment=sentiment)

    def said_by(key: str, who: Session, doc: str, span: str | None = None, name: str = "") -> None:
        if span is not None:
            speaker = tag(who, c.docs[doc], "Speaker", *at(span), speaker_name=name or None)
            who.set_link(source_id=c.claims[key].id, kind="said_by", target_id=speaker.id)
        else:
            who.set_link(source_id=c.claims[key].id, kind="said_by", name=name)

    def about(key: str, who: Session, doc: str, span: str) -> None:
        target = tag(who, c.docs[doc], "Target", *at(span))
        who.set_link(source_id=c.claims[key].id, kind="about", target_id=target.id)

    claim("a1", ana, "april", "China opposes interference", "negative")
    said_by("a1", ana, "april", "Wei Fenghe")  # span, its quote is the name
    about("a1", ana, "april", "Kazakhstan")
    claim("a2", ana, "april", "drills are routine", "negative")
    said_by("a2", ana, "april", name="Wei Fenghe")  # typed
    claim("a3", ana, "april", "ties grow", "positive")
    said_by("a3", ana, "april", "The minister", name="Wei Fenghe")  # span with a name
    claim("m1", olga, "may", "Kazakhstan welcomes investment", "positive")
    said_by("m1", olga, "may", "Tokayev")
    about("m1", olga, "may", "investment")
    claim("m2", olga, "may", "sanctions fail", None)
    claim("u1", ana, "undated", "China opposes interference", "negative")
    said_by("u1", ana, "undated", name="Wei Fenghe")
    claim("r1", reviewed, "april", "China opposes interference", "negative")
    said_by("r1", reviewed, "april", name="Wei Fenghe")
    return c


@pytest.fixture
def corpus(fresh_store: Store) -> Corpus:
    return build_corpus(fresh_store)


def counts(store: Store, by: tuple[str, ...], **kw: object) -> dict[tuple[str | None, ...], int]:
    result = pivot(store, by, AnalysisFilter(**kw))  # type: ignore[arg-type]
    assert result.total == sum(row.count for row in result.rows)
    return {row.keys: row.count for row in result.rows}


def test_speaker_by_span_by_typed_name_and_by_named_span_count_as_one(corpus: Corpus) -> None:
    got = counts(corpus.store, ("speaker",), layer="Ana")
    assert got == {("Wei Fenghe",): 4}


def test_everyone_counts_the_reviewed_layer_as_one_more_layer(corpus: Corpus) -> None:
    store = corpus.store
    assert counts(store, ("speaker", "sentiment")) == {
        ("Wei Fenghe", "negative"): 4,  # a1, a2, u1 and the reviewed layer's r1
        ("Wei Fenghe", "positive"): 1,
        ("Tokayev", "positive"): 1,
        (None, None): 1,
    }
    assert counts(store, ("analyst",)) == {("Ana",): 4, ("Olga",): 2, ("reviewed",): 1}
    assert counts(store, ("speaker",), layer=REVIEWED_LAYER_ID) == {("Wei Fenghe",): 1}
    assert counts(store, ("speaker",), layer="Olga") == {("Tokayev",): 1, (None,): 1}


def test_rows_are_sorted_by_count_then_keys_with_none_last(corpus: Corpus) -> None:
    result = pivot(corpus.store, ("sentiment",), AnalysisFilter())
    assert [row.keys for row in result.rows] == [("negative",), ("positive",), (None,)]
    assert [row.count for row in result.rows] == [4, 2, 1]
    assert result.by == ("sentiment",) and result.total == 7 and result.undated == 0


def test_time_fields_count_publication_periods_and_undated_separately(corpus: Corpus) -> None:
    store = corpus.store
    assert counts(store, ("month",)) == {("2022-04",): 4, ("2022-05",): 2, (None,): 1}
    assert counts(store, ("week",)) == {("2022-W17",): 4, ("2022-W18",): 2, (None,): 1}
    assert counts(store, ("day",))[("2022-05-03",)] == 2
    assert counts(store, ("year",)) == {("2022",): 6, (None,): 1}
    assert pivot(store, ("month",), AnalysisFilter()).undated == 1


def test_outlet_document_target_and_label(corpus: Corpus) -> None:
    store = corpus.store
    assert counts(store, ("outlet",)) == {("Xinhua",): 5, ("Global Times",): 2}
    assert counts(store, ("target",)) == {("Kazakhstan",): 1, ("investment",): 1, (None,): 5}
    assert counts(store, ("label",), label=None) == {("Claim",): 7, ("Speaker",): 3, ("Target",): 2}
    by_document = pivot(store, ("document",), AnalysisFilter())
    assert by_document.titles[corpus.docs["may"]] == "May"
    assert by_document.label("document", corpus.docs["may"]) == "May"


def test_speaker_spans_counted_by_speaker_name_themselves(corpus: Corpus) -> None:
    got = counts(corpus.store, ("speaker",), query="label:Speaker")
    assert got == {("Wei Fenghe",): 2, ("Tokayev",): 1}


def test_the_search_language_filters_and_a_named_label_replaces_the_default(
    corpus: Corpus,
) -> None:
    store = corpus.store
    assert counts(store, ("speaker",), query='speaker:"Wei Fenghe" sentiment:negative') == {
        ("Wei Fenghe",): 4
    }
    assert counts(store, ("sentiment",), query="target:kazakhstan") == {("negative",): 1}
    assert counts(store, ("label",), query="label:Target OR label:Speaker") == {
        ("Speaker",): 3,
        ("Target",): 2,
    }
    assert counts(store, ("speaker",), query="outlet:global") == {("Tokayev",): 1, (None,): 1}
    assert counts(store, ("speaker",), query="analyst:Olga -sanctions") == {("Tokayev",): 1}


def test_publication_dates_are_inclusive_and_leave_undated_out(corpus: Corpus) -> None:
    store = corpus.store
    since = date(2022, 4, 26)
    assert counts(store, ("month",), since=since) == {("2022-04",): 4, ("2022-05",): 2}
    assert counts(store, ("month",), until=since) == {("2022-04",): 4}
    assert counts(store, ("month",), since=date(2022, 5, 3), until=date(2022, 5, 3)) == {
        ("2022-05",): 2
    }


def test_drill_lists_the_passages_of_a_cell_in_document_order(corpus: Corpus) -> None:
    store = corpus.store
    passages = drill(store, ("speaker", "sentiment"), ("Wei Fenghe", "negative"), AnalysisFilter())
    ids = [p.annotation_id for p in passages]
    c = corpus.claims
    # April by start (a1 and r1 share the span), then the undated document.
    assert ids[:2] == sorted([c["a1"].id, c["r1"].id]) and ids[2:] == [c["a2"].id, c["u1"].id]
    first = passages[0]
    assert first.document_title == "April" and first.published == "2022-04-26"
    assert first.quote == "China opposes interference" and first.speaker == "Wei Fenghe"
    assert {p.analyst for p in passages} == {"Ana", "reviewed"}
    assert [p.target for p in passages if p.annotation_id == c["a1"].id] == ["Kazakhstan"]


def test_drill_matches_every_pivot_cell_including_none_and_periods(corpus: Corpus) -> None:
    store = corpus.store
    for by in (("speaker", "sentiment"), ("week",), ("month", "outlet"), ("target",)):
        for row in pivot(store, by, AnalysisFilter()).rows:
            assert len(drill(store, by, row.keys, AnalysisFilter())) == row.count, (by, row)


def test_drill_keeps_to_its_limit(corpus: Corpus) -> None:
    got = drill(corpus.store, ("sentiment",), ("negative",), AnalysisFilter(), limit=2)
    assert len(got) == 2


def test_timeline_fills_empty_periods_and_counts_undated_apart(corpus: Corpus) -> None:
    store = corpus.store
    line = timeline(store, "week", "sentiment", AnalysisFilter())
    assert line.periods == ["2022-W17", "2022-W18"] and line.undated == 1
    assert line.series == {"negative": [3, 0], "positive": [1, 1], "(none)": [0, 1]}
    monthly = timeline(store, "month", None, AnalysisFilter(query="-sanctions"))
    assert monthly.series == {"all": [4, 1]}
    spread = timeline(store, "month", None, AnalysisFilter(label=None, query="outlet:global"))
    assert spread.periods == ["2022-05"]


def test_timeline_periods_run_across_years_without_gaps() -> None:
    from annotator.core.analysis.counts import periods_between

    assert periods_between(["2021-11", "2022-02"], "month") == [
        "2021-11",
        "2021-12",
        "2022-01",
        "2022-02",
    ]
    assert periods_between(["2020-W53", "2021-W02"], "week") == ["2020-W53", "2021-W01", "2021-W02"]
    assert periods_between(["2024-02-28", "2024-03-01"], "day") == [
        "2024-02-28",
        "2024-02-29",
        "2024-03-01",
    ]


def test_heatmap_is_a_two_field_pivot(corpus: Corpus) -> None:
    result = heatmap(corpus.store, "speaker", "target", AnalysisFilter())
    got = {row.keys: row.count for row in result.rows}
    assert got[("Wei Fenghe", "Kazakhstan")] == 1 and got[("Tokayev", "investment")] == 1


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"query": "label:Nope"}, "No label “Nope”"),
        ({"query": '"unclosed'}, "quotation mark"),
        ({"query": "colour:red"}, "Unknown field"),
        ({"layer": "Nobody"}, "No analyst or layer “Nobody”"),
        ({"label": "Nope"}, "No label “Nope”"),
        ({"since": date(2022, 5, 1), "until": date(2022, 4, 1)}, "before it starts"),
    ],
)
def test_bad_filters_are_refused_with_a_plain_message(
    corpus: Corpus, kw: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        pivot(corpus.store, ("speaker",), AnalysisFilter(**kw))  # type: ignore[arg-type]


def test_unknown_fields_and_bad_cells_are_refused(corpus: Corpus) -> None:
    with pytest.raises(ValidationError, match="No field “colour”"):
        pivot(corpus.store, ("colour",), AnalysisFilter())
    with pytest.raises(ValidationError, match="once"):
        pivot(corpus.store, ("speaker", "speaker"), AnalysisFilter())
    with pytest.raises(ValidationError, match="not a week"):
        drill(corpus.store, ("week",), ("April",), AnalysisFilter())
    with pytest.raises(ValidationError, match="as many keys"):
        drill(corpus.store, ("week", "speaker"), ("2022-W17",), AnalysisFilter())


def test_a_cancelled_computation_raises_cancelled(corpus: Corpus) -> None:
    with pytest.raises(Cancelled):
        pivot(corpus.store, ("speaker",), AnalysisFilter(), cancelled=lambda: True)
    # The connection is left usable, without a progress handler.
    assert counts(corpus.store, ("analyst",), layer="Olga") == {("Olga",): 2}


def test_names_in_filters_and_cells_are_parameters_not_sql(corpus: Corpus) -> None:
    hostile = "x' OR 1=1 --"
    assert drill(corpus.store, ("speaker",), (hostile,), AnalysisFilter()) == []
    assert counts(corpus.store, ("speaker",), query=f'speaker:"{hostile}"') == {}
