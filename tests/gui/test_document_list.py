"""The document list: rows fetched a page at a time, filtered and sorted in memory, kept current."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMessageBox,
    QPlainTextEdit,
    QToolTip,
)

from annotator.core.importing.report import ExtractedDocument, ImportReport, Original, SourceMeta
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.gui.panels.document_list import (
    DATE,
    LANGUAGE,
    OUTLET,
    PAGE,
    TAGS,
    TITLE,
    DocumentListPanel,
)

COUNT = 2 * PAGE + 37  # three pages


def add(store: Store, title: str, published: str | None, text: str | None = None) -> DocumentId:
    report = ImportReport(source="x.txt", format="text", encoding="utf-8", encoding_detected=False)
    extracted = ExtractedDocument(
        source=Path(f"{title}.txt"),
        title=title,
        text=text or f"{title}\nThe minister spoke about {title} at length.",
        published=published,
        report=report,
    )
    return store.documents.add(extracted, analyst_id=None)[0].id


@pytest.fixture
def store(fresh_store: Store) -> Store:
    """Articles with dates out of order, a few undated, titles in several scripts; the n-th
    article has n % 4 annotations."""
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    speaker = fresh_store.codebook.get().by_name("Speaker").id
    names = ("Pipeline talks", "МИНИСТР обороны", "Ελλάδα και Κίνα", "Summit")
    with fresh_store.transaction():
        for n in range(COUNT):
            date = None if n % 17 == 0 else f"2023-{1 + (n * 7) % 12:02}-{1 + (n * 5) % 28:02}"
            doc = add(fresh_store, f"{names[n % 4]} {n:03}", date)
            for _ in range(n % 4):
                session.create_annotation(document_id=doc, label_id=speaker, start=0, end=5)
    return fresh_store


class Spy:
    """Counts the summaries fetched from the project."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.batches: list[int] = []
        original = store.documents.summaries

        def summaries(ids: Any) -> Any:
            self.batches.append(len(ids))
            return original(ids)

        monkeypatch.setattr(store.documents, "summaries", summaries)


@pytest.fixture
def panel(qtbot: Any, store: Store) -> DocumentListPanel:
    panel = DocumentListPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.load(store.documents)
    return panel


def shown(panel: DocumentListPanel, column: int = TITLE) -> list[Any]:
    model = panel.view.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def date_order(store: Store) -> list[str]:
    docs = store.documents.list()  # the project's own order: by date, undated last, by title
    return [d.title for d in docs]


def test_every_document_is_a_row_in_date_order(panel: DocumentListPanel, store: Store) -> None:
    assert panel.view.model().rowCount() == COUNT
    assert shown(panel) == date_order(store)


def test_counts_are_fetched_a_page_at_a_time_when_rows_are_shown(
    qtbot: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(store, monkeypatch)
    panel = DocumentListPanel()
    qtbot.addWidget(panel)
    panel.load(store.documents)  # not shown yet: nothing but ids, titles and dates read
    assert spy.batches == []
    model = panel.model
    expected = {d.id: d.annotation_count for d in store.documents.list()}
    last = COUNT - 1
    assert model.index(last, TAGS).data() == expected[model.id_at(last)]
    assert spy.batches == [COUNT - 2 * PAGE]  # the last page only
    assert model.index(PAGE + 3, TAGS).data() == expected[model.id_at(PAGE + 3)]
    assert model.index(PAGE + 4, TAGS).data() == expected[model.id_at(PAGE + 4)]
    assert spy.batches == [COUNT - 2 * PAGE, PAGE]  # the second page, once
    assert [model.index(r, TAGS).data() for r in range(COUNT)] == [
        expected[model.id_at(r)] for r in range(COUNT)
    ]
    assert spy.batches == [COUNT - 2 * PAGE, PAGE, PAGE]


def test_the_filter_matches_titles_in_any_case_and_script(
    qtbot: Any, panel: DocumentListPanel, store: Store
) -> None:
    panel.filter_edit.setText("министр")  # QTest types ASCII only; the signal is the same
    titles = shown(panel)
    assert titles == [t for t in date_order(store) if "МИНИСТР" in t]
    assert len(titles) == (COUNT + 2) // 4
    counts = {d.title: d.annotation_count for d in store.documents.list()}
    assert shown(panel, TAGS) == [counts[t] for t in titles]  # rows of the filtered pages
    panel.filter_edit.clear()
    assert shown(panel) == date_order(store)
    qtbot.keyClicks(panel.filter_edit, "PIPELINE")
    assert shown(panel) == [t for t in date_order(store) if t.startswith("Pipeline")]


def test_headers_sort_by_title_date_and_count(
    qtbot: Any, panel: DocumentListPanel, store: Store
) -> None:
    docs = store.documents.list()
    header = panel.view.horizontalHeader()

    def click(column: int) -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))

    click(TITLE)
    assert shown(panel) == sorted((d.title for d in docs), key=str.casefold)
    click(TITLE)
    assert shown(panel) == sorted((d.title for d in docs), key=str.casefold, reverse=True)
    click(TAGS)
    counts = shown(panel, TAGS)
    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == 3
    click(DATE)
    assert shown(panel) == date_order(store)


