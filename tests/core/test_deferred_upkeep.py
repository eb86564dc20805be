"""Indexes and triggers set aside for a large load (core/store/deferred_upkeep.py): put back,
the project is exactly what the same rows written one by one make of it: the same schema, the
same search results, the same analysis_names; a load killed in the middle is put right by the
next opening, and nothing stored in the file is ever run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_analysis_names import from_table
from test_store_annotations import add_document, label

from annotator.core.search import search_annotations, sync_index
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store import deferred_upkeep as upkeep

TEXT = (
    "Minister Wang Yi said Łódź would host the talks. "
    "外交部发言人表示会谈将继续。 The envoy Ελλάδα denied it, said Straße officials. "
    "Said Minister\n  Zhao\u3000Lijian: sanctions failed."
)


def schema(store: Store) -> set[tuple[str, str, str]]:
    return set(
        store.conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE "
            "'sqlite_%'"
        ).fetchall()
    )


def tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        t: sorted(store.conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
        for t in ("annotations", "links")
    }


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Store, Store]:
    """(`tagged`: claims, speakers and links written the usual way; `loaded`: a copy of the
    project as it was before them, empty of annotations)."""
    tagged = Store.open(tmp_path / "tagged.db")
    doc = add_document(tagged, TEXT)
    ana = tagged.ensure_analyst("Ana")
    tagged.close()
    shutil.copy(tmp_path / "tagged.db", tmp_path / "loaded.db")
    tagged = Store.open(tmp_path / "tagged.db")
    session = Session(tagged, ana)

    def tag(name: str, phrase: str):  # type: ignore[no-untyped-def]
        start = TEXT.index(phrase)
        made, _ = session.create_annotation(
            document_id=doc,  # type: ignore[arg-type]
            label_id=label(tagged, name),  # type: ignore[arg-type]
            start=start,
            end=start + len(phrase),
        )
        return made

    speaker = tag("Speaker", "Minister Wang Yi")
    claim = tag("Claim", "Łódź would host the talks")
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    session.set_link(source_id=claim.id, kind="about", name="the talks")
    other = tag("Claim", "会谈将继续")
    session.set_link(source_id=other.id, kind="said_by", name="外交部发言人")
    tag("Claim", "Straße officials")
    spaced = tag("Speaker", "Minister\n  Zhao\u3000Lijian")
    failed = tag("Claim", "sanctions failed")
    session.set_link(source_id=failed.id, kind="said_by", target_id=spaced.id)
    # Older and same-time links of the same kind (as merges leave them): the newest counts,
    # by created, then by id.
    with tagged.transaction():
        for ident, created, name in (
            ("0-older", "2000-01-01T00:00:00.000Z", "Older name"),
            ("zz-tie", "2001-01-01T00:00:00.000Z", "Tie, larger id"),
            ("aa-tie", "2001-01-01T00:00:00.000Z", "Tie, smaller id"),
        ):
            tagged.conn.execute(
                "INSERT INTO links (id, source_id, kind, target_id, name, analyst_id, created) "
                "VALUES (?, ?, 'about', NULL, ?, ?, ?)",
                [ident, other.id if ident != "0-older" else failed.id, name, ana.id, created],
            )
    loaded = Store.open(tmp_path / "loaded.db")
    return tagged, loaded


def load_like(loaded: Store, tagged: Store) -> None:
    """Write `tagged`'s annotations and links into `loaded` in bulk, as a clone does."""
    conn = loaded.conn
    for table in ("annotations", "links"):
        rows = tagged.conn.execute(f"SELECT * FROM {table}").fetchall()
        marks = ", ".join("?" * len(rows[0]))
        with loaded.transaction():
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def test_set_aside_then_put_back_gives_the_project_the_rows_make_one_by_one(
    pair: tuple[Store, Store],
) -> None:
    tagged, loaded = pair
    before = schema(loaded)
    with loaded.transaction():
        assert upkeep.set_aside(loaded.conn, "annotations")
        assert upkeep.set_aside(loaded.conn, "links")
    gone = before - schema(loaded)
    assert {name for _t, name, _s in gone} >= {
        "annotations_by_document", "search_annotations_after_insert",
        "analysis_names_annotation_insert", "links_by_source", "search_links_after_insert",
        "analysis_names_link_insert",
    }  # fmt: skip
    assert sorted(upkeep.set_aside_now(loaded.conn)) == sorted(n for _t, n, _s in gone)
    load_like(loaded, tagged)
    assert loaded.conn.execute("SELECT count(*) FROM analysis_names").fetchone()[0] == 0
    with loaded.transaction():
        assert upkeep.put_back(loaded.conn)
    assert schema(loaded) == before
    assert upkeep.set_aside_now(loaded.conn) == []
    assert tables(loaded) == tables(tagged)
    assert from_table(loaded) == from_table(tagged) != {}
    sync_index(tagged)
    sync_index(loaded)
    for query in ("lodz", "talks", "会谈", "strasse", "wang", "speaker:外交部发言人"):
        found = [h.annotation_id for h in search_annotations(loaded, query)]
        assert found, query
        assert found == [h.annotation_id for h in search_annotations(tagged, query)], query


