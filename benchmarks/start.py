"""Real start: from launching the process to a painted window showing the last document.

Usage:
    make bench
    .venv/bin/python benchmarks/start.py [--runs N]

The project holds one 1 MB article with 5,000 annotations (claims, speakers, targets, links),
the article the analyst had open last. Each start runs in a fresh process, as the analyst's
does, with `QT_QPA_PLATFORM=offscreen`, in a 1400x860 window:

- floor: a plain `QMainWindow` with a `QPlainTextEdit` showing the same text, read from the
  same project file with `sqlite3`, launched the same way, measured until its text is painted;
- Annotator: `create_window` on that project (the analyst's name remembered, the last document
  reopened, the day's backup and the quick check starting in the background), measured until
  the reading view has painted the last document's text.

Issue 17's target: Annotator's start at most 2x the floor (median of the runs). The script
prints the figures and the target met or not; it asserts nothing and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET = 2.0
SIZE = 1_000_000
ANNOTATIONS = 5_000
ANALYST = "Ana"


def _say(**figures: object) -> None:
    print(json.dumps(figures), flush=True)


def _wait_painted(widget: Any, until: Any) -> None:
    """Run the event loop until `widget` has painted and `until()` holds (20 s at most)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    class Paints(QObject):
        painted = False

        def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    paints = Paints(widget)
    widget.installEventFilter(paints)
    deadline = time.perf_counter() + 20
    while not (paints.painted and until()) and time.perf_counter() < deadline:
        QApplication.processEvents()


def _exposed(window: Any) -> bool:
    handle = window.windowHandle()
    return handle is not None and handle.isExposed()


def child_floor(db: Path) -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit

    app = QApplication(sys.argv[:1])
    conn = sqlite3.connect(db)
    (text,) = conn.execute("SELECT text FROM documents LIMIT 1").fetchone()
    window = QMainWindow()
    window.resize(1400, 860)
    view = QPlainTextEdit(window)
    view.setReadOnly(True)
    view.setPlainText(text)
    window.setCentralWidget(view)
    window.show()
    _wait_painted(view.viewport(), lambda: _exposed(window))
    _say(ready=True)
    app.quit()


def child_app(db: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from annotator.gui.app import create_window
    from annotator.gui.window import settings as app_settings

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Annotator")
    app.setOrganizationName(app_settings.ORGANISATION)
    window = create_window(db_path=db, analyst=ANALYST, files=[])
    assert window is not None
    window.resize(1400, 860)
    _wait_painted(
        window.view.viewport(),
        lambda: _exposed(window) and window.current_document is not None,
    )
    _say(ready=True, document=window.current_document)
    while not window.workspace.settled():  # the rest, for the record (not the figure)
        QApplication.processEvents()
    _say(settled=True)
    window.close()
    window.store.close()
    app.quit()


def _launch(mode: str, db: Path, env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(db)]
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    ready, settled = 0.0, 0.0
    report: dict[str, Any] = {}
    for line in child.stdout:
        message = json.loads(line)
        if message.get("ready"):
            ready = time.perf_counter() - began
        if message.get("settled"):
            settled = time.perf_counter() - began
        report.update(message)
    if child.wait() != 0 or not ready:
        raise SystemExit(f"the {mode} start failed (exit status {child.returncode})")
    report["settled_s"] = settled
    return ready, report


def build(folder: Path, env: dict[str, str]) -> Path:
    """The project: one 1 MB article with 5,000 annotations, remembered as the last one open."""
    from annotator.core.ingest import import_paths
    from annotator.core.session import Session
    from annotator.core.store import Store

    paragraph = (
        "The minister said on Tuesday that the talks with the delegation had been "
        "constructive, and that both sides would continue to consult on regional security. "
    )
    lines = ["Talks continue, the minister says"]
    while sum(len(line) + 1 for line in lines) < SIZE:
        lines.append(f"{len(lines)}. {paragraph * 3}")
    article = folder / "2024-03-05-long-report.txt"
    article.write_text("\n".join(lines), encoding="utf-8")
    db = folder / "start.sqlite"
    store = Store.open(db)
    analyst = store.ensure_analyst(ANALYST)
    outcome = import_paths(store, [article], analyst_id=analyst.id)
    doc = outcome.added[0][0]
    text = store.documents.get(doc.id).text
    codebook = store.codebook.get()
    session = Session(store, analyst)
    labels = [codebook.by_name(n).id for n in ("Claim", "Speaker", "Target")]
    step = len(text) // ANNOTATIONS
    for n in range(ANNOTATIONS):
        start = n * step + 3
        session.create_annotation(
            document_id=doc.id, label_id=labels[n % 3], start=start, end=start + 12
        )
    store.close()
    # The analyst's settings: their name and this document as the last one open.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from PySide6.QtCore import QCoreApplication\n"
            "from annotator.core.store import Store\n"
            "from annotator.gui.window import settings as s\n"
            "app = QCoreApplication([])\n"
            "app.setApplicationName('Annotator'); app.setOrganizationName(s.ORGANISATION)\n"
            "store = Store.open(sys.argv[1])\n"
            "s.remember_analyst(sys.argv[2])\n"
            "s.remember_document(s.project_key(store), sys.argv[3])\n"
            "s.settings().sync()\n"
            "store.close()\n",
            str(db),
            ANALYST,
            doc.id,
        ],
        check=True,
        env=env,
    )
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, db = args.child
        (child_floor if mode == "floor" else child_app)(Path(db))
        return 0
    folder = Path(tempfile.mkdtemp(prefix="annotator-start-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["XDG_CONFIG_HOME"] = str(folder / "config")  # the benchmark's own settings
    env["XDG_DATA_HOME"] = str(folder / "data")
    env["XDG_CACHE_HOME"] = str(folder / "cache")
    os.environ.update({k: env[k] for k in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")})
    try:
        print(f"Building the project: one {SIZE:,}-character article, {ANNOTATIONS:,} annotations…")
        db = build(folder, env)
        floors: list[float] = []
        starts: list[float] = []
        settled: list[float] = []
        for run in range(1, args.runs + 1):
            floor, _ = _launch("floor", db, env)
            start, report = _launch("app", db, env)
            floors.append(floor)
            starts.append(start)
            settled.append(report["settled_s"])
            print(f"  run {run}: floor {floor:.2f} s, Annotator {start:.2f} s")
        floor, start = statistics.median(floors), statistics.median(starts)
        print("Real start to the last document painted (median):")
        print(f"  floor, a plain window showing the same text:  {floor:.2f} s")
        print(
            f"  Annotator:                                    {start:.2f} s "
            f"({start / floor:.2f}x; everything loaded at {statistics.median(settled):.2f} s)"
        )
        verdict = "met" if start <= TARGET * floor else "NOT met"
        print(f"  target ≤ {TARGET:.0f}x the floor: {verdict}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
