"""Child process for the shared-project tests: a real window that works on a project while
other processes (the command line, another window) write to it too.

It tags spans through the reading view, and between tags does what a working day does in the
background: the daily backup and the quick check (started by the window itself), Back up now,
an export from its own connection, an import of a new article, F5. It prints one line per saved
change (`saved ID`, `imported TITLE`, `exported PATH`), `done` when its window has closed and
`closed` once its connection is closed.

    python shared_use_window.py PROJECT ANALYST STOPFILE WORKDIR

It works until STOPFILE exists (the test decides when both sides have done enough).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from annotator.core.export import export
from annotator.gui.app import create_window
from annotator.gui.background import BackgroundJob, own_store, wait_for_jobs
from annotator.gui.window import project_safety

ARTICLE = "{who} said the talks on {n} went well. Officials from both sides met in Astana.\n" * 40


def main(db: str, analyst: str, stop: str, workdir: str) -> None:
    app = QApplication([])
    folder = Path(workdir)
    first = folder / f"{analyst}-0.txt"
    first.write_text(f"{analyst} 0\n" + ARTICLE.format(who=analyst, n=0), encoding="utf-8")
    window = create_window(db_path=Path(db), analyst=analyst, files=[first])
    assert window is not None
    print(f"imported {analyst} 0", flush=True)
    rng = random.Random(analyst)
    claim = window.store.codebook.get().by_name("Claim")
    ticks = 0
    busy = False

    def export_in_background(n: int) -> None:
        path = folder / f"{analyst}-export-{n}.csv"
        job: BackgroundJob[object] = BackgroundJob(
            lambda _p: _export(window.store.path, path), name="export"
        )
        job.finished.connect(lambda: print(f"exported {path}", flush=True))
        job.start()

    def tick() -> None:
        nonlocal ticks, busy
        if busy:  # an import or a backup waits in its own event loop; this tick waits for it
            return
        if Path(stop).exists():
            finish()
            return
        busy = True
        ticks += 1
        try:
            if ticks % 60 == 0:
                n = ticks // 60
                article = folder / f"{analyst}-{n}.txt"
                article.write_text(
                    f"{analyst} {n}\n" + ARTICLE.format(who=analyst, n=n), encoding="utf-8"
                )
                window.import_paths([article])
                print(f"imported {analyst} {n}", flush=True)
            elif ticks % 45 == 0:
                project_safety.back_up_now(window)
            elif ticks % 35 == 0:
                export_in_background(ticks)
            elif ticks % 25 == 0:
                project_safety.start_quick_check(window)
            elif ticks % 10 == 0:
                window.refresh()
            else:
                text = window.view.text
                start = rng.randrange(0, max(1, len(text) - 12))
                window.view.select_span(start, start + 8)
                window.workspace.apply_label(claim)
                if window.workspace.active is not None:
                    print(f"saved {window.workspace.active}", flush=True)
        finally:
            busy = False
        QTimer.singleShot(rng.randrange(5, 30), tick)

    def finish() -> None:
        wait_for_jobs()
        window.close()
        wait_for_jobs()
        print("done", flush=True)
        app.quit()

    QTimer.singleShot(0, lambda: project_safety.daily(window))
    QTimer.singleShot(50, tick)
    app.exec()
    window.store.close()  # as `annotator` does when its event loop ends
    print("closed", flush=True)


def _export(project: Path, path: Path) -> object:
    with own_store(project) as own:
        return export(own, path, "csv")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4])