def test_a_document_added_appears_in_its_place_with_the_filter_still_on(
    qtbot: Any, panel: DocumentListPanel, store: Store
) -> None:
    qtbot.keyClicks(panel.filter_edit, "summit")
    before = len(shown(panel))
    new = add(store, "Summit in Astana", "2023-01-01")
    add(store, "Pipeline news", "2023-01-01")  # filtered out
    panel.load(store.documents)
    assert len(shown(panel)) == before + 1
    assert shown(panel)[0] == "Summit in Astana"  # the earliest date
    assert panel.model.row_of(new) == 0
    assert panel.model.index(0, TAGS).data() == 0


def test_filtering_keeps_the_open_document_current_without_opening_another(
    qtbot: Any, panel: DocumentListPanel, store: Store
) -> None:
    chosen: list[str] = []
    panel.document_chosen.connect(chosen.append)
    target = next(d for d in store.documents.list() if d.title == "Summit 003")
    panel.select(target.id)
    assert chosen == [target.id]
    with qtbot.assertNotEmitted(panel.document_chosen):
        qtbot.keyClicks(panel.filter_edit, "summit 00")
        assert panel.model.id_at(panel.view.currentIndex().row()) == target.id
        qtbot.keyClicks(panel.filter_edit, "7")  # hides it
        assert not panel.view.currentIndex().isValid()
        assert panel.model.row_of(target.id) == -1 and panel.model.contains(target.id)
        panel.load(store.documents)  # a refresh keeps the filter
        assert shown(panel) == ["Summit 007"]


def test_step_opens_the_next_document_in_the_order_shown(
    panel: DocumentListPanel, store: Store
) -> None:
    chosen: list[str] = []
    panel.document_chosen.connect(chosen.append)
    order = [d.id for d in store.documents.list()]
    panel.step(1)
    panel.step(1)
    panel.step(-1)
    assert chosen == [order[0], order[1], order[0]]


def test_a_changed_count_is_shown_in_place(panel: DocumentListPanel, store: Store) -> None:
    model = panel.model
    doc = model.id_at(5)
    before = model.index(5, TAGS).data()
    session = Session(store, store.ensure_analyst("Ana"))
    speaker = store.codebook.get().by_name("Speaker").id
    session.create_annotation(document_id=doc, label_id=speaker, start=0, end=5)
    model.update_document(store.documents.summary(doc))
    assert model.index(5, TAGS).data() == before + 1
    tooltip = model.index(5, TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert "characters" in tooltip


LONG_TITLE = (
    "Water talks: the ministers of <b>three</b> countries meet again about the dam, the river "
    "and the sharing of its water through the dry season — 2023-06-02, Cairo"
)


def tip_label() -> Any:
    """The tooltip on screen (Qt's QTipLabel), or None."""
    for widget in QApplication.topLevelWidgets():
        if widget.metaObject().className() == "QTipLabel" and widget.isVisible():
            return widget
    return None


def hover(view: QAbstractItemView, index: QModelIndex) -> None:
    """What the platform sends when the pointer rests on a cell."""
    point = view.visualRect(index).center()
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)


def test_a_long_title_is_read_whole_in_a_wrapped_plain_text_tooltip(
    qtbot: Any, panel: DocumentListPanel, store: Store
) -> None:
    add(store, LONG_TITLE, "2023-06-02")
    panel.load(store.documents)
    qtbot.keyClicks(panel.filter_edit, "water talks")
    index = panel.view.model().index(0, TITLE)
    assert index.data() == LONG_TITLE  # the model gives it whole; the view elides it …
    assert panel.view.textElideMode() == Qt.TextElideMode.ElideMiddle  # … keeping its end
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;three&lt;/b&gt;" in tooltip  # escaped: shown as typed, never as markup
    document = QTextDocument()
    document.setHtml(tooltip)
    assert document.toPlainText().splitlines()[0] == LONG_TITLE
    hover(panel.view, index)
    qtbot.waitUntil(lambda: tip_label() is not None)
    tip = tip_label()
    screen = panel.screen().availableGeometry()
    # Wrapped onto lines that fit the screen, not one line running off its edge.
    assert tip.width() <= screen.width() / 2
    assert tip.height() >= 3 * tip.fontMetrics().height()
    QToolTip.hideText()


