"""Corpus search: words, phrases, prefixes, every script, accents, snippets and their offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import ValidationError
from annotator.core.importing.report import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.records import DocumentId
from annotator.core.search import DocumentHit, search_documents
from annotator.core.search.documents import SNIPPET_CHARS, document_query_sql
from annotator.core.search.query import parse
from annotator.core.store import Store

ENGLISH = (
    "Global Times – China firmly opposes external forces, said Wei Fenghe on Monday.\n"
    "Tokayev said Kazakhstan values the security partnership; securities markets rose."
)
RUSSIAN = "Москва заявила о поддержке. Ёлка стоит на площади."
ARABIC = "قالت الصين إن العلاقات مع كازاخستان قوية"
FRENCH = "Le café naïve à Zürich: un résumé de la réunion."
DECOMPOSED = "Ole\u0301, de\u0301ja\u0300 vu"  # e + combining acute: written as two code points
CHINESE = "中华人民共和国国务院新闻办公室发表白皮书。美国和中国的关系。"
JAPANESE = "東京都知事は記者会見で新しい政策を発表した。カタカナのテキスト。"
KOREAN = "한국은 중국과 협력한다"
THAI = "ประเทศไทยและจีนลงนามข้อตกลง"
HINDI = "भारत और चीन के बीच हिन्दी भाषा"


def add(
    store: Store, text: str, title: str = "Untitled", published: str | None = None
) -> DocumentId:
    report = ImportReport(source="x.txt", format="text", encoding="utf-8", encoding_detected=False)
    extracted = ExtractedDocument(
        source=Path("x.txt"), title=title, text=text, published=published, report=report
    )
    summary, created = store.documents.add(extracted, analyst_id=None)
    assert created
    return summary.id


@pytest.fixture
def corpus(fresh_store: Store) -> dict[str, DocumentId]:
    texts = {
        "english": ENGLISH,
        "russian": RUSSIAN,
        "arabic": ARABIC,
        "french": FRENCH,
        "decomposed": DECOMPOSED,
        "chinese": CHINESE,
        "japanese": JAPANESE,
        "korean": KOREAN,
        "thai": THAI,
        "hindi": HINDI,
    }
    return {name: add(fresh_store, text, title=name) for name, text in texts.items()}


def found(store: Store, query: str) -> list[DocumentId]:
    return [hit.document_id for hit in search_documents(store, query)]


def hit_text(store: Store, hit: DocumentHit) -> str:
    """The document text at the hit's first highlighted offsets (code points)."""
    assert hit.start is not None and hit.end is not None
    return store.documents.text(hit.document_id)[hit.start : hit.end]


def highlighted(hit: DocumentHit) -> list[str]:
    return [hit.snippet[s:e] for s, e in hit.highlights]


# -- words, phrases, prefixes ---------------------------------------------------------------------


def test_a_word_is_found_whatever_its_case(
    fresh_store: Store, corpus: dict[str, DocumentId]
) -> None:
    assert found(fresh_store, "tokayev") == [corpus["english"]]
    assert found(fresh_store, "TOKAYEV") == [corpus["english"]]
    assert found(fresh_store, "nowhere") == []


def test_all_words_must_occur(fresh_store: Store, corpus: dict[str, DocumentId]) -> None:
    assert found(fresh_store, "china tokayev") == [corpus["english"]]
    assert found(fresh_store, "china Москва") == []


def test_phrase_needs_the_words_in_order(fresh_store: Store, corpus: dict[str, DocumentId]) -> None:
    assert found(fresh_store, '"external forces"') == [corpus["english"]]
    assert found(fresh_store, '"forces external"') == []
    [hit] = search_documents(fresh_store, '"Wei Fenghe"')
    assert hit_text(fresh_store, hit) == "Wei Fenghe"


def test_prefix_finds_every_word_starting_with_it(
    fresh_store: Store, corpus: dict[str, DocumentId]
) -> None:
    [hit] = search_documents(fresh_store, "secur*")
    assert highlighted(hit) == ["security", "securities"]
    assert found(fresh_store, "secur") == []  # a word is a whole word
    assert found(fresh_store, '"external for"*') == [corpus["english"]]


def test_or_and_not(fresh_store: Store, corpus: dict[str, DocumentId]) -> None:
    assert set(found(fresh_store, "tokayev OR москва")) == {corpus["english"], corpus["russian"]}
    assert found(fresh_store, "said NOT tokayev") == []
    assert found(fresh_store, "said -tokayev") == []
    assert set(found(fresh_store, "(tokayev OR москва) -ёлка")) == {corpus["english"]}
    assert corpus["english"] not in found(fresh_store, "NOT tokayev")
    assert len(found(fresh_store, "NOT tokayev")) == len(corpus) - 1


