"""Label × label co-occurrence within a document or a sentence: the documents (sentences)
holding both labels, symmetric, the diagonal those holding the label; the filter applies."""

from __future__ import annotations

import pytest
from test_store_annotations import TEXT, add_document, label

from annotator.core.analysis import AnalysisFilter, Pivot, cooccurrence
from annotator.core.errors import ValidationError
from annotator.core.session import Session
from annotator.core.store import Store

OTHER = "Wang Yi spoke at length. NATO expands again."


def tag(session: Session, doc: str, name: str, phrase: str, text: str) -> None:
    start = text.index(phrase)
    session.create_annotation(
        document_id=doc,  # type: ignore[arg-type]
        label_id=label(session.store, name),  # type: ignore[arg-type]
        start=start,
        end=start + len(phrase),
    )


@pytest.fixture
def store(fresh_store: Store) -> Store:
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    first = add_document(fresh_store, TEXT)  # sentence 1: Claim, Speaker; 2: Speaker, Target, Claim
    tag(session, first, "Claim", "China firmly opposes external forces", TEXT)
    tag(session, first, "Speaker", "Wei Fenghe", TEXT)
    tag(session, first, "Speaker", "Tokayev", TEXT)
    tag(session, first, "Target", "Kazakhstan", TEXT)
    tag(session, first, "Claim", "Kazakhstan 🇰🇿 values the partnership", TEXT)
    second = add_document(fresh_store, OTHER)  # 1: Speaker, Claim; 2: Target, Claim (across)
    tag(session, second, "Speaker", "Wang Yi", OTHER)
    tag(session, second, "Target", "NATO", OTHER)
    tag(session, second, "Claim", "at length. NATO expands", OTHER)
    return fresh_store


def cells(result: Pivot) -> dict[tuple[str | None, ...], int]:
    return {row.keys: row.count for row in result.rows}


def symmetric(pairs: dict[tuple[str, str], int]) -> dict[tuple[str | None, ...], int]:
    return {**pairs, **{(b, a): n for (a, b), n in pairs.items()}}


def test_within_a_document(store: Store) -> None:
    result = cooccurrence(store, "document", AnalysisFilter(label=None))
    assert result.by == ("label", "label") and result.total == 2
    names = ("Claim", "Speaker", "Target")
    assert cells(result) == {(a, b): 2 for a in names for b in names}


def test_within_a_sentence(store: Store) -> None:
    result = cooccurrence(store, "sentence", AnalysisFilter(label=None))
    assert result.total == 4
    assert cells(result) == symmetric(
        {
            ("Claim", "Claim"): 4,
            ("Speaker", "Speaker"): 3,
            ("Target", "Target"): 2,
            ("Claim", "Speaker"): 3,
            ("Claim", "Target"): 2,
            ("Speaker", "Target"): 1,
        }
    )


def test_the_filter_applies(store: Store) -> None:
    result = cooccurrence(store, "sentence", AnalysisFilter(query="-label:Claim", label=None))
    assert cells(result) == symmetric(
        {("Speaker", "Speaker"): 3, ("Target", "Target"): 2, ("Speaker", "Target"): 1}
    )
    assert cooccurrence(store, "document", AnalysisFilter(label="Claim")).total == 2


def test_an_unknown_unit_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError, match="within a document or a sentence"):
        cooccurrence(store, "paragraph", AnalysisFilter())


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        OTHER,
        'He said: "No." Then left!  Really? yes. no.\n\n  New line\tend',
        "你好。再见！」后来\n她说？好",
        "Dr. Smith (ret.) spoke... Then: «Stop.» Done.\u3000Next\r\nlast",
        "\n\nStarts with space. ",
    ],
)
def test_sentences_are_cut_as_recurrences_cuts_them(text: str) -> None:
    from annotator.core.analysis.cooccurrence import sentence_ends
    from annotator.core.recurrences.terms import sentences

    cuts = [0, *sentence_ends(text), len(text)]
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            pieces.append((start, end))
    assert pieces == list(sentences(text))
