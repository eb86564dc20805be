"""Span-level agreement: exact and overlap matching, one-to-one, and P/R/F1 from the counts;
token-level label sets from overlapping spans; sentiment over matched spans."""

from __future__ import annotations

import krippendorff
import pytest

from annotator.core.agreement import SENTIMENT_SCALE, SpanScores
from annotator.core.agreement.sentiment import SentimentTally
from annotator.core.agreement.spans import match_exact, match_overlap, scores_by_label
from annotator.core.agreement.token_labels import Span, category, token_runs


def S(label: str, start: int, end: int, sentiment: str | None = None) -> Span:  # noqa: N802
    return Span(label, start, end, sentiment)


ANA = [S("Claim", 0, 10), S("Claim", 20, 30), S("Speaker", 40, 45), S("Target", 50, 55)]
OLGA = [S("Claim", 0, 10), S("Claim", 22, 35), S("Speaker", 40, 46), S("Claim", 60, 70)]


def test_exact_needs_same_label_start_and_end() -> None:
    matches = match_exact(ANA, OLGA)
    assert matches == [(S("Claim", 0, 10), S("Claim", 0, 10))]
    scores = sum(scores_by_label(ANA, OLGA, matches).values(), SpanScores())
    assert scores == SpanScores(matched=1, reference=4, compared=4)
    assert scores.precision == scores.recall == scores.f1 == 0.25


def test_overlap_needs_same_label_and_a_shared_code_point() -> None:
    matches = match_overlap(ANA, OLGA)
    assert sorted(matches, key=lambda m: m[0].start) == [
        (S("Claim", 0, 10), S("Claim", 0, 10)),
        (S("Claim", 20, 30), S("Claim", 22, 35)),
        (S("Speaker", 40, 45), S("Speaker", 40, 46)),
    ]
    by_label = scores_by_label(ANA, OLGA, matches)
    assert by_label["Claim"] == SpanScores(matched=2, reference=2, compared=3)
    assert by_label["Claim"].precision == pytest.approx(2 / 3)
    assert by_label["Claim"].recall == 1.0
    assert by_label["Claim"].f1 == pytest.approx(0.8)
    assert by_label["Target"] == SpanScores(matched=0, reference=1, compared=0)
    assert by_label["Target"].precision is None and by_label["Target"].f1 == 0.0


def test_touching_spans_do_not_overlap() -> None:
    assert match_overlap([S("Claim", 0, 10)], [S("Claim", 10, 20)]) == []


def test_overlap_is_one_to_one_and_prefers_the_largest_overlap() -> None:
    # Olga's long span overlaps both of Ana's; it goes to the one it shares most with, and
    # Ana's other span stays unmatched rather than being matched twice.
    ana = [S("Claim", 0, 4), S("Claim", 5, 20)]
    olga = [S("Claim", 2, 18)]
    assert match_overlap(ana, olga) == [(S("Claim", 5, 20), S("Claim", 2, 18))]
    # Greedy, not first-come: Ana's first span would take Olga's only span in reading order.
    assert match_overlap(olga, ana) == [(S("Claim", 2, 18), S("Claim", 5, 20))]


def test_overlap_ties_go_to_the_closest_boundaries() -> None:
    ana = [S("Claim", 10, 20)]
    olga = [S("Claim", 0, 15), S("Claim", 15, 20)]  # both share 5 code points with Ana's
    assert match_overlap(ana, olga) == [(S("Claim", 10, 20), S("Claim", 15, 20))]


def test_duplicate_spans_match_once_each() -> None:
    ana = [S("Claim", 0, 5), S("Claim", 0, 5)]
    olga = [S("Claim", 0, 5)]
    assert len(match_exact(ana, olga)) == 1
    assert len(match_overlap(ana, olga)) == 1


def test_f1_is_symmetric_and_precision_recall_swap() -> None:
    forward = sum(scores_by_label(ANA, OLGA, match_overlap(ANA, OLGA)).values(), SpanScores())
    backward = sum(scores_by_label(OLGA, ANA, match_overlap(OLGA, ANA)).values(), SpanScores())
    assert forward.f1 == backward.f1 == pytest.approx(0.75)
    assert (forward.precision, forward.recall) == (backward.recall, backward.precision)


def test_token_runs_combine_overlapping_labels_and_mark_missing_coders() -> None:
    tokens = [(0, 3), (4, 8), (9, 12), (13, 17)]
    ana = [S("Claim", 0, 12), S("Target", 4, 8)]
    olga = [S("Claim", 5, 6)]  # inside the second token only: that token is inside
    runs = list(token_runs(tokens, [ana, olga, None]))
    expanded = [pattern for pattern, weight in runs for _ in range(weight)]
    assert expanded == [
        (frozenset({"Claim"}), frozenset(), None),
        (frozenset({"Claim", "Target"}), frozenset({"Claim"}), None),
        (frozenset({"Claim"}), frozenset(), None),
        (frozenset(), frozenset(), None),
    ]
    assert category(frozenset({"Target", "Claim"})) == "Claim+Target"
    assert category(frozenset()) == "none"


def test_a_span_over_whitespace_only_marks_no_token() -> None:
    tokens = [(0, 3), (5, 8)]
    runs = list(token_runs(tokens, [[S("Claim", 3, 5)], []]))
    assert runs == [((frozenset(), frozenset()), 2)]


def test_sentiment_alpha_over_matched_pairs_nominal_and_ordinal() -> None:
    pairs = [
        ("negative", "negative"),
        ("negative", "neutral"),
        ("positive", "positive"),
        ("neutral", "neutral"),
        ("positive", "negative"),
        ("mixed", "negative"),
        ("negative", None),  # one side gave none: not a unit
    ]
    tally = SentimentTally()
    tally.add(
        [(S("Claim", i, i + 1, a), S("Claim", i, i + 1, b)) for i, (a, b) in enumerate(pairs)]
    )
    result = tally.result()
    assert result.pairs == 6 and result.off_scale == 1
    codes = {"negative": 0, "neutral": 1, "positive": 2, "mixed": 3}
    units = [p for p in pairs if p[1] is not None]
    nominal = krippendorff.alpha(
        reliability_data=[[codes[a] for a, _ in units], [codes[b] for _, b in units]],
        level_of_measurement="nominal",
    )
    ordered = [p for p in units if p[0] in SENTIMENT_SCALE]
    ordinal = krippendorff.alpha(
        reliability_data=[[codes[a] for a, _ in ordered], [codes[b] for _, b in ordered]],
        level_of_measurement="ordinal",
    )
    assert result.nominal.value == pytest.approx(nominal)
    assert result.ordinal.value == pytest.approx(ordinal)
    assert result.ordinal.n == 10  # five pairs on the scale, two values each
