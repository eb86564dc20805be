"""Letters and marks searched as readers expect: ł, ß/ss, æ/ae, ø/oe, Greek accents, Arabic
harakat and tatweel, Hebrew niqqud; hits still point at the text as written."""

from __future__ import annotations

import importlib
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from test_search import add, found, hit_text
from test_search_sync import assert_indexes_match_the_tables

from annotator.core.records import DocumentId
from annotator.core.search import search_annotations, search_documents
from annotator.core.search.spellings import spellings
from annotator.core.session import Session
from annotator.core.store import Store, migrations
from annotator.core.store.search_copies import DROPPED, FOLD_TABLE, fold, index_value
from annotator.core.store.search_tables import SEARCH_SOURCES, fill_split_copies

TEXTS = {
    "polish": "Spotkanie w Łódź odbyło się w poniedziałek.",
    "german": "Die Straße war gesperrt.",
    "swiss": "Die Strasse war offen.",
    "danish": "Færgen til Ærø sejler igen.",
    "danish ascii": "The ferry to Aeroe runs again.",
    "greek": "Η Ελλάδα και η Κύπρος.",
    "greek plain": "ΕΛΛΑΔΑ ΚΑΙ ΚΥΠΡΟΣ",
    "arabic vowelled": "كَتَبَ الوَلَدُ الدَّرْسَ",
    "arabic plain": "كتب الولد الدرس",
    "arabic tatweel": "قال الرئيس العـــربي",
    "arabic": "قال الرئيس العربي",
    "hebrew pointed": "שָׁלוֹם עֲלֵיכֶם",
    "hebrew": "שלום עליכם",
    "french": "Le cœur du problème.",
}


@pytest.fixture
def corpus(fresh_store: Store) -> dict[str, DocumentId]:
    return {title: add(fresh_store, text, title=title) for title, text in TEXTS.items()}


def titles(store: Store, query: str) -> set[str]:
    return {hit.title for hit in search_documents(store, query)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lodz", {"polish"}),
        ("ŁÓDŹ", {"polish"}),
        ("strasse", {"german", "swiss"}),
        ("straße", {"german", "swiss"}),
        ("STRASSE", {"german", "swiss"}),
        ("stras*", {"german", "swiss"}),
        ("aeroe", {"danish", "danish ascii"}),
        ("ærø", {"danish", "danish ascii"}),
        ("ÆRØ", {"danish", "danish ascii"}),
        ("ελλαδα", {"greek", "greek plain"}),
        ("Ελλάδα", {"greek", "greek plain"}),
        ("κυπρος", {"greek", "greek plain"}),
        ("كتب", {"arabic vowelled", "arabic plain"}),
        ("كَتَبَ", {"arabic vowelled", "arabic plain"}),
        ('"الوَلَدُ الدرس"', {"arabic vowelled", "arabic plain"}),
        ("العربي", {"arabic tatweel", "arabic"}),
        ("العـربي", {"arabic tatweel", "arabic"}),
        ("שלום", {"hebrew pointed", "hebrew"}),
        ("שָׁלוֹם", {"hebrew pointed", "hebrew"}),
        ('"שלום עליכם"', {"hebrew pointed", "hebrew"}),
        ("coeur", {"french"}),
    ],
)
def test_each_way_of_writing_finds_every_other(
    fresh_store: Store, corpus: dict[str, DocumentId], query: str, expected: set[str]
) -> None:
    assert titles(fresh_store, query) == expected


def test_outlet_and_author_fold_the_same_way(fresh_store: Store) -> None:
    doc = add(fresh_store, "Text.", title="sourced")
    with fresh_store.transaction():
        fresh_store.conn.execute(
            "UPDATE documents SET author = 'Lech Wałęsa; Anna Straße', outlet = 'Ærø Avis' "
            "WHERE id = ?",
            [doc],
        )
    for query in ("author:walesa", "author:strasse", "author:straße", "outlet:aeroe", "outlet:ærø"):
        assert titles(fresh_store, query) == {"sourced"}, query
    assert titles(fresh_store, "outlet:aero") == set()


def test_folding_does_not_make_different_words_equal(
    fresh_store: Store, corpus: dict[str, DocumentId]
) -> None:
    add(fresh_store, "The aero club and the class of the toe.", title="english")
    assert titles(fresh_store, "aero") == {"english"}  # not Ærø: ø is oe, not o
    assert titles(fresh_store, "clas") == set()
    assert titles(fresh_store, "toe") == {"english"}  # oe is not o: "to" elsewhere
    assert titles(fresh_store, "strase") == set()