def test_lower_case_or_is_a_word(fresh_store: Store, corpus: dict[str, DocumentId]) -> None:
    assert found(fresh_store, "tokayev or москва") == []  # "or" occurs nowhere


def test_title_field(fresh_store: Store, corpus: dict[str, DocumentId]) -> None:
    assert found(fresh_store, "title:russian") == [corpus["russian"]]
    assert found(fresh_store, "title:tokayev") == []


def test_a_word_in_the_title_ranks_first(fresh_store: Store) -> None:
    body = add(fresh_store, "Pipeline talks. " + "Other words here. " * 20, title="Trade")
    titled = add(fresh_store, "Talks went on. " + "Other words here. " * 20, title="Pipeline")
    assert found(fresh_store, "pipeline") == [titled, body]
    [first, _] = search_documents(fresh_store, "pipeline")
    assert first.title_highlights == ((0, 8),)


def test_limit(fresh_store: Store) -> None:
    for n in range(7):
        add(fresh_store, f"Kazakhstan report number {n}.")
    assert len(search_documents(fresh_store, "kazakhstan", limit=5)) == 5
    assert len(search_documents(fresh_store, "kazakhstan")) == 7


# -- scripts and accents --------------------------------------------------------------------------


def test_cyrillic_any_case(fresh_store: Store, corpus: dict[str, DocumentId]) -> None:
    [hit] = search_documents(fresh_store, "москва")
    assert hit.document_id == corpus["russian"] and hit_text(fresh_store, hit) == "Москва"
    assert found(fresh_store, "ЁЛКА") == [corpus["russian"]]


def test_arabic_word(fresh_store: Store, corpus: dict[str, DocumentId]) -> None:
    [hit] = search_documents(fresh_store, "الصين")
    assert hit.document_id == corpus["arabic"] and hit_text(fresh_store, hit) == "الصين"


def test_hindi_words_stay_whole(fresh_store: Store, corpus: dict[str, DocumentId]) -> None:
    # Vowel signs are combining marks: they must not split a word into letters.
    [hit] = search_documents(fresh_store, "हिन्दी")
    assert hit_text(fresh_store, hit) == "हिन्दी"
    assert found(fresh_store, "हन") == []


@pytest.mark.parametrize(
    ("query", "word"),
    [("cafe", "café"), ("naive", "naïve"), ("zurich", "Zürich"), ("RESUME", "résumé")],
)
def test_a_query_without_accents_finds_the_accented_word(
    fresh_store: Store, corpus: dict[str, DocumentId], query: str, word: str
) -> None:
    [hit] = search_documents(fresh_store, query)
    assert hit.document_id == corpus["french"] and hit_text(fresh_store, hit) == word


def test_accents_in_the_query_do_not_matter_either(
    fresh_store: Store, corpus: dict[str, DocumentId]
) -> None:
    assert found(fresh_store, "CAFÉ") == [corpus["french"]]
    assert found(fresh_store, "Déjà") == [corpus["decomposed"]]


def test_decomposed_accents_are_found_and_offsets_cover_the_marks(
    fresh_store: Store, corpus: dict[str, DocumentId]
) -> None:
    [hit] = search_documents(fresh_store, "deja")
    assert hit.document_id == corpus["decomposed"]
    assert hit_text(fresh_store, hit) == "de\u0301ja\u0300"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("人民", "chinese"),  # inside a longer run
        ("国务院新闻", "chinese"),
        ("白皮书", "chinese"),  # at the end of a run
        ("中", "chinese"),  # one character
        ("书", "chinese"),  # one character, last of its run
        ("記者会見", "japanese"),
        ("した", "japanese"),  # kana
        ("カタカナ", "japanese"),
        ("한국", "korean"),  # Korean attaches particles: 한국은
        ("จีน", "thai"),
    ],
)
def test_scripts_without_spaces_are_found_inside_runs(
    fresh_store: Store, corpus: dict[str, DocumentId], query: str, name: str
) -> None:
    [hit] = search_documents(fresh_store, query)
    assert hit.document_id == corpus[name]
    assert hit_text(fresh_store, hit) == query
    assert query in highlighted(hit)


def test_characters_must_be_adjacent_and_in_order(
    fresh_store: Store, corpus: dict[str, DocumentId]
) -> None:
    assert found(fresh_store, "人国") == []
    assert found(fresh_store, "民人") == []
    # Like words in a phrase, characters on either side of punctuation count as adjacent.
    assert found(fresh_store, "书美") == [corpus["chinese"]]
    assert found(fresh_store, "中国 美国") == [corpus["chinese"]]  # both, anywhere


