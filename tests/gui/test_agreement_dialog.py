"""Review ▸ Agreement…: the dialog opens with a heatmap of the right values, follows the
analysts and scope chosen, copies and saves CSV, and shows names as plain text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from agreement_project import TAGS, Project, build, tag_in_reviewed_layer
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QTableWidget

from annotator.core.agreement import AgreementReport, agreement_report
from annotator.core.agreement.formats import number
from annotator.core.records import DocumentId
from annotator.core.store import Store
from annotator.gui.dialogs.agreement_dialog import NO_VALUE, AgreementDialog, heat_colour
from support import find_top_level


@pytest.fixture
def project(db_path: Path) -> Project:
    return build(db_path)


@pytest.fixture
def store(project: Project) -> Iterator[Store]:
    with Store.open(project.path) as store:
        yield store


def open_dialog(qtbot, store: Store, document_id: DocumentId | None = None) -> AgreementDialog:  # type: ignore[no-untyped-def]
    dialog = AgreementDialog(store, document_id=document_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def cell(dialog: AgreementDialog, row: int, column: int) -> str:
    item = dialog.heatmap.item(row, column)
    assert item is not None
    return item.text()


def expected(
    report: AgreementReport, first: str, second: str, statistic: str, label: str = ""
) -> float | None:
    ids = {a.name: a.id for a in report.analysts}
    pair = report.pair(ids[first], ids[second])
    assert pair is not None
    figures = pair.by_label[label] if label else pair.overall
    return figures.value(statistic)  # type: ignore[arg-type]


def test_heatmap_shows_each_pairs_kappa_coloured_by_it(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, store)
    report = agreement_report(store)
    heatmap = dialog.heatmap
    assert heatmap.isVisible()
    names = [heatmap.horizontalHeaderItem(c).text() for c in range(heatmap.columnCount())]
    assert names == ["Ana", "Olga", "Wei"]
    assert [heatmap.verticalHeaderItem(r).text() for r in range(3)] == names
    for row, first in enumerate(names):
        for column, second in enumerate(names):
            item = heatmap.item(row, column)
            if row == column:
                assert item.text() == "—"
                assert item.background().color() == NO_VALUE
                continue
            value = expected(report, first, second, "kappa")
            assert value is not None
            assert item.text() == f"{value:.3f}"
            assert item.background().color() == heat_colour(value)
    # Pairs agree differently, so the colours differ too.
    assert heatmap.item(0, 1).background().color() != heatmap.item(1, 2).background().color()


def test_choosing_the_statistic_and_label_repaints_the_heatmap(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, store)
    report = agreement_report(store)
    dialog.statistic.setFocus()
    for _ in range(3):  # kappa → alpha → F1 exact → F1 overlap, as a user would
        QTest.keyClick(dialog.statistic, Qt.Key.Key_Down)
    assert dialog.statistic.currentData() == "f1_overlap"
    assert cell(dialog, 0, 1) == cell(dialog, 1, 0) == "0.600"
    dialog.set_statistic("alpha")
    assert cell(dialog, 1, 2) == number(expected(report, "Olga", "Wei", "alpha"))
    dialog.heatmap_label.setCurrentIndex(dialog.heatmap_label.findData("Claim"))
    assert cell(dialog, 0, 1) == number(expected(report, "Ana", "Olga", "alpha", "Claim"))
    dialog.set_statistic("f1_exact")
    assert cell(dialog, 0, 1) == "0.000"  # the two claims differ by a word
    assert dialog.heatmap.item(0, 1).background().color() == heat_colour(0.0)


def test_per_label_table_shows_all_analysts_figures(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, store)
    group = agreement_report(store).group
    table = dialog.labels
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
        "All labels",
        "Claim",
        "Speaker",
        "Target",
    ]
    assert table.item(0, 1).text() == number(group.overall.alpha.value)
    assert table.item(1, 2).text() == number(group.by_label["Claim"].mean_kappa.value)
    assert table.item(1, 4).text() == number(group.by_label["Claim"].overlap.f1)
    assert "26 tokens" in dialog.summary.text()


def test_unchecking_an_analyst_recomputes_for_the_others(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, store)
    wei = dialog.analysts.findItems("Wei", Qt.MatchFlag.MatchExactly)[0]
    wei.setCheckState(Qt.CheckState.Unchecked)
    assert dialog.heatmap.rowCount() == dialog.heatmap.columnCount() == 2
    two = agreement_report(store, analysts=dialog.chosen_analysts())
    assert dialog.labels.item(0, 1).text() == number(two.group.overall.alpha.value)
    ana = dialog.analysts.findItems("Ana", Qt.MatchFlag.MatchExactly)[0]
    ana.setCheckState(Qt.CheckState.Unchecked)
    assert dialog.report is None and dialog.heatmap.rowCount() == 0
    assert dialog.summary.text() == "Choose at least two analysts."
    assert not dialog.copy_button.isEnabled() and not dialog.save_button.isEnabled()


def test_current_document_scope(qtbot, store: Store, project: Project) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, store, project.documents["Second"])
    qtbot.mouseClick(dialog.current_document, Qt.MouseButton.LeftButton)
    assert dialog.current_document.isChecked()
    assert dialog.report is not None and dialog.report.documents == 1
    # Wei did not code the second document: his pairs have nothing to compare.
    assert cell(dialog, 0, 2) == "n/a"
    assert dialog.heatmap.item(0, 2).background().color() == NO_VALUE
    only = agreement_report(store, documents=[project.documents["Second"]])
    assert cell(dialog, 0, 1) == number(expected(only, "Ana", "Olga", "kappa"))
    without = open_dialog(qtbot, store)
    assert not without.current_document.isEnabled()


def test_copy_as_csv_and_save(qtbot, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tags = [("=cmd()" if t[0] == "Olga" else t[0], *t[1:]) for t in TAGS]
    project = build(db_path, tags)  # type: ignore[arg-type]
    with Store.open(project.path) as store:
        dialog = open_dialog(qtbot, store)
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        rows = list(csv.DictReader(io.StringIO(QGuiApplication.clipboard().text())))
        assert {r["analyst_a"] for r in rows if r["scope"] == "pair"} == {"Ana", "'=cmd()"}
        out = tmp_path / "agreement.json"
        assert dialog.save_to(out)
        assert '"first": "Ana"' in out.read_text(encoding="utf-8")
        assert not dialog.save_to(tmp_path / "missing" / "a.csv")
        assert "does not exist" in dialog.summary.text()


def test_names_are_plain_text(qtbot, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    tags = [("<b>Olga</b>" if t[0] == "Olga" else t[0], *t[1:]) for t in TAGS]
    project = build(db_path, tags)  # type: ignore[arg-type]
    with Store.open(project.path) as store:
        dialog = open_dialog(qtbot, store)
        heatmap = dialog.heatmap
        headers = [heatmap.horizontalHeaderItem(c).text() for c in range(heatmap.columnCount())]
        assert "<b>Olga</b>" in headers
        assert "<b>Olga</b>" in [dialog.analysts.item(r).text() for r in range(3)]
        assert dialog.summary.textFormat() == Qt.TextFormat.PlainText


def test_too_few_analysts_is_said_not_raised(qtbot, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = build(db_path, [("Ana", "First", "Claim", "China", None)])
    with Store.open(project.path) as store:
        dialog = open_dialog(qtbot, store)
        assert dialog.summary.text() == "Agreement needs annotations by at least two analysts."
        assert dialog.heatmap.rowCount() == 0


def test_the_review_menu_opens_it(open_window, project: Project) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    seen: list[list[str]] = []

    def look() -> None:
        dialog = find_top_level(AgreementDialog)
        assert isinstance(dialog, AgreementDialog)
        heatmap = dialog.heatmap
        seen.append([heatmap.item(0, c).text() for c in range(heatmap.columnCount())])
        dialog.reject()

    QTimer.singleShot(100, look)
    window.actions_by_id["agreement"].trigger()
    with Store.open(project.path) as store:
        report = agreement_report(store)
    assert seen == [
        [
            "—",
            number(expected(report, "Ana", "Olga", "kappa")),
            number(expected(report, "Ana", "Wei", "kappa")),
        ]
    ]


def test_the_reviewed_layer_is_offered_but_not_ticked(
    qtbot, store: Store, project: Project
) -> None:  # type: ignore[no-untyped-def]
    reviewed = store.reviewed_layer()
    tag_in_reviewed_layer(store, project)
    dialog = AgreementDialog(store)
    qtbot.addWidget(dialog)
    items = [dialog.analysts.item(i) for i in range(dialog.analysts.count())]
    states = {i.text(): i.checkState() for i in items}  # type: ignore[union-attr]
    assert states.pop("reviewed") == Qt.CheckState.Unchecked
    assert set(states.values()) == {Qt.CheckState.Checked}
    assert reviewed.id not in dialog.chosen_analysts()


def test_the_figures_are_computed_off_the_gui_thread(
    qtbot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import threading

    from annotator.gui.dialogs import agreement_dialog

    threads: list[int] = []
    real = agreement_dialog.agreement_report

    def recording(*args: object, **kwargs: object) -> AgreementReport:
        threads.append(threading.get_ident())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(agreement_dialog, "agreement_report", recording)
    dialog = AgreementDialog(store)
    qtbot.addWidget(dialog)
    assert threads and threading.get_ident() not in threads
    assert dialog.report is not None  # and the result came back to the dialog


def test_sentiment_alpha_of_each_pair_is_shown_with_how_to_read_it(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, store)
    report = agreement_report(store)
    table = dialog.findChild(QTableWidget, "agreementSentiment")
    assert table is not None
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["Pair", "Spans compared", "Sentiment α (nominal)", "Sentiment α (ordinal)"]
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert rows == [
        [
            f"{pair.first.name} – {pair.second.name}",
            str(pair.overall.sentiment.pairs),
            number(pair.overall.sentiment.nominal.value),
            number(pair.overall.sentiment.ordinal.value),
        ]
        for pair in report.pairs
    ]
    ana_olga = rows[[r[0] for r in rows].index("Ana – Olga")]
    assert ana_olga[1:3] == ["2", "1.000"]  # negative/negative, positive/positive
    # Visible without scrolling: every row inside the table, the table inside the dialog.
    assert table.isVisible() and table.verticalScrollBar().maximum() == 0
    assert dialog.labels.verticalScrollBar().maximum() == 0  # every label's row too
    for row in range(table.rowCount()):
        assert table.viewport().rect().contains(table.visualItemRect(table.item(row, 3)))
    top_left = table.mapTo(dialog, table.rect().topLeft())
    bottom_right = table.mapTo(dialog, table.rect().bottomRight())
    assert dialog.rect().contains(top_left) and dialog.rect().contains(bottom_right)
    # How to read the values, as plain text, on screen too.
    note = dialog.findChild(QLabel, "agreementReading")
    assert note is not None and note.isVisible()
    assert note.textFormat() == Qt.TextFormat.PlainText
    assert "0.800" in note.text() and "0.667" in note.text()
    assert dialog.rect().contains(note.mapTo(dialog, note.rect().bottomRight()))


def test_the_sentiment_table_empties_without_two_analysts(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, store)
    for name in ("Olga", "Wei"):
        dialog.analysts.findItems(name, Qt.MatchFlag.MatchExactly)[0].setCheckState(
            Qt.CheckState.Unchecked
        )
    assert dialog.findChild(QTableWidget, "agreementSentiment").rowCount() == 0


def test_fleiss_kappa_and_unitizing_alpha_are_shown(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, store)
    report = agreement_report(store)
    headers = [
        dialog.labels.horizontalHeaderItem(c).text() for c in range(dialog.labels.columnCount())
    ]
    assert headers[5:] == ["Fleiss' κ", "αU (unitizing)"]
    overall = report.group.overall
    assert dialog.labels.item(0, 5).text() == number(overall.fleiss_kappa.value)
    assert dialog.labels.item(0, 6).text() == number(overall.alpha_unitizing.value)
    assert overall.fleiss_kappa.value is not None  # three analysts, one document all coded
    dialog.set_statistic("alpha_unitizing")
    ids = {a.name: a.id for a in report.analysts}
    pair = report.pair(ids["Ana"], ids["Olga"])
    assert pair is not None
    names = [a.name for a in report.analysts]
    cell = dialog.heatmap.item(names.index("Ana"), names.index("Olga"))
    assert cell.text() == number(pair.overall.alpha_unitizing.value)
    assert "coded by all of them" in dialog.summary.text()