@pytest.mark.parametrize(
    ("title", "query", "written"),
    [
        ("polish", "lodz", "Łódź"),
        ("greek", "ελλαδα", "Ελλάδα"),
        ("arabic vowelled", "الدرس", "الدَّرْسَ"),
        ("arabic tatweel", "العربي", "العـــربي"),
        ("hebrew pointed", "שלום", "שָׁלוֹם"),
    ],
)
def test_snippets_and_offsets_show_the_text_as_written(
    fresh_store: Store, corpus: dict[str, DocumentId], title: str, query: str, written: str
) -> None:
    [hit] = [h for h in search_documents(fresh_store, query) if h.title == title]
    assert hit_text(fresh_store, hit) == written
    assert hit.snippet == TEXTS[title]  # the text itself, not the folded copy
    assert [hit.snippet[s:e] for s, e in hit.highlights] == [written]


def test_a_folded_title_is_highlighted_where_the_word_is(fresh_store: Store) -> None:
    add(fresh_store, "Nothing about it here.", title="Spotkanie w Łodzi, Łódź")
    [hit] = search_documents(fresh_store, "lodz")
    assert [hit.title[s:e] for s, e in hit.title_highlights] == ["Łódź"]
    assert hit.start is None


def test_annotations_and_speaker_names_are_folded_too(fresh_store: Store) -> None:
    doc = add(fresh_store, TEXTS["hebrew pointed"] + " " + TEXTS["polish"])
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    codebook = fresh_store.codebook.get()
    text = fresh_store.documents.text(doc)
    speaker, _ = session.create_annotation(
        document_id=doc,
        label_id=codebook.by_name("Speaker").id,
        start=0,
        end=len("שָׁלוֹם"),
        speaker_name="Wałęsa",
    )
    start = text.index("Łódź")
    claim, _ = session.create_annotation(
        document_id=doc,
        label_id=codebook.by_name("Claim").id,
        start=start,
        end=start + 4,
        note="Ærø",
    )
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    quotes = lambda q: {h.quote for h in search_annotations(fresh_store, q)}  # noqa: E731
    assert quotes("שלום") == {"שָׁלוֹם"}
    assert quotes("quote:lodz") == {"Łódź"}
    assert quotes("note:aeroe") == {"Łódź"}
    assert quotes("walesa") == {"שָׁלוֹם"}
    assert quotes("speaker:walesa label:Claim") == {"Łódź"}
    assert quotes("speaker:שלום") == {"Łódź"}
    session.set_link(source_id=claim.id, kind="about", name="Łukasz Ærø")
    assert quotes("target:lukasz") == {"Łódź"} == quotes('target:"lukasz aeroe"')


def test_folded_rows_leave_no_stale_tokens_when_edited_or_deleted(fresh_store: Store) -> None:
    doc = add(fresh_store, "A text about Łódź and Ελλάδα.", title="Ελλάδα")
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = fresh_store.codebook.get().by_name("Claim").id
    note, _ = session.create_annotation(
        document_id=doc, label_id=claim, start=13, end=17, note="كَتَبَ Łódź"
    )
    assert {h.quote for h in search_annotations(fresh_store, "كتب")} == {"Łódź"}
    session.update_annotation(note.id, note="Warsaw")
    assert search_annotations(fresh_store, "كتب") == []
    assert search_annotations(fresh_store, "note:lodz") == []
    assert_indexes_match_the_tables(fresh_store)
    with fresh_store.transaction():
        fresh_store.conn.execute("DELETE FROM undo_log")
        fresh_store.conn.execute("DELETE FROM documents WHERE id = ?", [doc])  # cascades
    assert found(fresh_store, "lodz") == [] == found(fresh_store, "ελλαδα")
    assert_indexes_match_the_tables(fresh_store)


def test_the_fold_keeps_every_length_so_offsets_hold() -> None:
    assert all(len(v) == 1 for v in FOLD_TABLE.values())
    sample = "".join(map(chr, FOLD_TABLE))
    assert len(fold(sample)) == len(sample)


def test_greek_letters_fold_to_their_base_letter() -> None:
    for code, folded in FOLD_TABLE.items():
        if (0x0370 <= code <= 0x03FF or 0x1F00 <= code <= 0x1FFF) and folded != DROPPED:
            assert unicodedata.normalize("NFD", chr(code))[0] == folded
    assert fold("Ἀθῆναι Ελλάδα ϊ") == "Αθηναι Ελλαδα ι"