def test_one_character_is_highlighted_everywhere_in_the_snippet(
    fresh_store: Store, corpus: dict[str, DocumentId]
) -> None:
    [hit] = search_documents(fresh_store, "国")
    assert "".join(highlighted(hit)) == "国" * 4  # 国国 side by side are one highlight
    assert hit.start == CHINESE.index("国")


def test_mixed_scripts_in_one_query(fresh_store: Store) -> None:
    both = add(fresh_store, "Xi Jinping 习近平 met Tokayev.")
    add(fresh_store, "Xi Jinping met Tokayev.")
    assert found(fresh_store, "tokayev 习近平") == [both]
    assert found(fresh_store, '"Jinping 习近平"') == [both]
    assert found(fresh_store, '"Tokayev 习近平"') == []  # a phrase keeps its order across scripts
    hit = search_documents(fresh_store, "tokayev 习近平")[0]
    assert highlighted(hit) == ["习近平", "Tokayev"]


def test_latin_words_and_numbers_written_against_chinese_are_words(fresh_store: Store) -> None:
    doc = add(fresh_store, "2022年4月26日，iPhone手机在G20峰会上。")
    for word in ("2022", "iphone", "g20", "4月", "手机"):
        [hit] = search_documents(fresh_store, word)
        assert hit.document_id == doc and hit_text(fresh_store, hit).lower() == word.lower()
    assert found(fresh_store, "202") == []


# -- snippets -------------------------------------------------------------------------------------


def test_snippet_is_plain_one_line_text(fresh_store: Store, corpus: dict[str, DocumentId]) -> None:
    [hit] = search_documents(fresh_store, "kazakhstan")
    assert "\n" not in hit.snippet
    assert not any("\ufdd0" <= ch <= "\ufdd2" for ch in hit.snippet)
    assert highlighted(hit) == ["Kazakhstan"]


def test_markup_in_a_document_stays_literal(fresh_store: Store) -> None:
    add(fresh_store, "The <b>bold</b> claim &amp; more")
    [hit] = search_documents(fresh_store, "bold")
    assert "<b>bold</b>" in hit.snippet and "&amp;" in hit.snippet


def test_a_hit_deep_in_a_long_document_after_emoji(fresh_store: Store) -> None:
    # Astral characters are one code point each: offsets must not count UTF-16 units.
    text = (
        ("Filler words 🇰🇿 about nothing in particular. " * 400)
        + "The needle is here. "
        + ("More filler 🙂 text. " * 400)
    )
    doc = add(fresh_store, text)
    [hit] = search_documents(fresh_store, "needle")
    assert hit.document_id == doc
    assert hit.start == text.index("needle") and hit_text(fresh_store, hit) == "needle"
    assert len(hit.snippet) <= SNIPPET_CHARS + 2
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert highlighted(hit) == ["needle"]


def test_a_long_chinese_paragraph_gives_a_short_snippet(fresh_store: Store) -> None:
    text = "新闻" * 3000 + "白皮书发表" + "新闻" * 3000
    add(fresh_store, text)
    [hit] = search_documents(fresh_store, "白皮书")
    assert hit.start == 6000 and len(hit.snippet) <= SNIPPET_CHARS + 2
    assert highlighted(hit) == ["白皮书"]


def test_title_only_match_has_no_offset(fresh_store: Store) -> None:
    add(fresh_store, "Nothing about it in the text.", title="Pipeline news")
    [hit] = search_documents(fresh_store, "pipeline")
    assert hit.start is None and hit.highlights == () and hit.title_highlights == ((0, 8),)
    assert hit.snippet.startswith("Nothing about it")


# -- plans ----------------------------------------------------------------------------------------


def _plan(store: Store, query: str) -> str:
    sql, params = document_query_sql(parse(query), 50)
    return "\n".join(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))


@pytest.mark.parametrize(
    "query", ["security", '"external forces" -oil', "人民", "china 人民", "china OR 人民"]
)
def test_ranked_queries_use_the_fts_indexes(fresh_store: Store, query: str) -> None:
    plan = _plan(fresh_store, query)
    # The FTS5 table answers the MATCH (":M") and orders by rank itself (index flag 32) …
    assert "VIRTUAL TABLE INDEX 32:M" in plan, plan
    # … and each document is fetched by its rowid, never by scanning the table.
    assert "SEARCH d USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert "SCAN d" not in plan, plan


def test_not_alone_reads_documents_by_rowid_outside_the_index(fresh_store: Store) -> None:
    plan = _plan(fresh_store, "NOT security")
    assert "SCAN d" in plan and "search_documents VIRTUAL TABLE INDEX 0:M" in plan, plan


