"""Reading what the analyst types: the tree, and a clear message — never a crash — for the rest."""

from __future__ import annotations

import random

import pytest
from test_search import add

from annotator.core.errors import ValidationError
from annotator.core.search import search_annotations, search_documents
from annotator.core.search.fts import term_match
from annotator.core.search.query import AllOf, AnyOf, Not, Term, parse
from annotator.core.store import Store


def test_words_are_all_required() -> None:
    assert parse("oil gas") == AllOf((Term("oil"), Term("gas")))
    assert parse("oil AND gas") == parse("oil gas")


def test_or_binds_looser_than_and() -> None:
    assert parse("a b OR c") == AnyOf((AllOf((Term("a"), Term("b"))), Term("c")))
    assert parse("a (b OR c)") == AllOf((Term("a"), AnyOf((Term("b"), Term("c")))))


def test_not_and_minus() -> None:
    assert parse("oil NOT gas") == AllOf((Term("oil"), Not(Term("gas"))))
    assert parse("oil -gas") == parse("oil NOT gas")
    assert parse('-"gas field"') == Not(Term("gas field", phrase=True))
    assert parse("Nur-Sultan") == Term("Nur-Sultan")  # a hyphen inside a word is the word's


def test_phrases_prefixes_and_fields() -> None:
    assert parse('"external forces"') == Term("external forces", phrase=True)
    assert parse('"external for"*') == Term("external for", phrase=True, prefix=True)
    assert parse("secur*") == Term("secur", prefix=True)
    assert parse('speaker:"Wei Fenghe"') == Term("Wei Fenghe", phrase=True, field="speaker")
    assert parse("Label:Claim") == Term("Claim", field="label")
    assert parse("label:Cla*") == Term("Cla", prefix=True, field="label")


def test_lower_case_operators_are_words() -> None:
    assert parse("war or peace") == AllOf((Term("war"), Term("or"), Term("peace")))


def test_punctuation_alone_is_ignored_as_the_index_ignores_it() -> None:
    assert parse("Kazakhstan – China") == AllOf((Term("Kazakhstan"), Term("China")))


def test_query_text_never_reaches_fts5_as_syntax() -> None:
    match = term_match(Term('NEAR(a b) "x" OR ^y col:z'))
    assert match.expr == '"NEAR(a b) ""x"" OR ^y col:z"'
    assert term_match(Term("secur", prefix=True), ("title",)).expr == '{title} : "secur"*'


def test_chinese_is_split_into_characters_as_the_indexed_text_is() -> None:
    assert term_match(Term("中国")).expr == '"中\x1f国"'
    assert term_match(Term("2022年")).expr == '"2022\x1f年"'


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type something to search for."),
        ("   ", "Type something to search for."),
        ('"external forces', "A quotation mark is not closed"),
        ("(oil OR gas", "A parenthesis is not closed"),
        ("oil)", "A closing parenthesis has no opening one"),
        ("()", "Empty parentheses"),
        ("oil OR", "OR needs something to search for on each side"),
        ("OR oil", "OR needs something to search for on each side"),
        ("oil AND", "AND needs something to search for on each side"),
        ("AND", "AND needs something to search for on each side"),
        ("oil NOT", "NOT (or -) needs a word after it"),
        ("*", "* marks a prefix and goes at the end of a word"),
        ("*oil", "* marks a prefix"),
        ("o*il", "* marks a prefix"),
        ("!!! ...", "has no letters or digits to search for"),
        ("speaker:", "needs a value right after the colon"),
        ("http://example.com", "Unknown field “http:”"),
        ("label:Claim", "Fields such as label: or speaker: search annotations."),
    ],
)
def test_malformed_queries_get_a_clear_message(
    fresh_store: Store, query: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        search_documents(fresh_store, query)
    assert message in str(caught.value)


def test_random_syntax_never_crashes(fresh_store: Store) -> None:
    """Any string either searches or is refused with a ValidationError (no sqlite3 error)."""
    add(fresh_store, "China said oil and gas: 中国 石油 “quoted” (brackets) NEAR x^y.")
    alphabet = "\" ( ) * - : ^ + { } NEAR OR AND NOT oil 中国 石 label: title: speaker: ' \\ % _"
    pieces = alphabet.split() + [" ", "  "]
    rng = random.Random(1)
    outcomes = {"results": 0, "refused": 0}
    for _ in range(1500):
        query = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        for search in (search_documents, search_annotations):
            try:
                search(fresh_store, query)  # type: ignore[operator]
                outcomes["results"] += 1
            except ValidationError as exc:
                assert str(exc).strip()
                outcomes["refused"] += 1
    assert outcomes["results"] > 100 and outcomes["refused"] > 100