def test_the_list_opens_wide_enough_to_read_titles(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "2023-06-02-water-talks.txt"
    article.write_text(f"{LONG_TITLE}\nThe ministers met again.\n", encoding="utf-8")
    window = open_window([article])
    view = window.documents.view
    header = view.horizontalHeader()
    char = view.fontMetrics().averageCharWidth()
    assert header.sectionSize(TITLE) >= 24 * char
    assert header.sectionSize(TITLE) > header.sectionSize(DATE) + header.sectionSize(TAGS)
    for column in (DATE, TAGS):  # the narrow columns still show their header and values
        title = header.model().headerData(column, Qt.Orientation.Horizontal)
        assert header.sectionSize(column) >= header.fontMetrics().horizontalAdvance(title) + 16
    assert header.sectionSize(DATE) >= view.fontMetrics().horizontalAdvance("2023-06-02")


# -- outlet, language, syndicated copies, the original ------------------------------------------

PAGE_BYTES = b"<html><body><p>The <b>minister</b> spoke \xe2\x80\x94 at length.</p></body></html>"


def add_sourced(
    store: Store,
    title: str,
    *,
    original: bytes | None = PAGE_BYTES,
    published: str | None = "2023-05-01",
    **meta: str,
) -> DocumentId:
    extracted = ExtractedDocument(
        source=Path(f"{title}.html"),
        title=title,
        text=f"{title}\nThe minister spoke about {title}.",
        published=published,
        report=ImportReport(f"{title}.html", "html", "utf-8", False),
        meta=SourceMeta(title=title, **meta),
        original=None if original is None else Original(original, "text/html", f"{title}.html"),
    )
    summary, created = store.documents.add(extracted, analyst_id=None)
    assert created
    return summary.id


def mark_copy(store: Store, copy: DocumentId, original: DocumentId) -> None:
    """What the import's syndication check records when it finds a copy."""
    store.conn.execute(
        "INSERT INTO document_copies (document_id, original_id, similarity, found_at) "
        "VALUES (?, ?, 0.97, '2024-01-01T00:00:00.000Z')",
        [copy, original],
    )


@pytest.fixture
def sourced(qtbot: Any, fresh_store: Store) -> tuple[DocumentListPanel, Store]:
    add_sourced(fresh_store, "Wei in Astana", outlet="Xinhua", author="Li Wei", language="zh-CN")
    add_sourced(fresh_store, "Talks resume", outlet="Global Times", language="en")
    add_sourced(fresh_store, "Moscow view", outlet="TASS", author="Ivan Petrov", language="ru")
    add(fresh_store, "Notes from a file", "2023-01-01")  # no source fields, no original
    panel = DocumentListPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.load(fresh_store.documents)
    return panel, fresh_store


def visible_headers(panel: DocumentListPanel) -> list[str]:
    header = panel.view.horizontalHeader()
    model = panel.view.model()
    logical = [header.logicalIndex(v) for v in range(header.count())]
    return [
        model.headerData(c, Qt.Orientation.Horizontal)
        for c in logical
        if not panel.view.isColumnHidden(c)
    ]


def click_header(panel: DocumentListPanel, column: int) -> None:
    header = panel.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_outlet_and_language_are_shown_beside_the_title_when_a_document_names_its_outlet(
    sourced: tuple[DocumentListPanel, Store],
) -> None:
    panel, _store = sourced
    assert visible_headers(panel) == ["Title", "Outlet", "Language", "Date", "Tags"]
    rows = {
        t: (o, lang)
        for t, o, lang in zip(
            shown(panel), shown(panel, OUTLET), shown(panel, LANGUAGE), strict=True
        )
    }
    assert rows == {
        "Notes from a file": ("", ""),
        "Wei in Astana": ("Xinhua", "zh-CN"),
        "Talks resume": ("Global Times", "en"),
        "Moscow view": ("TASS", "ru"),
    }


def test_without_any_outlet_the_columns_stay_hidden(panel: DocumentListPanel) -> None:
    assert visible_headers(panel) == ["Title", "Date", "Tags"]


def test_a_narrow_list_hides_them_to_keep_titles_readable_and_the_header_menu_decides(
    qtbot: Any, sourced: tuple[DocumentListPanel, Store]
) -> None:
    panel, _store = sourced
    panel.resize(panel.minimumWidth(), 400)
    qtbot.waitUntil(lambda: not panel.sources_shown())
    assert panel.view.horizontalHeader().sectionSize(TITLE) >= (
        24 * panel.view.fontMetrics().averageCharWidth()
    )
    panel.resize(900, 400)
    qtbot.waitUntil(panel.sources_shown)
    # Hidden for good from the header's context menu, whatever the room.
    header = panel.view.horizontalHeader()
    header.customContextMenuRequested.emit(QPoint(10, 5))
    assert panel.header_menu is not None
    (action,) = panel.header_menu.actions()
    assert action.text() == "Outlet and language" and action.isChecked()
    action.trigger()
    panel.header_menu.close()
    assert not panel.sources_shown()
    panel.resize(1000, 400)
    assert not panel.sources_shown()
    panel.show_sources(True)
    panel.resize(panel.minimumWidth(), 400)
    assert panel.sources_shown()  # chosen: shown even when narrow


def test_outlet_and_language_columns_sort(sourced: tuple[DocumentListPanel, Store]) -> None:
    panel, _store = sourced
    click_header(panel, OUTLET)
    assert shown(panel, OUTLET) == ["Global Times", "TASS", "Xinhua", ""]  # unknown last
    click_header(panel, OUTLET)
    assert shown(panel, OUTLET) == ["", "Xinhua", "TASS", "Global Times"]
    click_header(panel, LANGUAGE)
    assert shown(panel, LANGUAGE) == ["en", "ru", "zh-CN", ""]


def test_the_filter_box_matches_outlet_and_author_too(
    qtbot: Any, sourced: tuple[DocumentListPanel, Store]
) -> None:
    panel, _store = sourced
    qtbot.keyClicks(panel.filter_edit, "xinhua")
    assert shown(panel) == ["Wei in Astana"]
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, "petrov")
    assert shown(panel) == ["Moscow view"]
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, "astana xinhua")  # never across two fields
    assert shown(panel) == []