# -- outlet:, author:, lang: --------------------------------------------------------------------


def add_from(store: Store, text: str, title: str, **meta: str) -> DocumentId:
    """A document as the web importer adds it, with what the page said about itself."""
    report = ImportReport(source="x.html", format="html", encoding="utf-8", encoding_detected=False)
    extracted = ExtractedDocument(
        source=Path("x.html"),
        title=title,
        text=text,
        published=None,
        report=report,
        meta=SourceMeta(title=title, **meta),
    )
    summary, created = store.documents.add(extracted, analyst_id=None)
    assert created
    return summary.id


@pytest.fixture
def sources(fresh_store: Store) -> dict[str, DocumentId]:
    said = "Officials warned against a color revolution in the region."
    return {
        "xinhua_zh": add_from(
            fresh_store, f"{said} (zh)", "X1", outlet="Xinhua News Agency", language="zh-CN"
        ),
        "xinhua_en": add_from(
            fresh_store, "Trade talks resumed.", "X2", outlet="XINHUA", language="en"
        ),
        "xinhuanet": add_from(
            fresh_store, f"{said} (net)", "X3", outlet="Xinhuanet", language="zh-Hans"
        ),
        "gt": add_from(
            fresh_store,
            f"{said} (gt)",
            "G1",
            outlet="Global Times",
            author="Liu Xin; Yang Sheng",
            language="en",
        ),
        "tass": add_from(
            fresh_store, f"{said} (tass)", "T1", outlet="TASS", author="Xin Liu", language="ru"
        ),
        "cjk": add_from(fresh_store, "新华社电。", "C1", outlet="新华社", author="Zoë Martin"),
        "plain": add(fresh_store, f"{said} (file)", title="F1"),
    }


def named(sources: dict[str, DocumentId], ids: list[DocumentId]) -> set[str]:
    names = {doc: name for name, doc in sources.items()}
    return {names[i] for i in ids}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("outlet:xinhua", {"xinhua_zh", "xinhua_en"}),  # a word of the name, any case
        ("outlet:Xinhua*", {"xinhua_zh", "xinhua_en", "xinhuanet"}),
        ('outlet:"global times"', {"gt"}),
        ('outlet:"times global"', set()),  # the words in their order
        ("outlet:glob*", {"gt"}),
        ('author:"liu xin"', {"gt"}),  # not "Xin Liu"
        ("author:liu", {"gt", "tass"}),
        ("author:zoe", {"cjk"}),  # accents do not matter
        ("outlet:新华社", {"cjk"}),
        ("outlet:新华*", {"cjk"}),
        ("lang:zh", {"xinhua_zh", "xinhuanet"}),  # zh-CN and zh-Hans are zh
        ("lang:ZH-hans", {"xinhuanet"}),
        ("lang:zh_cn", {"xinhua_zh"}),
        ("lang:e*", {"xinhua_en", "gt"}),
        ("lang:z", set()),  # a tag, not a prefix, unless written z*
        ('outlet:xinhua lang:zh "color revolution"', {"xinhua_zh"}),
        ('"color revolution" -outlet:xinhua*', {"gt", "tass", "plain"}),
        ("outlet:tass OR author:zoe", {"tass", "cjk"}),
        ('(outlet:tass OR lang:en) "color revolution"', {"tass", "gt"}),
        ("NOT lang:zh* NOT lang:en", {"tass", "cjk", "plain"}),
    ],
)
def test_outlet_author_and_language_fields(
    fresh_store: Store, sources: dict[str, DocumentId], query: str, expected: set[str]
) -> None:
    assert named(sources, found(fresh_store, query)) == expected


def test_a_hit_found_by_its_source_and_words_has_its_snippet(
    fresh_store: Store, sources: dict[str, DocumentId]
) -> None:
    (hit,) = search_documents(fresh_store, 'outlet:tass "color revolution"')
    assert highlighted(hit) == ["color revolution"] and hit_text(fresh_store, hit) == (
        "color revolution"
    )
    (only,) = search_documents(fresh_store, "author:zoe")  # no words: the opening lines
    assert only.snippet == "新华社电。" and only.start is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("publisher:xinhua", "outlet: (the outlet"),
        ("publisher:xinhua", "lang: (the language"),
        ("lang:chinese!", "lang: takes a language code"),
        ('outlet:"…"', "outlet: needs something to look for"),
    ],
)
def test_unknown_fields_list_the_source_fields_and_bad_values_say_why(
    fresh_store: Store, query: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        search_documents(fresh_store, query)
    assert message in str(caught.value)
