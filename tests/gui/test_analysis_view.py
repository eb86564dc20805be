"""View ▸ Analysis: claims counted by speaker and sentiment for a filter, a count's passages,
the chart and table exports, the timeline and heatmap tabs, cancelling an older computation."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from click.testing import CliRunner
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.cli import cli
from annotator.core import analysis
from annotator.core.records import AnnotationId, DocumentId
from annotator.core.session import Session
from annotator.gui.panels.analysis_view import AnalysisView
from annotator.gui.window.main_window import MainWindow
from support import SAMPLE, find_top_level

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _span(window: MainWindow, doc: DocumentId, label: str, words: str, nth: int = 0, **kw):  # type: ignore[no-untyped-def]
    text = window.view.text
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    annotation, _ = window.session.create_annotation(
        document_id=doc,
        label_id=window.store.codebook.get().by_name(label).id,
        start=start,
        end=start + len(words),
        **kw,
    )
    return annotation


def _tag_sample(window: MainWindow) -> dict[str, AnnotationId]:
    """Wei Fenghe: two negative claims and one positive about Kazakhstan; Tokayev: one
    positive claim about China (typed name), so "about Kazakhstan" leaves it out."""
    doc = window.current_document
    assert doc is not None
    session = window.session
    wei = _span(window, doc, "Speaker", "Wei Fenghe", speaker_name="Wei Fenghe")
    kazakhstan = _span(window, doc, "Target", "Kazakhstan")
    claims = {
        "opposes": _span(
            window, doc, "Claim", "China firmly opposes external forces", 0, sentiment="negative"
        ),
        "noted": _span(window, doc, "Claim", "backs the Kazakh side", sentiment="negative"),
        "supports": _span(window, doc, "Claim", "firmly supports Kazakhstan", sentiment="positive"),
        "tokayev": _span(
            window,
            doc,
            "Claim",
            "great importance to the military cooperation",
            sentiment="positive",
        ),
    }
    for name in ("opposes", "noted", "supports"):
        session.set_link(source_id=claims[name].id, kind="said_by", target_id=wei.id)
        session.set_link(source_id=claims[name].id, kind="about", target_id=kazakhstan.id)
    session.set_link(source_id=claims["tokayev"].id, kind="said_by", name="Tokayev")
    session.set_link(source_id=claims["tokayev"].id, kind="about", name="China")
    window.refresh(force=True)
    return {name: claim.id for name, claim in claims.items()}


def _open_analysis(window: MainWindow, qtbot) -> AnalysisView:  # type: ignore[no-untyped-def]
    QTest.keyClick(window.view, Qt.Key.Key_A, CTRL_SHIFT)  # View ▸ Analysis
    dock = window.findChild(AnalysisView, "analysisView")
    assert dock is not None and dock.isVisible()
    qtbot.waitUntil(lambda: not dock.busy, timeout=20000)
    return dock


def _filter(dock: AnalysisView, qtbot, query: str) -> None:  # type: ignore[no-untyped-def]
    dock.query.setFocus()
    dock.query.selectAll()
    QTest.keyClicks(dock.query, query)
    with qtbot.waitSignal(dock.computed, timeout=20000):
        QTest.keyClick(dock.query, Qt.Key.Key_Return)


def _choose(combo, field: str | None) -> None:  # type: ignore[no-untyped-def]
    """Pick an item by its field, with the keyboard, as an analyst would."""
    combo.setFocus()
    target = combo.findData(field)
    assert target >= 0
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        QTest.keyClick(combo, key)


def _click_header(table, column: int) -> None:  # type: ignore[no-untyped-def]
    header = table.horizontalHeader()
    point = QPoint(header.sectionViewportPosition(column) + 5, header.height() // 2)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _table(model) -> list[list[str]]:  # type: ignore[no-untyped-def]
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    body = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    return [header, *body]


def _index(model, row_text: str, column_text: str) -> QModelIndex:  # type: ignore[no-untyped-def]
    table = _table(model)
    row = next(i for i, cells in enumerate(table) if cells[0] == row_text) - 1
    return model.index(row, table[0].index(column_text))


def test_claims_about_kazakhstan_by_speaker_and_sentiment_down_to_the_passages(  # type: ignore[no-untyped-def]
    open_window, qtbot, monkeypatch, tmp_path: Path
) -> None:
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    claims = _tag_sample(window)
    dock = _open_analysis(window, qtbot)
    tab = dock.pivot_tab
    _choose(tab.rows_combo, "speaker")
    _choose(tab.columns_combo, "sentiment")
    _filter(dock, qtbot, "target:Kazakhstan")
    assert dock.message.text() == ""
    assert _table(tab.model) == [
        ["Speaker", "negative", "positive", "Total"],
        ["Wei Fenghe", "2", "1", "3"],
        ["Total", "2", "1", "3"],
    ]
    # The "Wei Fenghe / negative" cell: double-clicked, its two claims listed.
    cell = _index(tab.model, "Wei Fenghe", "negative")
    tab.table.scrollTo(cell)
    point = tab.table.visualRect(cell).center()
    QTest.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    QTest.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    passages = dock.passage_model
    assert passages.rowCount() == 2
    listed = {passages.passage(r).annotation_id for r in range(2)}
    assert listed == {claims["opposes"], claims["noted"]}
    assert dock.passages_title.text() == "Wei Fenghe / negative: 2 annotations"
    # Enter on the second passage opens it in the reading view, that annotation selected.
    dock.passages.setFocus()
    dock.passages.setCurrentIndex(passages.index(1, 0))
    QTest.keyClick(dock.passages, Qt.Key.Key_Return)
    assert window.workspace.active == passages.passage(1).annotation_id
    # The chart as SVG, the table as CSV (the same cells, formulas neutralised).
    svg, table = tmp_path / "by speaker.svg", tmp_path / "by speaker.csv"
    answers = iter([str(svg), str(table)])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (next(answers), ""))
    QTest.mouseClick(tab.export_chart_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(tab.export_table_button, Qt.MouseButton.LeftButton)
    head = svg.read_text(encoding="utf-8")[:400]
    assert head.startswith("<?xml") and "<svg" in head
    with table.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.reader(stream)) == _table(tab.model)
    # The same numbers come out of `annotator summary` for that filter.
    result = CliRunner().invoke(
        cli,
        ["summary", "--db", str(window.store.path), "--by", "speaker", "--by", "sentiment"]
        + ["target:Kazakhstan", "-f", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    summary = {(r["speaker"], r["sentiment"]): r["count"] for r in json.loads(result.output)}
    assert summary == {("Wei Fenghe", "negative"): 2, ("Wei Fenghe", "positive"): 1}


def test_sorting_keeps_the_total_row_last_and_enter_opens_a_total(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    _tag_sample(window)
    dock = _open_analysis(window, qtbot)
    tab = dock.pivot_tab
    _choose(tab.columns_combo, None)  # speaker alone
    qtbot.waitUntil(lambda: not dock.busy and tab.model.columnCount() == 2, timeout=20000)
    assert _table(tab.model)[1:] == [["Wei Fenghe", "3"], ["Tokayev", "1"], ["Total", "4"]]
    _click_header(tab.table, 0)  # by name, A to Z
    assert _table(tab.model)[1:] == [["Tokayev", "1"], ["Wei Fenghe", "3"], ["Total", "4"]]
    _click_header(tab.table, 1)
    if _table(tab.model)[1][0] != "Wei Fenghe":
        _click_header(tab.table, 1)  # most first
    assert _table(tab.model)[1:] == [["Wei Fenghe", "3"], ["Tokayev", "1"], ["Total", "4"]]
    # Enter on the total lists every claim counted.
    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.model.index(2, 1))
    QTest.keyClick(tab.table, Qt.Key.Key_Return)
    assert dock.passage_model.rowCount() == 4


def test_a_filter_that_cannot_be_read_says_so_and_shows_no_counts(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    _tag_sample(window)
    dock = _open_analysis(window, qtbot)
    assert dock.pivot_tab.model.rowCount() > 0
    _filter(dock, qtbot, "colour:red")
    assert "colour" in dock.message.text()
    assert dock.pivot_tab.model.rowCount() == 0


def test_an_export_that_cannot_be_written_says_why_and_leaves_nothing(  # type: ignore[no-untyped-def]
    open_window, qtbot, monkeypatch, tmp_path: Path
) -> None:
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    _tag_sample(window)
    dock = _open_analysis(window, qtbot)
    tab = dock.pivot_tab
    missing = tmp_path / "no such folder" / "counts.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(missing), ""))
    QTest.mouseClick(tab.export_table_button, Qt.MouseButton.LeftButton)
    box = find_top_level(QMessageBox)
    assert box is not None and box.textFormat() == Qt.TextFormat.PlainText
    assert box.windowTitle() == "Cannot export the table"
    assert "no such folder" in box.text()
    box.close()
    assert not missing.parent.exists()


def test_names_that_look_like_markup_are_shown_as_typed(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    doc = window.current_document
    assert doc is not None
    claim = _span(window, doc, "Claim", "Wei responded", sentiment="neutral")
    window.session.set_link(source_id=claim.id, kind="said_by", name="<b>Wei</b> &amp;")
    dock = _open_analysis(window, qtbot)
    tab = dock.pivot_tab
    assert _table(tab.model)[1][0] == "<b>Wei</b> &amp;"
    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.model.index(0, 1))
    QTest.keyClick(tab.table, Qt.Key.Key_Return)
    assert dock.passages_title.textFormat() == Qt.TextFormat.PlainText
    assert dock.passages_title.text() == "<b>Wei</b> &amp; / neutral: 1 annotation"


def test_the_layer_switch_counts_one_analyst_or_everyone(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    _tag_sample(window)
    doc = window.current_document
    assert doc is not None
    olga = Session(window.store, window.store.ensure_analyst("Olga"))
    start = window.view.text.index("Wei responded")
    olga.create_annotation(
        document_id=doc,
        label_id=window.store.codebook.get().by_name("Claim").id,
        start=start,
        end=start + len("Wei responded"),
    )
    dock = _open_analysis(window, qtbot)
    assert _table(dock.pivot_tab.model)[-1][-1] == "5"
    combo = dock.layer_combo
    with qtbot.waitSignal(dock.computed, timeout=20000):
        combo.setCurrentIndex(combo.findText("Olga"))
        combo.activated.emit(combo.currentIndex())
    assert _table(dock.pivot_tab.model)[-1][-1] == "1"


def test_a_newer_filter_cancels_the_older_computation(open_window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    _tag_sample(window)
    dock = _open_analysis(window, qtbot)
    real = analysis.pivot
    asked_to_stop = threading.Event()
    first = threading.Event()

    def slow_then_quick(store, by, filt, *, cancelled=None):  # type: ignore[no-untyped-def]
        if not first.is_set():  # the first request waits until it is told to stop
            first.set()
            for _ in range(400):
                if cancelled is not None and cancelled():
                    asked_to_stop.set()
                    raise analysis.Cancelled()
                threading.Event().wait(0.025)
        return real(store, by, filt, cancelled=cancelled)

    monkeypatch.setattr(analysis, "pivot", slow_then_quick)
    dock.query.setText("sentiment:positive")
    dock.compute()
    qtbot.waitUntil(first.is_set, timeout=20000)
    assert dock.busy  # still counting: the window goes on meanwhile
    _filter(dock, qtbot, "sentiment:negative")
    qtbot.waitUntil(asked_to_stop.is_set, timeout=5000)  # else it would count for 10 s
    qtbot.waitUntil(lambda: not dock.busy, timeout=20000)
    assert _table(dock.pivot_tab.model)[1] == ["Wei Fenghe", "2", "2"]


def test_timeline_counts_undated_documents_apart_and_heatmap_prints_counts(  # type: ignore[no-untyped-def]
    open_window, qtbot, tmp_path: Path
) -> None:
    undated = tmp_path / "statement.txt"
    undated.write_text(
        "Ministry statement\n\nThe ministry said the drills were routine.\n", "utf-8"
    )
    window: MainWindow = open_window([SAMPLE, undated])
    window.info_bar.hide()
    sample = next(d for d in window.store.documents.list() if d.title != "Ministry statement")
    window.open_document(sample.id)
    _tag_sample(window)
    other = next(d for d in window.store.documents.list() if d.title == "Ministry statement")
    window.open_document(other.id)
    _span(window, other.id, "Claim", "the drills were routine", sentiment="neutral")
    window.refresh(force=True)
    dock = _open_analysis(window, qtbot)
    with qtbot.waitSignal(dock.computed, timeout=20000):
        dock.tabs.setCurrentWidget(dock.timeline_tab)
    timeline = dock.timeline_tab.timeline
    assert timeline is not None and timeline.undated == 1
    assert sum(sum(counts) for counts in timeline.series.values()) == 4
    assert "1 annotation in undated documents" in dock.timeline_tab.note.text()
    assert dock.timeline_tab.chart.figure is not None
    with qtbot.waitSignal(dock.computed, timeout=20000):
        dock.tabs.setCurrentWidget(dock.heatmap_tab)
    figure = dock.heatmap_tab.chart.figure
    assert figure is not None
    printed = {t.get_text() for axes in figure.axes for t in axes.texts}
    assert {"3", "1"} <= printed
    # A click on the "Wei Fenghe × Kazakhstan" cell lists its three claims.
    canvas = dock.heatmap_tab.chart.canvas
    assert canvas is not None
    canvas.draw()
    axes = figure.axes[0]
    assert axes.get_yticklabels()[0].get_text() == "Wei Fenghe"
    assert axes.get_xticklabels()[0].get_text() == "Kazakhstan"
    x, y = axes.transData.transform((0, 0))
    ratio = canvas.device_pixel_ratio
    point = QPoint(round(x / ratio), round((figure.bbox.height - y) / ratio))
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
    assert dock.passages_title.text() == "Wei Fenghe / Kazakhstan: 3 annotations"
    assert dock.passage_model.rowCount() == 3


def test_the_window_starts_without_matplotlib(tmp_path: Path) -> None:
    """matplotlib loads with the first chart drawn: neither the window's start nor opening
    the (empty) analysis view loads it."""
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from annotator.gui.app import create_window\n"
        "from annotator.gui.background import wait_for_jobs\n"
        f"window = create_window(db_path=Path({str(tmp_path / 'p.sqlite')!r}), analyst='Ana', "
        "files=[])\n"
        "window.show(); app.processEvents()\n"
        "started = 'matplotlib' in sys.modules\n"
        "window.actions_by_id['analysis'].trigger(); wait_for_jobs()\n"
        "opened = 'matplotlib' in sys.modules\n"
        "import matplotlib\n"  # there to be loaded: else this test proves nothing
        "print(started, opened)\n"
        "window.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["False", "False"]
