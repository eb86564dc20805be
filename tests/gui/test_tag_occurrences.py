"""Edit ▸ Tag every occurrence in the window: the selection previewed everywhere with its
context, ticked ones tagged in one undoable step; speaker aliases accepted from the dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.importing.report import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.records import DocumentId
from annotator.core.store import Store
from annotator.gui.dialogs.tag_occurrences import TagOccurrencesDialog
from annotator.gui.window.main_window import MainWindow
from driving import drag
from support import SAMPLE, find_top_level

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def add(store: Store, title: str, text: str) -> DocumentId:
    extracted = ExtractedDocument(
        source=Path(f"{title}.txt"),
        title=title,
        text=text,
        published="2022-05-01",
        report=ImportReport(f"{title}.txt", "text", "utf-8", False),
        meta=SourceMeta(outlet="Xinhua"),
    )
    return store.documents.add(extracted, analyst_id=None)[0].id


def test_selected_name_is_previewed_everywhere_and_ticked_ones_tagged_in_one_step(
    open_window,  # type: ignore[no-untyped-def]
) -> None:
    window: MainWindow = open_window([SAMPLE])
    store = window.store
    seed = DocumentId(window.current_document or "")
    other = add(store, "Echo", "Defence minister WEI FENGHE said so. Wéi Fēnghé left. Weight.")
    window.reload_documents()
    text = store.documents.get(seed).text
    start = text.index("Wei Fenghe")
    drag(window.view, start, start + len("Wei Fenghe"))
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_T, CTRL_SHIFT)
    dialog = find_top_level(TagOccurrencesDialog)
    assert dialog is not None and dialog.phrase.text() == "Wei Fenghe"
    in_seed = text.count("Wei Fenghe")
    rows = dialog.model.rowCount()
    assert rows == in_seed + 2  # the sample's, then "WEI FENGHE" and "Wéi Fēnghé"
    quotes = [dialog.model.item(r, 3).text() for r in range(rows)]
    assert quotes[-2:] == ["WEI FENGHE", "Wéi Fēnghé"]
    assert dialog.model.item(rows - 2, 2).text().endswith("Defence minister")
    assert "occurrences in 2 documents" in dialog.status.text()

    dialog.set_ticked(0, False)  # the analyst leaves one out
    dialog.speaker_name.setText("Wei Fenghe")
    dialog.apply_button.click()
    speakers = [a for a in store.annotations.for_document(other)]
    assert {(a.quote, a.speaker_name) for a in speakers} == {
        ("WEI FENGHE", "Wei Fenghe"),
        ("Wéi Fēnghé", "Wei Fenghe"),
    }
    tagged = [a for a in store.annotations.for_document(seed) if a.quote == "Wei Fenghe"]
    assert len(tagged) == in_seed - 1
    # The open document's spans are in its view at once; the preview now shows them tagged.
    assert all(window.workspace.state.get(a.id) is not None for a in tagged)
    assert [dialog.model.item(r, 0).checkState() for r in range(rows)].count(
        Qt.CheckState.Checked
    ) == 1
    assert window.workspace.session.undo_description() == f"Tag {rows - 1} passages as Speaker"

    window.workspace.undo()  # one step takes every one of them back
    assert store.annotations.for_document(other) == []
    assert all(window.workspace.state.get(a.id) is None for a in tagged)
    dialog.close()


def test_nothing_to_look_for_is_said_plainly(open_window) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window([SAMPLE])
    dialog = TagOccurrencesDialog(window.workspace.session, window.workspace.perform, text="—")
    assert dialog.model.rowCount() == 0
    assert "no letters or digits" in dialog.status.text()
    dialog.phrase.setText("Zhambylsky-not-here")
    dialog.preview()
    assert dialog.status.text() == "No occurrence in the corpus."
    dialog.close()


def test_a_suggested_alias_group_is_accepted_with_its_canonical_name(
    open_window,  # type: ignore[no-untyped-def]
) -> None:
    window: MainWindow = open_window([SAMPLE])
    store = window.store
    doc = add(store, "Aliases", "Minister of National Defense Wei Fenghe spoke. Gen. Wei added.")
    session = window.workspace.session
    speaker = next(lb.id for lb in store.codebook.get().labels if lb.role == "speaker")
    text = store.documents.get(doc).text
    for quote in ("Minister of National Defense Wei Fenghe", "Gen. Wei"):
        at = text.index(quote)
        session.create_annotation(document_id=doc, label_id=speaker, start=at, end=at + len(quote))
    dialog = TagOccurrencesDialog(session, window.workspace.perform)
    assert dialog.alias_model.rowCount() == 1
    assert dialog.alias_model.item(0, 1).text() == "Gen. Wei"
    dialog.alias_model.item(0, 0).setText("Wei Fenghe")  # the analyst edits the name
    dialog.findChild(type(dialog.apply_button), "acceptAlias").click()
    assert {a.speaker_name for a in store.annotations.for_document(doc)} == {"Wei Fenghe"}
    assert dialog.alias_model.rowCount() == 0  # named alike now: nothing left to suggest
    dialog.close()
