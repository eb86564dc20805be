"""The issue's story in the window: tag the seed article's claim, find its recurrences, tag
three of them into one talking point with a key each (T in the recurrences list); the talking
point panel shows its first appearance and spread; the CSV has the talking_point column."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from annotator.core.export import export_claims_csv
from annotator.core.importing.report import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.records import AnnotationId, DocumentId
from annotator.core.store import Store
from annotator.core.store import talking_points as tp
from annotator.gui.panels.recurrences_panel import RecurrencesPanel
from annotator.gui.panels.talking_points_panel import TalkingPointsPanel
from annotator.gui.window.main_window import MainWindow
from driving import drag
from support import SAMPLE

SEED = "firmly opposes external forces deliberately instigating a “color revolution” in Kazakhstan"
RESTATED = (
    ("Xinhua", "2022-05-03", "China firmly opposes outside forces deliberately instigating a "
     "'colour revolution' in Kazakhstan, the spokesman said."),
    ("CGTN", "2022-06-10", "Beijing opposes external forces instigating a color revolution in "
     "Kazakhstan and supports its government."),
    ("China Daily", "2022-06-21", "The ministry firmly opposes external forces deliberately "
     "instigating a color revolution in Kazakhstan, officials said on Tuesday."),
)  # fmt: skip
DECOY = (
    "External forces moved the wheat market in Kazakhstan as traders braced for a revolution "
    "in logistics."
)


def add(store: Store, outlet: str, published: str, text: str) -> DocumentId:
    extracted = ExtractedDocument(
        source=Path(f"{outlet}.txt"),
        title=f"{outlet} {published}",
        text=f"{outlet} report.\n\n{text}\n\nOther news followed.",
        published=published,
        report=ImportReport(f"{outlet}.txt", "text", "utf-8", False),
        meta=SourceMeta(outlet=outlet),
    )
    return store.documents.add(extracted, analyst_id=None)[0].id


def test_story_seed_claim_recurrences_talking_point_panel_and_csv(
    open_window,  # type: ignore[no-untyped-def]
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    window: MainWindow = open_window([SAMPLE])
    store = window.store
    seed_doc = DocumentId(window.current_document or "")
    restating = [add(store, *item) for item in RESTATED]
    add(store, "Market Daily", "2022-05-20", DECOY)
    window.reload_documents()

    # 1. Tag the seed article's claim with the claim key.
    text = store.documents.get(seed_doc).text
    start = text.index(SEED)
    drag(window.view, start, start + len(SEED))
    window.view.setFocus()
    claim_label = next(lb for lb in store.codebook.get().labels if lb.role == "claim")
    QTest.keyClick(window.view, claim_label.shortcut)
    seed_claim = AnnotationId(window.workspace.active or "")
    assert store.annotations.get(seed_claim).quote.startswith("firmly opposes external")

    # 2. Its recurrences, from the inspector's button: the three restatements, not the decoy.
    qtbot.mouseClick(window.inspector.recurrences_button, Qt.MouseButton.LeftButton)
    panel_r = window.findChild(RecurrencesPanel, "recurrencesPanel")
    assert panel_r is not None
    qtbot.waitUntil(lambda: bool(panel_r.model.hits), timeout=10_000)
    hits = list(panel_r.model.hits)
    assert {h.document_id for h in hits} == set(restating)

    # 3. One key (T) per hit tags it into the seed's talking point and opens the new claim.
    for row, hit in enumerate(hits):
        panel_r.list.setCurrentIndex(panel_r.model.index(row))
        panel_r.list.setFocus()
        QTest.keyClick(panel_r.list, Qt.Key.Key_T)
        assert window.current_document == hit.document_id
        new = window.workspace.state.get(window.workspace.active or "")
        assert new is not None and (new.start, new.end) == (hit.start, hit.end)
    point = tp.membership(store.conn, seed_claim)
    assert point is not None
    members = tp.members(store.conn, point.talking_point_id)
    assert len(members) == 4

    # 4. The panel: first appearance and spread.
    window.actions_by_id["talking_points"].trigger()
    panel = window.findChild(TalkingPointsPanel, "talkingPointsPanel")
    assert panel is not None and panel.isVisible()
    summary = panel.summary_label.text()
    assert "4 claims in 4 outlets" in summary
    first = store.documents.summary(seed_doc)
    assert f"First seen {first.published or 'undated'}" in summary
    assert panel.instances.topLevelItemCount() == 4
    assert [m for m, _ in panel.timeline.months][-1] == "2022-06"
    item = panel.instances.topLevelItem(3)
    wanted = item.data(0, Qt.ItemDataRole.UserRole)
    panel.instances.itemActivated.emit(item, 0)  # Enter on the last one opens its passage
    assert (window.current_document, window.workspace.active) == tuple(wanted)

    # 5. The CSV carries the talking point.
    export_claims_csv(store, tmp_path / "claims.csv")
    with (tmp_path / "claims.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    name = tp.find(store.conn, point.talking_point_id).name
    assert sorted(r["talking_point"] for r in rows) == [name] * 4

    # Undo takes the last tagging back, and the panel follows.
    window.workspace.undo()
    assert len(tp.members(store.conn, point.talking_point_id)) == 3
    assert "3 claims" in panel.summary_label.text()


def test_suggested_groupings_are_accepted_or_rejected_in_the_panel(
    open_window,  # type: ignore[no-untyped-def]
) -> None:
    window: MainWindow = open_window([SAMPLE])
    store = window.store
    docs = [add(store, *item) for item in RESTATED]
    window.reload_documents()
    session = window.workspace.session
    claim = next(lb.id for lb in store.codebook.get().labels if lb.role == "claim")
    made = []
    for doc in docs:
        text = store.documents.get(doc).text
        start = text.index("opposes")
        made.append(
            session.create_annotation(
                document_id=doc, label_id=claim, start=start, end=text.index(" in Kazakhstan")
            )[0].id
        )
    window.actions_by_id["talking_points"].trigger()
    panel = window.findChild(TalkingPointsPanel, "talkingPointsPanel")
    assert panel is not None
    assert "No talking point yet" in panel.summary_label.text()
    suggest = panel.findChild(QPushButton, "suggestGroupings")
    suggest.click()
    assert len(panel.suggestions) == 1 and set(panel.suggestions[0].claims) == set(made)
    panel.findChild(QPushButton, "rejectGrouping").click()
    assert panel.suggestions == [] and panel.suggestion_list.count() == 0
    suggest.click()  # a rejected suggestion is not made again
    assert panel.suggestions == []

    panel.close()  # the rejections last while the panel is open
    window.actions_by_id["talking_points"].trigger()
    panel = window.findChild(TalkingPointsPanel, "talkingPointsPanel")
    panel.findChild(QPushButton, "suggestGroupings").click()
    panel.findChild(QPushButton, "acceptGrouping").click()
    [point] = tp.all_points(store.conn)
    assert {m.annotation_id for m in tp.members(store.conn, point.id)} == set(made)
    assert "3 claims in 3 outlets" in panel.summary_label.text()
    window.workspace.undo()  # accepting was one step
    assert tp.all_points(store.conn) == []