def test_query_spellings() -> None:
    assert spellings("strasse") == ["strasse", "straße"]
    assert set(spellings("aeroe")) >= {"aeroe", "ærø"}
    assert spellings("security") == ["security"]
    assert spellings("stras", prefix=True) == ["stras", "straß"]
    assert len(spellings("ss" * 20)) == 32  # bounded


# -- the migration that brought folding to existing projects -----------------------------------


@pytest.mark.parametrize("rebuild_share", [0.0, 1.0])
def test_an_existing_project_is_refolded_when_upgraded(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, rebuild_share: float
) -> None:
    # Whole indexes rebuilt (many foldable rows), or the few rows reindexed one by one.
    monkeypatch.setattr(FOLDING, "REBUILD_SHARE", rebuild_share)
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrations.apply(conn, stop_before="0009_search_folding")
    conn.execute("INSERT INTO analysts (id, name, created) VALUES ('a1', 'Old', '2025')")
    conn.execute(
        "INSERT INTO labels (id, name, role, color, position) VALUES ('l1', 'Claim', 'claim', "
        "'#fff', 0)"
    )
    text = "Spotkanie w Łódź. 一带一路. שָׁלוֹם"
    conn.execute(
        "INSERT INTO documents (id, title, source, imported_at, text, text_hash, char_count) "
        "VALUES ('d1', 'Ελλάδα', 'x', '2025', ?, 'h', ?)",
        [text, len(text)],
    )
    conn.execute(
        'INSERT INTO annotations (id, document_id, analyst_id, label_id, start, "end", quote, '
        "prefix, suffix, note, created, modified) VALUES ('n1', 'd1', 'a1', 'l1', 12, 16, "
        "'Łódź', '', '', 'كَتَبَ', '2025', '2025')"
    )
    # Indexed as schema 8 indexed it: split, not folded.
    for table, index, split, _content, columns, _unique in SEARCH_SOURCES:
        fill_split_copies(conn, table, split, columns)
        conn.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
    conn.execute("DELETE FROM search_queue")
    # Changes waiting in the queue when the upgrade comes: an edited folded row (its old
    # values are what the index holds), a new one.
    conn.execute(
        'INSERT INTO annotations (id, document_id, analyst_id, label_id, start, "end", quote, '
        "prefix, suffix, note, created, modified) VALUES ('n2', 'd1', 'a1', 'l1', 0, 9, "
        "'Spotkanie', '', '', 'Ελλάδα', '2025', '2025')"
    )
    conn.execute("UPDATE annotations SET note = 'Ἀθῆναι' WHERE id = 'n1'")  # queued: old كَتَبَ
    assert conn.execute("SELECT count(*) FROM search_queue").fetchone()[0] > 0
    conn.close()
    with Store.open(db_path) as store:
        assert {h.quote for h in search_annotations(store, "ελλαδα")} == {"Spotkanie"}
        assert titles(store, "lodz") == {"Ελλάδα"} == titles(store, "ελλαδα")
        assert titles(store, "שלום") == {"Ελλάδα"} == titles(store, "一带")
        assert {h.quote for h in search_annotations(store, "note:αθηναι")} == {"Łódź"}
        assert search_annotations(store, "note:كتب") == []
        assert_indexes_match_the_tables(store)
        # Edits afterwards take out exactly what the migration put in.
        Session(store, store.ensure_analyst("Ana")).update_annotation("n1", note="none")
        with store.transaction():
            store.conn.execute("UPDATE documents SET title = 'Plain' WHERE id = 'd1'")
        assert search_annotations(store, "αθηναι") == []
        assert titles(store, "ελλαδα") == set() and titles(store, "lodz") == {"Plain"}
        assert_indexes_match_the_tables(store)


FOLDING = importlib.import_module("annotator.core.store.migrations.0009_search_folding")
SAMPLES = (
    "", "plain", "Łódź", "Ἀθῆναι", "كَتَبَ", "العـربي", "שָׁלוֹם", "Ole\u0301", "一带一路 Łódź",
    "東京ᾳ", "ﻻ", "ß æ ø œ",
)  # fmt: skip


def test_the_live_folding_is_the_one_the_indexes_were_built_with() -> None:
    frozen = FOLDING
    assert frozen.FOLD_TABLE == FOLD_TABLE, (
        "The fold changed: add a migration that rebuilds the search indexes with a frozen copy "
        "of the new one and compare with it here."
    )
    for sample in SAMPLES:
        assert frozen.index_value(sample) == index_value(sample), sample
