"""The Analysis view's Heatmap tab: labels together in a sentence (the core's co-occurrence
for the view's filter, counts printed; the rows and columns choices set aside meanwhile)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_analysis_view import _open_analysis, _tag_sample

from annotator.core import analysis
from annotator.gui.window.main_window import MainWindow
from support import SAMPLE


def test_heatmap_of_labels_together_in_a_sentence(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    _tag_sample(window)
    window.refresh(force=True)
    dock = _open_analysis(window, qtbot)
    tab = dock.heatmap_tab
    with qtbot.waitSignal(dock.computed, timeout=20000):
        dock.tabs.setCurrentWidget(tab)
    every = dock.label_combo.findData(None)
    dock.label_combo.setCurrentIndex(every)
    with qtbot.waitSignal(dock.computed, timeout=20000):
        dock.label_combo.activated.emit(every)
    combo = tab.within_combo
    combo.setFocus()
    with qtbot.waitSignal(dock.computed, timeout=20000):
        combo.setCurrentIndex(combo.findData("sentence"))
    assert not tab.rows_combo.isEnabled() and not tab.columns_combo.isEnabled()
    expected = analysis.cooccurrence(window.store, "sentence", dock.current_filter())
    assert tab.model.pivot == expected
    assert {row.keys[0] for row in expected.rows} >= {"Claim", "Speaker", "Target"}
    figure = tab.chart.figure
    assert figure is not None
    printed = {t.get_text() for axes in figure.axes for t in axes.texts}
    assert {str(row.count) for row in expected.rows} <= printed
    QTest.keyClick(combo, Qt.Key.Key_Home)  # back to counting annotations
    qtbot.waitUntil(lambda: not dock.busy, timeout=20000)
    assert tab.rows_combo.isEnabled() and tab.model.pivot is not None
    assert tab.model.pivot.by == ("speaker", "target")
