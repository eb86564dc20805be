"""The search panel, driven by typing: Enter searches, Up/Down/Enter open hits, messages, plain
text painted with highlights."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QToolButton

from annotator.core.importing import ExtractedDocument, ImportReport
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.gui.panels.search_panel import (
    ANNOTATIONS,
    DOCUMENTS,
    LINES_ROLE,
    SearchPanel,
    format_ranges,
)

ARTICLE = (
    "Global Times – China firmly opposes external forces, said Wei Fenghe on Monday. "
    "Tokayev said Kazakhstan 🇰🇿 values the partnership with China."
)
SECOND = "Beijing and Astana signed a pipeline deal; China welcomed it. <b>not bold</b>"


def add(store: Store, text: str, title: str) -> DocumentId:
    report = ImportReport(source="x.txt", format="text", encoding="utf-8", encoding_detected=False)
    extracted = ExtractedDocument(
        source=Path("x.txt"), title=title, text=text, published=None, report=report
    )
    summary, _ = store.documents.add(extracted, analyst_id=None)
    return summary.id


@pytest.fixture
def panel(qtbot, fresh_store: Store) -> SearchPanel:  # type: ignore[no-untyped-def]
    widget = SearchPanel(fresh_store)
    widget.resize(420, 600)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def docs(fresh_store: Store) -> dict[str, DocumentId]:
    return {
        "article": add(fresh_store, ARTICLE, "Wei Fenghe in Nur-Sultan"),
        "second": add(fresh_store, SECOND, "Pipeline <i>deal</i>"),
    }


def type_and_enter(qtbot, panel: SearchPanel, text: str) -> None:  # type: ignore[no-untyped-def]
    panel.edit.clear()
    qtbot.keyClicks(panel.edit, text)
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)


def opened(qtbot, panel: SearchPanel, key: Qt.Key) -> tuple[str, int, int]:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.open_requested, timeout=2000) as blocker:
        qtbot.keyClick(panel.edit, key)
    doc_id, start, end = blocker.args
    return doc_id, start, end


def test_enter_searches_and_enter_again_opens_the_first_hit(
    qtbot, panel: SearchPanel, docs: dict[str, DocumentId], fresh_store: Store
) -> None:  # type: ignore[no-untyped-def]
    with qtbot.assertNotEmitted(panel.open_requested):
        type_and_enter(qtbot, panel, "tokayev")
    assert panel.model.rowCount() == 1 and panel.message.text() == "1 document."
    doc_id, start, end = opened(qtbot, panel, Qt.Key.Key_Return)
    assert doc_id == docs["article"]
    assert fresh_store.documents.text(doc_id)[start:end] == "Tokayev"


def test_down_and_enter_open_the_next_hit(
    qtbot, panel: SearchPanel, docs: dict[str, DocumentId], fresh_store: Store
) -> None:  # type: ignore[no-untyped-def]
    type_and_enter(qtbot, panel, "china")
    assert panel.model.rowCount() == 2
    ids = [panel.model.hit_at(row).document_id for row in range(2)]
    qtbot.keyClick(panel.edit, Qt.Key.Key_Down)
    assert panel.results.currentIndex().row() == 1
    doc_id, start, end = opened(qtbot, panel, Qt.Key.Key_Return)
    assert doc_id == ids[1] and fresh_store.documents.text(doc_id)[start:end] == "China"
    qtbot.keyClick(panel.edit, Qt.Key.Key_Up)
    assert opened(qtbot, panel, Qt.Key.Key_Return)[0] == ids[0]
    assert panel.edit.hasFocus()  # typing goes on in the box


def test_a_changed_query_is_searched_not_opened(
    qtbot, panel: SearchPanel, docs: dict[str, DocumentId]
) -> None:  # type: ignore[no-untyped-def]
    type_and_enter(qtbot, panel, "china")
    with qtbot.assertNotEmitted(panel.open_requested):
        qtbot.keyClicks(panel.edit, " pipeline")
        qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert [panel.model.hit_at(0).document_id] == [docs["second"]]


def test_clicking_a_hit_opens_it(qtbot, panel: SearchPanel, docs: dict[str, DocumentId]) -> None:  # type: ignore[no-untyped-def]
    type_and_enter(qtbot, panel, "pipeline")
    rect = panel.results.visualRect(panel.model.index(0, 0))
    with qtbot.waitSignal(panel.open_requested, timeout=2000) as blocker:
        qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0] == docs["second"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"external forces', "A quotation mark is not closed"),
        ("(china", "A parenthesis is not closed"),
        ("label:Claim", "search annotations"),
    ],
)
def test_a_malformed_query_shows_its_message(
    qtbot, panel: SearchPanel, docs: dict[str, DocumentId], query: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    type_and_enter(qtbot, panel, "china")
    type_and_enter(qtbot, panel, query)
    assert message in panel.message.text()
    assert panel.model.rowCount() == 0 and panel.isVisible()


def test_annotation_scope(
    qtbot, panel: SearchPanel, docs: dict[str, DocumentId], fresh_store: Store
) -> None:  # type: ignore[no-untyped-def]
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    start = ARTICLE.index("China firmly")
    claim_label = fresh_store.codebook.get().by_name("Claim").id
    claim, _ = session.create_annotation(
        document_id=docs["article"],
        label_id=claim_label,
        start=start,
        end=start + len("China firmly opposes external forces"),
        sentiment="negative",
    )
    panel.scope.setCurrentText(ANNOTATIONS)
    type_and_enter(qtbot, panel, "label:Claim sentiment:negative")
    assert panel.model.rowCount() == 1 and panel.message.text() == "1 annotation."
    [heading, quote] = panel.model.index(0, 0).data(LINES_ROLE)
    assert heading[0].startswith("Claim · negative · Ana") and quote[0].startswith("China firmly")
    # An annotation hit names its annotation: others may cover the very same span.
    with qtbot.waitSignal(panel.annotation_requested, timeout=2000) as blocker:
        qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert blocker.args == [docs["article"], claim.id]
    type_and_enter(qtbot, panel, "label:Nonsense")
    assert "No label “Nonsense”" in panel.message.text()


def test_switching_scope_searches_again(
    qtbot, panel: SearchPanel, docs: dict[str, DocumentId]
) -> None:  # type: ignore[no-untyped-def]
    type_and_enter(qtbot, panel, "china")
    assert panel.model.rowCount() == 2
    panel.scope.setCurrentText(ANNOTATIONS)
    assert panel.model.rowCount() == 0 and panel.message.text() == "No annotations found."
    panel.scope.setCurrentText(DOCUMENTS)
    assert panel.model.rowCount() == 2


def test_refresh_after_an_import_shows_the_new_document(
    qtbot, panel: SearchPanel, docs: dict[str, DocumentId], fresh_store: Store
) -> None:  # type: ignore[no-untyped-def]
    type_and_enter(qtbot, panel, "astana")
    assert panel.model.rowCount() == 1
    new = add(fresh_store, "Astana hosted the summit.", "Summit")
    panel.refresh()
    assert {panel.model.hit_at(r).document_id for r in range(2)} == {docs["second"], new}


def test_without_a_project(qtbot, panel: SearchPanel, docs: dict[str, DocumentId]) -> None:  # type: ignore[no-untyped-def]
    type_and_enter(qtbot, panel, "china")
    panel.set_store(None)
    assert panel.model.rowCount() == 0
    type_and_enter(qtbot, panel, "china")
    assert panel.message.text() == "No project is open."


def test_titles_and_snippets_stay_plain_text(
    qtbot, panel: SearchPanel, docs: dict[str, DocumentId]
) -> None:  # type: ignore[no-untyped-def]
    type_and_enter(qtbot, panel, "bold")
    index = panel.model.index(0, 0)
    [heading, snippet] = index.data(LINES_ROLE)
    assert heading[0] == "Pipeline <i>deal</i>" and "<b>not bold</b>" in snippet[0]
    assert "&lt;b&gt;" in index.data(Qt.ItemDataRole.ToolTipRole)  # escaped for the tooltip
    option = QStyleOptionViewItem()
    option.font = panel.results.font()
    layouts = panel.results.itemDelegate().layouts(option, index)  # type: ignore[attr-defined]
    assert [layout.text() for layout in layouts] == [heading[0], snippet[0]]


def test_highlight_ranges_become_utf16_formats() -> None:
    text = "🇰🇿 Kazakhstan values 🤝 partnership"
    ranges = ((text.index("Kazakhstan"), text.index("Kazakhstan") + 10), (23, 34))
    formats = format_ranges(text, ranges)
    utf16 = text.encode("utf-16-le")
    found = [utf16[2 * f.start : 2 * (f.start + f.length)].decode("utf-16-le") for f in formats]
    assert found == ["Kazakhstan", "partnership"]


def _highlight_pixels(image: QImage) -> int:
    wanted = QColor(255, 222, 105)  # the highlight (255, 200, 0, alpha 150) over white
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            if all(
                abs(a - b) <= 12
                for a, b in zip(pixel.getRgb()[:3], wanted.getRgb()[:3], strict=True)
            ):
                count += 1
    return count


def test_hits_are_painted_with_their_highlights(
    qtbot, panel: SearchPanel, docs: dict[str, DocumentId]
) -> None:  # type: ignore[no-untyped-def]
    type_and_enter(qtbot, panel, "nothing-matches-this OR pipeline")
    panel.results.clearSelection()
    panel.results.setCurrentIndex(panel.model.index(-1, 0))
    QApplication.processEvents()
    painted = panel.results.viewport().grab().toImage()
    assert _highlight_pixels(painted) > 20
    type_and_enter(qtbot, panel, "title:pipeline")  # the title is highlighted, no snippet hit
    panel.results.clearSelection()
    panel.results.setCurrentIndex(panel.model.index(-1, 0))
    QApplication.processEvents()
    assert _highlight_pixels(panel.results.viewport().grab().toImage()) > 20
    type_and_enter(qtbot, panel, "NOT china")  # nothing to highlight
    assert _highlight_pixels(panel.results.viewport().grab().toImage()) == 0


def test_emptying_the_box_empties_the_hits_and_their_count(
    qtbot, panel: SearchPanel, docs: dict[str, DocumentId]
) -> None:  # type: ignore[no-untyped-def]
    type_and_enter(qtbot, panel, "china")
    assert panel.model.rowCount() == 2 and panel.message.text() == "2 documents."
    qtbot.keyClick(panel.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.edit, Qt.Key.Key_Backspace)
    assert panel.edit.text() == ""
    assert panel.model.rowCount() == 0 and panel.message.text() == ""
    panel.refresh()  # an import elsewhere: the emptied search is not run again
    assert panel.model.rowCount() == 0
    # The box's clear button does the same.
    type_and_enter(qtbot, panel, "pipeline")
    assert panel.model.rowCount() == 1
    [clear] = [b for b in panel.edit.findChildren(QToolButton) if b.isVisible()]
    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 0 and panel.message.text() == ""
    # Typing a new query does not search before Enter; Enter does.
    qtbot.keyClicks(panel.edit, "tokayev")
    assert panel.model.rowCount() == 0
    qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    assert panel.model.rowCount() == 1 and panel.message.text() == "1 document."