def test_a_syndicated_copy_is_marked_and_names_its_original_in_plain_text(
    qtbot: Any, fresh_store: Store
) -> None:
    first = add_sourced(fresh_store, "Talks <b>resume</b>", outlet="Xinhua")
    copy = add_sourced(fresh_store, "Talks resume again", outlet="Global Times")
    mark_copy(fresh_store, copy, first)
    panel = DocumentListPanel()
    qtbot.addWidget(panel)
    panel.load(fresh_store.documents)
    model = panel.model
    titles = shown(panel)
    assert "\u29c9 Talks resume again" in titles and "Talks <b>resume</b>" in titles
    tooltip = model.index(model.row_of(copy), TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;" in tooltip  # escaped: shown as typed
    document = QTextDocument()
    document.setHtml(tooltip)
    lines = document.toPlainText().splitlines()
    assert lines[:2] == ["Talks resume again", "Copy of “Talks <b>resume</b>”"]
    plain = model.index(model.row_of(first), TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Copy of" not in plain
    qtbot.keyClicks(panel.filter_edit, "again")  # the mark is not part of the title
    assert shown(panel) == ["\u29c9 Talks resume again"]


def open_row_menu(panel: DocumentListPanel, row: int) -> Any:
    point = panel.view.visualRect(panel.model.index(row, TITLE)).center()
    panel.view.customContextMenuRequested.emit(point)
    menu = panel.row_menu
    assert menu is not None
    (action,) = [a for a in menu.actions() if a.text() == "Show original…"]
    return menu, action


def test_show_original_opens_the_kept_bytes_as_plain_text(
    qtbot: Any, sourced: tuple[DocumentListPanel, Store]
) -> None:
    panel, store = sourced
    row = shown(panel).index("Talks resume")
    menu, action = open_row_menu(panel, row)
    assert action.isEnabled()
    action.trigger()
    menu.close()
    dialog = panel.original_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    text = dialog.findChild(QPlainTextEdit, "originalText")
    assert text.isReadOnly()
    assert text.toPlainText() == PAGE_BYTES.decode("utf-8")  # markup shown, never rendered
    assert dialog.windowTitle() == "Original of “Talks resume”"
    dialog.close()


def test_show_original_is_disabled_where_only_the_text_was_kept(
    sourced: tuple[DocumentListPanel, Store],
) -> None:
    panel, _store = sourced
    menu, action = open_row_menu(panel, shown(panel).index("Notes from a file"))
    assert not action.isEnabled()
    menu.close()


def test_a_damaged_original_is_reported_not_shown(
    sourced: tuple[DocumentListPanel, Store],
) -> None:
    panel, store = sourced
    store.conn.execute("DROP TRIGGER originals_are_immutable")
    store.conn.execute("UPDATE originals SET data = ?", [zlib.compress(b"altered")])
    menu, action = open_row_menu(panel, shown(panel).index("Moscow view"))
    action.trigger()
    menu.close()
    assert panel.original_dialog is None
    boxes = panel.findChildren(QMessageBox)
    assert len(boxes) == 1 and "SHA-256" in boxes[0].text()
    assert boxes[0].textFormat() == Qt.TextFormat.PlainText  # it quotes the file's name
    boxes[0].close()
