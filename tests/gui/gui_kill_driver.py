"""Child process for the GUI kill test: a real window tagging and scrolling, reporting each
saved annotation and each remembered position on stdout, until it is killed."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from annotator.gui.app import create_window


def main(db: str, article: str) -> None:
    app = QApplication([])
    window = create_window(db_path=Path(db), analyst="Ana", files=[Path(article)])
    assert window is not None
    rng = random.Random(7)
    label = window.store.codebook.get().by_name("Claim")
    words = [(m, m + 5) for m in range(0, len(window.view.text) - 10, 37)]

    def tag() -> None:
        start, end = rng.choice(words)
        window.view.select_span(start, end)
        window.workspace.apply_label(label)
        if window.workspace.active is not None:
            print(f"saved {window.workspace.active}", flush=True)
        if rng.random() < 0.2:
            bar = window.view.verticalScrollBar()
            bar.setValue(rng.randrange(0, bar.maximum() + 1))
            # Reported once the pause in scrolling has let the window remember it.
            QTimer.singleShot(700, lambda: print(f"at {window.view.top_position()}", flush=True))
            QTimer.singleShot(800, tag)
        else:
            QTimer.singleShot(5, tag)

    QTimer.singleShot(100, tag)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
