"""What a source says about itself, its page map and its original bytes, kept with the document."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.core.importing import ExtractedDocument, ImportReport, Original, SourceMeta
from annotator.core.records import page_at
from annotator.core.store import Store

PAGE = b"<html><head><title>T</title></head><body><p>Body \xe2\x80\x94 text.</p></body></html>"


def extracted(text: str = "First page.\n\nSecond page.", **meta: str) -> ExtractedDocument:
    return ExtractedDocument(
        source=Path("statement.pdf"),
        title="Statement",
        text=text,
        published="2022-04-26",
        report=ImportReport("statement.pdf", "pdf", "pdf", False),
        meta=SourceMeta(title="Statement", **meta),
        page_starts=[0, text.index("Second")],
        original=Original(PAGE, "text/html", "statement.html"),
    )


def test_metadata_page_map_and_original_are_stored(fresh_store: Store) -> None:
    summary, created = fresh_store.documents.add(
        extracted(
            outlet="Global Times",
            author="Liu Xin; Yang Sheng",
            url="https://x.cn/a/1",
            language="en",
        ),
        analyst_id=None,
    )
    assert created and summary.outlet == "Global Times" and summary.language == "en"
    document = fresh_store.documents.get(summary.id)
    assert (document.author, document.url) == ("Liu Xin; Yang Sheng", "https://x.cn/a/1")
    assert document.page_starts == (0, document.text.index("Second"))
    assert document.page_at(0) == 1 and document.page_at(len(document.text) - 1) == 2
    original = fresh_store.documents.original(summary.id)
    assert original is not None and original.data == PAGE and original.media_type == "text/html"
    stored = fresh_store.conn.execute("SELECT size, data FROM originals").fetchone()
    assert stored[0] == len(PAGE) and zlib.decompress(stored[1]) == PAGE  # kept compressed


def test_metadata_is_one_clean_line(fresh_store: Store) -> None:
    summary, _ = fresh_store.documents.add(
        extracted(outlet=" Xinhua\n\u0000News ", author="A\tB"), analyst_id=None
    )
    assert (summary.outlet, summary.author) == ("Xinhua News", "A B")


def test_the_canonical_address_is_a_duplicate_key(fresh_store: Store) -> None:
    first, created = fresh_store.documents.add(extracted(url="https://x.cn/a/1"), analyst_id=None)
    again, created_again = fresh_store.documents.add(
        extracted(
            "First page.\n\nSecond page, with a view counter: 1,204.", url="https://x.cn/a/1"
        ),
        analyst_id=None,
    )
    assert created and not created_again and again.id == first.id
    _, other = fresh_store.documents.add(
        extracted("Another article.\n\nSecond part.", url="https://x.cn/a/2"), analyst_id=None
    )
    assert other


def test_page_map_and_original_never_change(fresh_store: Store) -> None:
    summary, _ = fresh_store.documents.add(extracted(), analyst_id=None)
    with pytest.raises(sqlite3.DatabaseError, match="page map never changes"):
        fresh_store.conn.execute("UPDATE documents SET page_starts = '[0]'")
    with pytest.raises(sqlite3.DatabaseError, match="kept as it was imported"):
        fresh_store.conn.execute("UPDATE originals SET data = x'00'")
    assert fresh_store.documents.get(summary.id).page_starts[0] == 0


def test_a_damaged_original_is_reported_not_returned(fresh_store: Store) -> None:
    summary, _ = fresh_store.documents.add(extracted(), analyst_id=None)
    fresh_store.conn.execute("DROP TRIGGER originals_are_immutable")
    fresh_store.conn.execute("UPDATE originals SET data = ?", [zlib.compress(b"altered")])
    with pytest.raises(ProjectError, match="SHA-256"):
        fresh_store.documents.original(summary.id)


def test_page_at_without_pages_and_at_page_starts() -> None:
    assert page_at((), 10) is None
    assert [page_at((0, 5, 9), n) for n in (0, 4, 5, 8, 9, 100)] == [1, 1, 2, 2, 3, 3]


def test_documents_without_a_source_record_have_no_original(fresh_store: Store) -> None:
    plain = extracted()
    plain.original = None
    summary, _ = fresh_store.documents.add(plain, analyst_id=None)
    assert fresh_store.documents.original(summary.id) is None
