"""Re-anchoring quotes in another copy of a text: position, quote + context, whitespace, fuzzy."""

from __future__ import annotations

import random
import re
import time

import pytest

from annotator.core.interchange.anchoring import (
    ACCEPT_SCORE,
    Anchorer,
    Selector,
    edit_scores,
    reanchor,
)
from annotator.core.records import anchor
from support import SAMPLE

TEXT = SAMPLE.read_text(encoding="utf-8")
CLAIM = "China firmly opposes external forces deliberately instigating a “color revolution”"


def selector_of(text: str, start: int, end: int) -> Selector:
    """What an export stores for text[start:end]: quote, 32 characters of context, offsets."""
    quote, prefix, suffix = anchor(text, start, end)
    return Selector(quote, prefix, suffix, start, end)


def span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return at, at + len(needle)


def test_unchanged_text_anchors_by_position_with_full_score() -> None:
    start, end = span(TEXT, "Wei Fenghe")
    found = reanchor(TEXT, selector_of(TEXT, start, end))
    assert found is not None
    assert (found.start, found.end, found.method, found.score) == (start, end, "position", 1.0)


def test_paragraph_inserted_before_shifts_the_span() -> None:
    start, end = span(TEXT, CLAIM, nth=1)  # the second "China firmly opposes" sentence
    paragraph = "Editor's note: this article was updated with reactions from Astana.\n"
    cut = TEXT.index("Tokayev said")
    changed = TEXT[:cut] + paragraph + TEXT[cut:]
    found = reanchor(changed, selector_of(TEXT, start, end))
    assert found is not None
    assert (found.start, found.end) == (start + len(paragraph), end + len(paragraph))
    assert found.method == "quote"
    assert found.score > 0.99


def test_typo_fixed_inside_the_quote_is_found_fuzzily_and_snapped_to_the_new_text() -> None:
    typo = TEXT.replace("permanent strategic partners", "permanant strategic partners")
    quote = "the two countries have become permanant strategic partners"
    start, end = span(typo, quote)
    found = reanchor(TEXT, selector_of(typo, start, end))
    assert found is not None
    assert found.method == "fuzzy"
    assert TEXT[found.start : found.end] == quote.replace("permanant", "permanent")
    assert ACCEPT_SCORE <= found.score < 1.0


def test_typo_fixed_and_paragraph_inserted_far_before_is_found_in_the_whole_text() -> None:
    typo = TEXT.replace("practical cooperation", "practicle cooperation")
    quote = "continue to strengthen practicle cooperation in peacekeeping"
    start, end = span(typo, quote)
    changed = "Background. " * 400 + TEXT  # moves it 4,800 characters, beyond the near search
    found = reanchor(changed, selector_of(typo, start, end))
    assert found is not None
    assert found.method == "fuzzy"
    assert changed[found.start : found.end] == quote.replace("practicle", "practical")


def test_context_chooses_among_three_occurrences_before_position() -> None:
    text = (
        "In January, Tokayev said the talks went well. "
        "In March, after the summit in Astana, Tokayev said the talks went well. "
        "In May, speaking to reporters in Beijing, Tokayev said the talks went well."
    )
    third = span(text, "Tokayev said", nth=2)
    stored = selector_of(text, *third)
    # Positions point at the first occurrence, the context at the third: context wins.
    first = span(text, "Tokayev said")
    misplaced = Selector(stored.exact, stored.prefix, stored.suffix, first[0] + 3, first[1] + 3)
    found = reanchor(text, misplaced)
    assert found is not None
    assert (found.start, found.end, found.method) == (*third, "quote")
    # With no position at all (a W3C selector may have none) the context still decides.
    second = span(text, "Tokayev said", nth=1)
    found = reanchor(text, Selector(**{**selector_of(text, *second).__dict__, "start": None}))
    assert found is not None and (found.start, found.end) == second


def test_equal_context_falls_back_to_the_nearest_occurrence() -> None:
    text = "Yes. " * 30
    found = reanchor(text, Selector("Yes.", "Yes. ", " Yes.", 52, 56))
    assert found is not None and found.start == 50


def test_deleted_passage_is_not_anchored() -> None:
    start, end = span(TEXT, "Rare protests reached Kazakh’s biggest city Almaty this January")
    stored = selector_of(TEXT, start, end)
    paragraph = TEXT[TEXT.rindex("\n", 0, start) : TEXT.index("\n", end)]
    assert reanchor(TEXT.replace(paragraph, ""), stored) is None


def test_short_quote_is_not_moved_to_another_mention_when_its_passage_is_deleted() -> None:
    start, end = span(TEXT, "Wang Yi")
    stored = selector_of(TEXT, start, end)
    paragraph = TEXT[TEXT.rindex("\n", 0, start) :]
    text = TEXT.replace(paragraph, "") + "\nLater, Wang Yi met reporters."
    assert reanchor(text, stored) is None
    # ... but one side of its context surviving is enough.
    text = TEXT.replace("pledged China’s firm support", "promised support")
    found = reanchor(text, stored)
    assert found is not None and text[found.start : found.end] == "Wang Yi"


