"""Starting the app: the first screen is painted before the rest of the document is read, and
nothing the app does not use (pandas, numpy) is loaded on the way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject

from annotator.core.session import Session
from annotator.core.store import Store
from annotator.gui.app import create_window
from annotator.gui.window.open_document import OpenDocument


def test_the_app_and_the_command_line_load_without_pandas_or_numpy() -> None:
    pytest_env_has_them = subprocess.run(
        [sys.executable, "-c", "import pandas, numpy"], capture_output=True
    )
    assert pytest_env_has_them.returncode == 0  # else this test would prove nothing
    probe = (
        "import sys\n"
        "import annotator.gui.app, annotator.cli\n"
        "from annotator.core.store import Store\n"
        f"Store.open({str(Path(sys.prefix) / 'never-made.sqlite')!r}.replace('never-made', "
        "'probe-' + str(__import__('os').getpid())))\n"
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    for leftover in Path(sys.prefix).glob("probe-*.sqlite*"):
        leftover.unlink()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


class _Order(QObject):
    """Records the order of the reading view's paints and the document's full load."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            self.events.append("paint")
        return False


def test_at_start_the_reopened_document_is_painted_before_it_is_read_whole(
    qtbot, db_path: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    text = "Long article\n" + "\n".join(
        f"{n}: The minister said the talks were constructive. " * 4 for n in range(2_000)
    )
    article = tmp_path / "2020-01-01-long.txt"
    article.write_text(text, encoding="utf-8")
    first = create_window(db_path=db_path, analyst="Ana", files=[article])
    assert first is not None
    qtbot.addWidget(first)
    doc = first.current_document
    store: Store = first.store
    session = Session(store, store.ensure_analyst("Ana"))
    claim = store.codebook.get().by_name("Claim").id
    for start in range(20, len(text) - 40, len(text) // 300):
        session.create_annotation(document_id=doc, label_id=claim, start=start, end=start + 9)
    first.close()
    store.close()

    order = _Order()
    real_finish = OpenDocument.finish

    def finish(self: OpenDocument) -> None:
        if self._loading:  # the full load, not a call that finds nothing left to do
            order.events.append("full load")
        real_finish(self)

    monkeypatch.setattr(OpenDocument, "finish", finish)
    real_open = OpenDocument.open

    def open_(self: OpenDocument, document) -> None:  # type: ignore[no-untyped-def]
        self.view.viewport().installEventFilter(order)
        order.events.append("open")
        real_open(self, document)

    monkeypatch.setattr(OpenDocument, "open", open_)
    window = create_window(db_path=db_path, analyst="Ana", files=[])
    assert window is not None
    qtbot.addWidget(window)
    assert window.current_document == doc  # the last document, reopened
    qtbot.waitUntil(lambda: "full load" in order.events)
    events = order.events[order.events.index("open") :]
    assert events.index("paint") < events.index("full load")
    count = len(window.store.annotations.for_document(doc))
    assert count > 200
    qtbot.waitUntil(lambda: window.table.model.rowCount() == count)  # and then all of it
    window.close()
    window.store.close()