def test_a_table_that_has_rows_is_left_as_it_is(pair: tuple[Store, Store]) -> None:
    tagged, _loaded = pair
    before = schema(tagged)
    with tagged.transaction():
        assert not upkeep.set_aside(tagged.conn, "annotations")
    assert schema(tagged) == before
    with pytest.raises(ValueError):
        upkeep.set_aside(tagged.conn, "documents")


def test_a_load_killed_in_the_middle_is_put_right_by_the_next_opening(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    tagged, loaded = pair
    before = schema(loaded)
    loaded.close()
    killed = textwrap.dedent(
        f"""
        import os, signal, sqlite3
        from annotator.core.store import Store
        from annotator.core.store import deferred_upkeep
        store = Store.open({str(loaded.path)!r})
        source = sqlite3.connect({str(tagged.path)!r})
        with store.transaction():
            deferred_upkeep.set_aside(store.conn, "annotations")
            deferred_upkeep.set_aside(store.conn, "links")
        for table in ("annotations", "links"):
            rows = source.execute(f"SELECT * FROM {{table}}").fetchall()
            with store.transaction():
                store.conn.executemany(
                    f"INSERT INTO {{table}} VALUES ({{', '.join('?' * len(rows[0]))}})", rows
                )
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", killed], env=env, timeout=120)
    assert done.returncode == -9
    with Store.open(loaded.path) as reopened:
        assert schema(reopened) == before
        assert upkeep.set_aside_now(reopened.conn) == []
        assert tables(reopened) == tables(tagged)
        assert from_table(reopened) == from_table(tagged) != {}
        sync_index(reopened)
        assert len(search_annotations(reopened, "lodz")) == 1


def test_a_live_load_is_not_disturbed_by_another_opening(pair: tuple[Store, Store]) -> None:
    tagged, loaded = pair
    with loaded.transaction():
        upkeep.set_aside(loaded.conn, "annotations")
    # This process is the loader: a second window or command opening the project meanwhile
    # leaves the load's set-aside alone; the load puts it back itself.
    with Store.open(loaded.path) as other:
        assert upkeep.set_aside_now(other.conn) != []
    with loaded.transaction():
        upkeep.put_back(loaded.conn)
    assert schema(loaded) == schema(tagged)


def test_rows_written_elsewhere_during_the_load_are_indexed_too(
    pair: tuple[Store, Store],
) -> None:
    tagged, loaded = pair
    with loaded.transaction():
        upkeep.set_aside(loaded.conn, "annotations")
        upkeep.set_aside(loaded.conn, "links")
    load_like(loaded, tagged)
    # Meanwhile, the analyst tags in the window (triggers set aside: nothing queued).
    session = Session(loaded, loaded.ensure_analyst("Ana"))
    doc = loaded.conn.execute("SELECT id FROM documents").fetchone()[0]
    start = TEXT.index("The envoy")
    session.create_annotation(
        document_id=doc, label_id=label(loaded, "Claim"), start=start, end=start + 9
    )
    with loaded.transaction():
        upkeep.put_back(loaded.conn)
    sync_index(loaded)
    assert [h.quote for h in search_annotations(loaded, "envoy")] == ["The envoy"]


def test_nothing_the_file_names_is_run(pair: tuple[Store, Store], tmp_path: Path) -> None:
    """A file that says an unknown index or trigger was set aside gets nothing created: what
    is put back comes from Annotator's own schema, by name."""
    _tagged, loaded = pair
    before = schema(loaded)
    with loaded.transaction():
        loaded.conn.execute(
            "INSERT INTO deferred_upkeep (name, type, tbl, pid, host, since) "
            "VALUES ('planted', 'trigger', 'annotations', ?, 'elsewhere', '2026-01-01')",
            [os.getpid()],
        )
        assert upkeep.put_back(loaded.conn)
    assert schema(loaded) == before
