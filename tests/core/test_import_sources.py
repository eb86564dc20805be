"""Real sources through the importer into a project: a saved news page and a saved single-file
page (.mhtml) keep the article, its metadata and the original bytes; --full-page keeps all."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_import_web import MHTML, page_file, quoted_printable

from annotator.core.importing import ReadOptions, read_document
from annotator.core.ingest import import_paths
from annotator.core.store import Store


def test_a_saved_news_page_is_stored_with_its_metadata_and_original(
    fresh_store: Store, tmp_path: Path
) -> None:
    page = shutil.copy(page_file("globaltimes-en"), tmp_path / "gt.html")
    outcome = import_paths(fresh_store, [Path(page)], analyst_id=None)
    [(summary, report)] = outcome.added
    document = fresh_store.documents.get(summary.id)
    assert document.outlet == "Global Times" and document.language == "en"
    assert document.url.startswith("https://www.globaltimes.cn/")
    assert document.published and document.title.startswith("Chinese experts slam")
    # The headline opens the text (analysts quote it); the site's menus do not appear.
    assert document.text.startswith(document.title + "\n")
    assert "Cookie" not in document.text and "Most Read" not in document.text
    assert report.extraction.startswith("main text") and report.left_out
    assert "Left out" in report.summary()
    original = fresh_store.documents.original(summary.id)
    assert original is not None and original.data == Path(page).read_bytes()
    assert original.media_type == "text/html"


def test_the_same_page_saved_twice_adds_nothing(fresh_store: Store, tmp_path: Path) -> None:
    first = Path(shutil.copy(page_file("globaltimes-en"), tmp_path / "a.html"))
    # The same article saved again later: a view counter in the page changed.
    second = tmp_path / "b.html"
    second.write_text(
        first.read_text(encoding="utf-8").replace("</body>", "<p>Views: 10,391</p></body>"),
        encoding="utf-8",
    )
    outcome = import_paths(fresh_store, [first, second], analyst_id=None)
    assert len(outcome.added) == 1 and len(outcome.duplicates) == 1


def test_full_page_keeps_all_visible_text(tmp_path: Path) -> None:
    page = Path(shutil.copy(page_file("globaltimes-en"), tmp_path / "gt.html"))
    main = read_document(page)
    whole = read_document(page, options=ReadOptions(full_page=True))
    assert len(whole.text) > len(main.text)
    assert "all visible text" in whole.report.extraction


def test_a_single_file_page_is_read_with_its_address(fresh_store: Store, tmp_path: Path) -> None:
    from test_import_web import ARTICLE

    saved = tmp_path / "port.mhtml"
    saved.write_bytes(MHTML.format(html=quoted_printable(ARTICLE)).encode("ascii"))
    outcome = import_paths(fresh_store, [saved], analyst_id=None)
    [(summary, report)] = outcome.added
    assert report.format == "mhtml"
    document = fresh_store.documents.get(summary.id)
    assert "Dock workers voted on Monday" in document.text
    # The page names its canonical address (og:url): that one, not where it was saved from.
    assert document.url == "https://daily.example.com/og-address"


def test_the_import_report_names_a_syndicated_copy(fresh_store: Store, tmp_path: Path) -> None:
    from test_copies import ORIGINAL, republished

    first = tmp_path / "xinhua.txt"
    first.write_text("Xinhua: talks resume\n" + ORIGINAL, encoding="utf-8")
    copy = tmp_path / "daily.txt"
    copy.write_text("Daily Mirror: talks resume\n" + republished(), encoding="utf-8")
    import_paths(fresh_store, [first], analyst_id=None)
    outcome = import_paths(fresh_store, [copy], analyst_id=None)
    [(summary, _report)] = outcome.added
    assert summary.copy_of is not None
    assert (
        "Syndicated copy: “Daily Mirror: talks resume” re-publishes “Xinhua: talks resume”"
        in outcome.summary()
    )