@pytest.mark.parametrize(
    ("text", "quote", "edited"),
    [
        (
            "第一段。\n中国外交部发言人汪文斌表示，中方坚决反对外部势力干涉。",
            "中方坚决反对外部势力干涉",
            "中方坚决反对外部势力干预",
        ),
        (
            "Launch day 🚀🇰🇿 — “Beacon reaches 99.7% of the planet” 🛰️ said Dana.",
            "Beacon reaches 99.7% of the planet",
            "Beacon reaches 99.8% of the planet",
        ),
        (
            "قال وزير الخارجية إن المحادثات بشأن المياه كانت بناءة ومثمرة للغاية.",
            "المحادثات بشأن المياه كانت بناءة",
            "المحادثات حول المياه كانت بناءة",
        ),
    ],
    ids=["cjk", "emoji", "arabic"],
)
def test_non_latin_text_anchors_in_code_points(text: str, quote: str, edited: str) -> None:
    start, end = span(text, quote)
    stored = selector_of(text, start, end)
    moved = "🙂 前言 مقدمة\n" + text
    found = reanchor(moved, stored)
    assert found is not None and moved[found.start : found.end] == quote
    assert found.start == start + len("🙂 前言 مقدمة\n")
    retyped = moved.replace(quote, edited)
    found = reanchor(retyped, stored)
    assert found is not None and found.method == "fuzzy"
    assert retyped[found.start : found.end] == edited


def test_collapsed_double_spaces_are_no_difference() -> None:
    spaced = "The minister  said:  we  will  not  allow  it.\n\nThat was all."
    start, end = span(spaced, "said:  we  will  not")
    collapsed = re.sub(" +", " ", spaced)
    found = reanchor(collapsed, selector_of(spaced, start, end))
    assert found is not None and found.method == "normalised"
    assert collapsed[found.start : found.end] == "said: we will not"
    # The other way round: a quote with single spaces in a text that has double ones.
    start, end = span(collapsed, "said: we will not")
    found = reanchor(spaced, selector_of(collapsed, start, end))
    assert found is not None and spaced[found.start : found.end] == "said:  we  will  not"


def test_straight_quotes_and_hyphens_match_typographic_ones() -> None:
    start, end = span(TEXT, "a “color revolution” in Kazakhstan")
    plain = "Updated.\n" + TEXT.replace("“", '"').replace("”", '"').replace("–", "-")
    found = reanchor(plain, selector_of(TEXT, start, end))
    assert found is not None and found.method == "normalised"
    assert plain[found.start : found.end] == 'a "color revolution" in Kazakhstan'


def test_empty_quote_is_never_anchored() -> None:
    assert reanchor(TEXT, Selector("", "", "", 0, 0)) is None


def test_bit_parallel_edit_scores_agree_with_dynamic_programming() -> None:
    def table(pattern: str, text: str, anchored: bool) -> list[int]:
        previous = list(range(len(pattern) + 1))
        scores = []
        for j, char in enumerate(text, 1):
            row = [j if anchored else 0]
            for i in range(1, len(pattern) + 1):
                cost = previous[i - 1] + (pattern[i - 1] != char)
                row.append(min(previous[i] + 1, row[i - 1] + 1, cost))
            scores.append(row[-1])
            previous = row
        return scores

    rng = random.Random(7)
    for _ in range(300):
        # Patterns beyond 64 characters check the multi-word integers too.
        pattern = "".join(rng.choice("ab中") for _ in range(rng.randint(1, 90)))
        text = "".join(rng.choice("ab中🙂") for _ in range(rng.randint(1, 90)))
        for anchored in (True, False):
            assert edit_scores(pattern, text, anchored=anchored) == table(pattern, text, anchored)


def test_a_megabyte_of_text_is_searched_in_seconds() -> None:
    rng = random.Random(3)
    words = TEXT.split()
    text = " ".join(rng.choice(words) for _ in range(170_000))[:1_000_000]
    anchorer = Anchorer("Preface.\n" + text)
    began = time.perf_counter()
    for i in range(20):
        start = 40_000 * i + 17
        stored = selector_of(text, start, start + 80)
        typo = stored.exact[:40] + "#" + stored.exact[41:]  # forces the fuzzy search
        anchorer.anchor(Selector(typo, stored.prefix, stored.suffix, start, start + 80))
        anchorer.anchor(Selector("a passage that is nowhere in the text at all", "", "", start))
    # A character-by-character scan of the whole text in Python takes a second or more each.
    assert time.perf_counter() - began < 10


def test_a_span_taken_by_a_better_matching_annotation_of_the_same_kind_is_not_taken_again() -> None:
    text = "Later Wei repeated that China opposes external forces in Asia and backs Astana."
    at = text.index("external forces")
    own = Selector("external forces", "repeated that China opposes ", " in Asia and backs", at + 4)
    stray = Selector("external forces", "Wei said China opposes ", " in Asia, on Monday.", 3)
    anchorer = Anchorer(text)
    assert anchorer.anchor(own, key="Ana/Target", token="own") is not None
    assert anchorer.anchor(stray, key="Ana/Target", token="stray") is None  # taken, better
    # Another analyst's (or label's) annotation may share the span.
    shared = anchorer.anchor(stray, key="Bo/Target")
    assert shared is not None and (shared.start, shared.end) == (at, at + 15)
    # The other way round: the worse match came first; the better one names it as displaced.
    anchorer = Anchorer(text)
    first = anchorer.anchor(stray, key="Ana/Target", token="stray")
    assert first is not None and first.displaced is None
    second = anchorer.anchor(own, key="Ana/Target", token="own")
    assert second is not None and second.displaced == "stray"


def test_far_from_where_its_neighbours_moved_it_needs_its_context_and_is_marked_for_review() -> (
    None
):
    filler = "".join(f"Paragraph {n} about the weather in the capital.\n" for n in range(40))
    lead = "Officials said the border will reopen next week after the talks.\n"
    quote = "the border will reopen"
    old = ("Border talks\n" + lead + filler + lead).index(quote)
    text = "Border talks\n" + filler + lead
    same_context = Selector(quote, "Officials said ", " next week after", old, old + len(quote))
    anchor = Anchorer(text).anchor(same_context)
    assert anchor is not None and anchor.start == text.index(quote) and "moved" in anchor.review
    other_context = Selector(quote, "The minister denied that ", " before May ends.", old)
    assert Anchorer(text).anchor(other_context) is None
