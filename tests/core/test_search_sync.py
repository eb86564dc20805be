"""The search indexes follow every change: imports, edits, undo, deletions (also by cascade and by
INSERT OR REPLACE), merges, upgrades of older projects; and they are right after any mix of them."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from test_search import add
from test_search_annotations import ARTICLE, span

from annotator.core.ingest import import_paths
from annotator.core.merge import merge_project
from annotator.core.search import (
    pending,
    rebuild_index,
    search_annotations,
    search_documents,
    sync_index,
)
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store.schema import MIGRATION_NAMES, SEARCH_SOURCES, migrations


def docs(store: Store, query: str) -> set[str]:
    return {hit.title for hit in search_documents(store, query)}


def quotes(store: Store, query: str) -> set[str]:
    return {hit.quote for hit in search_annotations(store, query)}


def assert_indexes_match_the_tables(store: Store) -> None:
    """FTS5 compares each index with its content (the table, or the split copy of rows in
    scripts without spaces): a stale, missing or ghost row makes it "malformed"."""
    sync_index(store)
    for _table, index, _split, _content, _columns, _unique in SEARCH_SOURCES:
        store.conn.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")


def test_connections_refuse_fts_writes_from_triggers_so_a_queue_is_used(fresh_store: Store) -> None:
    # The reason for the queue: under trusted_schema=OFF a trigger cannot write an FTS5 table.
    assert fresh_store.conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    fresh_store.conn.execute("CREATE TABLE scratch (x)")
    fresh_store.conn.execute("CREATE VIRTUAL TABLE scratch_fts USING fts5(x)")
    fresh_store.conn.execute(
        "CREATE TRIGGER scratch_ai AFTER INSERT ON scratch BEGIN "
        "INSERT INTO scratch_fts (x) VALUES (new.x); END"
    )
    with pytest.raises(sqlite3.OperationalError, match="unsafe use of virtual table"):
        fresh_store.conn.execute("INSERT INTO scratch (x) VALUES ('a')")
    # Ours only write the queue, which works under the same setting.
    add(fresh_store, "A new article about pipelines.", title="New")
    assert pending(fresh_store) == 1
    assert docs(fresh_store, "pipelines") == {"New"}
    assert pending(fresh_store) == 0


def test_a_new_document_is_found_and_a_deleted_one_is_gone_with_its_annotations(
    fresh_store: Store,
) -> None:
    doc = add(fresh_store, ARTICLE, title="Visit")
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    span(session, doc, "Claim", "China firmly opposes external forces")
    assert docs(fresh_store, "interference") == {"Visit"}
    assert docs(fresh_store, "王毅") == {"Visit"}
    assert quotes(fresh_store, "china") == {"China firmly opposes external forces"}
    with fresh_store.transaction():
        fresh_store.conn.execute("DELETE FROM undo_log")
        fresh_store.conn.execute("DELETE FROM documents WHERE id = ?", [doc])  # cascades
    assert docs(fresh_store, "interference") == set()
    assert docs(fresh_store, "王毅") == set()
    assert quotes(fresh_store, "china") == set()
    assert_indexes_match_the_tables(fresh_store)


def test_a_renamed_title_is_found_by_its_new_words_only(fresh_store: Store) -> None:
    doc = add(fresh_store, "Body text.", title="Old name 旧名")
    docs(fresh_store, "body")
    with fresh_store.transaction():
        fresh_store.conn.execute("UPDATE documents SET title = 'Fresh 新名' WHERE id = ?", [doc])
    assert docs(fresh_store, "title:old") == set() and docs(fresh_store, "旧名") == set()
    assert docs(fresh_store, "title:fresh") == {"Fresh 新名"} == docs(fresh_store, "新名")
    assert_indexes_match_the_tables(fresh_store)


def test_edits_undo_and_deletion_of_annotations(fresh_store: Store) -> None:
    doc = add(fresh_store, ARTICLE)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = span(session, doc, "Claim", "Tokayev said Kazakhstan values the partnership")
    session.update_annotation(claim.id, note="first reading 初读")
    assert quotes(fresh_store, "note:first") == {claim.quote} == quotes(fresh_store, "初读")
    session.update_annotation(claim.id, note="second reading")
    assert quotes(fresh_store, "note:first") == set() == quotes(fresh_store, "初读")
    assert quotes(fresh_store, "note:second") == {claim.quote}
    session.undo()
    assert quotes(fresh_store, "note:first") == {claim.quote}
    session.update_annotation(claim.id, start=ARTICLE.index("Kazakhstan values"))  # new quote
    assert quotes(fresh_store, "tokayev") == set()
    session.delete_annotation(claim.id)
    assert quotes(fresh_store, "kazakhstan") == set()
    session.undo()
    assert quotes(fresh_store, "kazakhstan") == {"Kazakhstan values the partnership"}
    assert_indexes_match_the_tables(fresh_store)


def test_links_renamed_and_removed(fresh_store: Store) -> None:
    doc = add(fresh_store, ARTICLE)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = span(session, doc, "Claim", "China firmly opposes external forces")
    session.set_link(source_id=claim.id, kind="said_by", name="Wang Yi")
    assert quotes(fresh_store, "speaker:wang") == {claim.quote}
    session.set_link(source_id=claim.id, kind="said_by", name="Zhao Lijian")
    assert quotes(fresh_store, "speaker:wang") == set()
    assert quotes(fresh_store, "speaker:zhao") == {claim.quote}
    speaker = span(session, doc, "Speaker", "Wei Fenghe")
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    assert quotes(fresh_store, "speaker:zhao") == set()
    session.update_annotation(speaker.id, speaker_name="General Wei")
    assert quotes(fresh_store, "speaker:general") == {claim.quote}
    assert_indexes_match_the_tables(fresh_store)


def test_insert_or_replace_leaves_no_stale_tokens(fresh_store: Store) -> None:
    # Without recursive triggers (sqlite-utils turns them on; the sqlite3 shell does not),
    # REPLACE deletes the old row silently: the BEFORE INSERT trigger notes it.
    fresh_store.conn.execute("PRAGMA recursive_triggers = OFF")
    doc = add(fresh_store, ARTICLE)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = span(session, doc, "Claim", "China firmly opposes external forces", note="alpha")
    quotes(fresh_store, "alpha")
    with fresh_store.transaction():
        fresh_store.conn.execute(
            "INSERT OR REPLACE INTO annotations SELECT id, document_id, analyst_id, label_id, "
            "start, \"end\", quote, prefix, suffix, sentiment, speaker_name, 'beta 贝塔', "
            "created, modified FROM annotations WHERE id = ?",
            [claim.id],
        )
    assert quotes(fresh_store, "alpha") == set()
    assert quotes(fresh_store, "beta") == {claim.quote} == quotes(fresh_store, "贝塔")
    session.set_link(source_id=claim.id, kind="said_by", name="Old Name")
    assert quotes(fresh_store, "speaker:old") == {claim.quote}
    with fresh_store.transaction():
        fresh_store.conn.execute(
            "INSERT OR REPLACE INTO links SELECT id, source_id, kind, target_id, 'New 新', "
            "analyst_id, created FROM links"
        )
    assert quotes(fresh_store, "speaker:old") == set()
    assert quotes(fresh_store, "speaker:new") == {claim.quote} == quotes(fresh_store, "speaker:新")
    assert_indexes_match_the_tables(fresh_store)


def test_import_paths_makes_files_searchable(fresh_store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "2024-01-02 visit.txt").write_text("Visit\n\nThe delegation arrived in Almaty.")
    (folder / "2024-01-03 中文.txt").write_text("访问\n\n代表团抵达阿拉木图。", encoding="utf-8")
    (folder / "2024-01-04 rus.txt").write_bytes("Делегация прибыла в Алматы.".encode("cp1251"))
    outcome = import_paths(fresh_store, [folder], analyst_id=None)
    assert len(outcome.added) == 3
    assert docs(fresh_store, "almaty") == {"Visit"}
    assert docs(fresh_store, "阿拉木图") == {"访问"}
    assert len(docs(fresh_store, "алматы")) == 1
    assert_indexes_match_the_tables(fresh_store)


def test_a_cancelled_import_leaves_nothing_in_the_index(fresh_store: Store, tmp_path: Path) -> None:
    docs(fresh_store, "anything")  # the index is up to date before the import
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"Heading\n\nArticle {name} about Baikonur 拜科努尔.")
    outcome = import_paths(
        fresh_store, [tmp_path], analyst_id=None, progress=lambda i, total, path: i < 2
    )
    assert outcome.cancelled and outcome.taken_back == 2
    assert docs(fresh_store, "baikonur") == set() == docs(fresh_store, "拜科努尔")
    assert_indexes_match_the_tables(fresh_store)


def test_merge_makes_their_documents_and_annotations_searchable(
    fresh_store: Store, tmp_path: Path
) -> None:
    other = tmp_path / "ben.sqlite"
    with Store.open(other) as theirs:
        doc = add(theirs, ARTICLE, title="Ben's article")
        ben = Session(theirs, theirs.ensure_analyst("Ben"))
        claim = span(ben, doc, "Claim", "warned against interference", note="Ben's note 本的")
        ben.set_link(source_id=claim.id, kind="said_by", name="Unnamed official")
    assert docs(fresh_store, "interference") == set()
    report = merge_project(fresh_store, other, analyst="Ana")
    assert report.complete
    assert docs(fresh_store, "interference") == {"Ben's article"}
    assert quotes(fresh_store, "analyst:ben note:note") == {"warned against interference"}
    assert quotes(fresh_store, "本的") == {"warned against interference"}
    assert quotes(fresh_store, "speaker:official") == {"warned against interference"}
    # Their later edit comes over as an update of the same annotation.
    with Store.open(other) as theirs:
        Session(theirs, theirs.ensure_analyst("Ben")).update_annotation(claim.id, note="revised")
    merge_project(fresh_store, other, analyst="Ana")
    assert quotes(fresh_store, "本的") == set()
    assert quotes(fresh_store, "note:revised") == {"warned against interference"}
    assert_indexes_match_the_tables(fresh_store)


def test_an_older_project_is_indexed_when_upgraded(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    db = Database(conn)
    migrations.apply(db, stop_before="0005_search")
    db["analysts"].insert({"id": "a1", "name": "Old", "created": "2025-01-01T00:00:00Z"})
    db["labels"].insert(
        {"id": "l1", "name": "Claim", "role": "claim", "color": "#fff", "position": 0}
    )
    text = "An old article about the railway corridor. 一带一路倡议。"
    db["documents"].insert(
        {"id": "d1", "title": "Old piece", "source": "x", "imported_at": "2025", "text": text,
         "text_hash": "h", "char_count": len(text)}
    )  # fmt: skip
    db["annotations"].insert(
        {"id": "n1", "document_id": "d1", "analyst_id": "a1", "label_id": "l1", "start": 0,
         "end": 14, "quote": "An old article", "prefix": "", "suffix": "", "note": "old note",
         "created": "2025", "modified": "2025"}
    )  # fmt: skip
    db["links"].insert(
        {"id": "k1", "source_id": "n1", "kind": "said_by", "name": "Old Speaker",
         "analyst_id": "a1", "created": "2025"}
    )  # fmt: skip
    conn.close()
    with Store.open(db_path) as store:
        assert pending(store) == 0  # indexed by the migration itself
        assert docs(store, "railway") == {"Old piece"} == docs(store, "一带一路")
        assert quotes(store, "note:old") == {"An old article"}
        assert quotes(store, "speaker:old") == {"An old article"}
        assert_indexes_match_the_tables(store)


def test_the_search_migration_follows_schema_4() -> None:
    # The upgrade test above starts from schema 4: every migration before 0005_search.
    assert MIGRATION_NAMES.index("0005_search") == 4


def test_rebuild_gives_the_same_results(fresh_store: Store) -> None:
    add(fresh_store, ARTICLE, title="One")
    add(fresh_store, "Second article, 第二篇文章.", title="Two")
    before = [docs(fresh_store, q) for q in ("article", "文章", "china")]
    rebuild_index(fresh_store)
    assert [docs(fresh_store, q) for q in ("article", "文章", "china")] == before
    assert_indexes_match_the_tables(fresh_store)


def test_sync_is_one_transaction_and_empties_the_queue(fresh_store: Store) -> None:
    for n in range(5):
        add(fresh_store, f"Article {n} about trade.", title=f"A{n}")
    assert pending(fresh_store) == 5
    assert sync_index(fresh_store) == 5
    assert pending(fresh_store) == 0 and sync_index(fresh_store) == 0


WORDS = (
    "trade", "oil", "gas", "中国", "人民", "国家", "政府", "naïve", "café", "Москва",
    "Łódź", "Ελλάδα", "كَتَبَ", "שָׁלוֹם",
)  # fmt: skip


@pytest.mark.parametrize("recursive_triggers", ["ON", "OFF"])
def test_any_mix_of_changes_keeps_every_index_exact(
    fresh_store: Store, recursive_triggers: str
) -> None:
    """Random inserts, edits, REPLACEs and deletes, synced at random moments; after each sync
    the indexes pass FTS5's own comparison with their content, and Chinese words find exactly
    the rows a plain substring search finds, as do Łódź, كَتَبَ and שָׁלוֹם written plainly."""
    fresh_store.conn.execute(f"PRAGMA recursive_triggers = {recursive_triggers}")
    rng = random.Random(7)
    doc = add(fresh_store, "x " * 500)
    ana = fresh_store.ensure_analyst("Ana")
    label = fresh_store.codebook.get().by_name("Claim").id
    conn = fresh_store.conn
    for step in range(300):
        note = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 3)))
        ids = [r[0] for r in conn.execute("SELECT id FROM annotations")]
        action = rng.random()
        with fresh_store.transaction():
            if action < 0.4 or not ids:
                start = rng.randrange(0, 990, 2)
                conn.execute(
                    "INSERT INTO annotations (id, document_id, analyst_id, label_id, start, "
                    '"end", quote, prefix, suffix, note, created, modified) '
                    "VALUES (?, ?, ?, ?, ?, ?, 'x', '', '', ?, '', '')",
                    [f"n{step}", doc, ana.id, label, start, start + 1, note],
                )
            elif action < 0.65:
                conn.execute(
                    "UPDATE annotations SET note = ? WHERE id = ?", [note, rng.choice(ids)]
                )
            elif action < 0.8:
                conn.execute(
                    "INSERT OR REPLACE INTO annotations SELECT id, document_id, analyst_id, "
                    'label_id, start, "end", quote, prefix, suffix, sentiment, speaker_name, ?, '
                    "created, modified FROM annotations WHERE id = ?",
                    [note, rng.choice(ids)],
                )
            else:
                conn.execute("DELETE FROM annotations WHERE id = ?", [rng.choice(ids)])
        if rng.random() < 0.2:
            assert_indexes_match_the_tables(fresh_store)
            notes = dict(conn.execute("SELECT id, note FROM annotations").fetchall())
            for word in WORDS[3:7]:
                expected = {i for i, n in notes.items() if word in n}
                got = {h.annotation_id for h in search_annotations(fresh_store, word, limit=1000)}
                assert got == expected, (step, word)
            for word, plain in (("Łódź", "lodz"), ("كَتَبَ", "كتب"), ("שָׁלוֹם", "שלום")):
                expected = {i for i, n in notes.items() if word in n}
                got = {h.annotation_id for h in search_annotations(fresh_store, plain, limit=1000)}
                assert got == expected, (step, word)
