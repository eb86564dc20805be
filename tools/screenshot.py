"""Make the README screenshot: the sample article tagged, in a real window.

Run on a display (e.g. Xvfb): `python tools/screenshot.py OUT.png`. It uses a throw-away project
and settings folder, tags a few spans through the same Session the window uses, selects a claim,
and saves the window as the app itself renders it (QWidget.grab).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "global-times-2022-04-26-wei-fenghe-kazakhstan.txt"


def main(out: Path, *, review: bool = False) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="annotator-shot-"))
    os.environ["XDG_CONFIG_HOME"] = str(scratch / "config")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.gui.app import create_window

    app = QApplication(sys.argv[:1])
    window = create_window(
        db_path=scratch / "project.sqlite", analyst="Ana Analyst", files=[SAMPLE]
    )
    assert window is not None
    window.info_bar.hide()
    session, doc = window.session, window.current_document
    assert doc is not None
    text = window.view.text
    codebook = window.store.codebook.get()

    def tag(phrase: str, label: str, occurrence: int = 0, **attrs: str) -> str:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(phrase, start + 1)
        annotation, change = session.create_annotation(
            document_id=doc,
            label_id=codebook.by_name(label).id,
            start=start,
            end=start + len(phrase),
            **attrs,
        )
        window.workspace.apply_change(change)
        return annotation.id

    wei = tag("Minister of National Defense Wei Fenghe", "Speaker", speaker_name="Wei Fenghe")
    claim = tag(
        "China firmly opposes external forces deliberately instigating a “color revolution” in "
        "Kazakhstan",
        "Claim",
        sentiment="negative",
    )
    target = tag("certain major powers", "Target")
    tag("Kazakhstan", "Target", occurrence=1)
    tag("Tokayev", "Speaker", occurrence=1, speaker_name="Kassym-Jomart Tokayev")
    tag("the two countries have become permanent strategic partners", "Claim", sentiment="positive")
    window.workspace.apply_change(session.set_link(source_id=claim, kind="said_by", target_id=wei))
    window.workspace.apply_change(session.set_link(source_id=claim, kind="about", target_id=target))
    window.workspace.select(claim)
    window.resize(1400, 860)
    if review:  # a colleague's layer, compared in review mode
        from annotator.core.session import Session

        session = Session(window.store, window.store.ensure_analyst("Olga Colleague"))
        tag("Wei Fenghe", "Speaker", speaker_name="Wei Fenghe")
        tag("China firmly opposes external forces", "Claim", sentiment="negative")
        tag("Kazakhstan", "Target", occurrence=1)
        tag("permanent strategic partners", "Claim", sentiment="neutral")
        session.add_comment(claim, "Longer span than mine: is the “color revolution” part of it?")
        window.refresh(force=True)
        window.review.start()

    def shoot() -> None:
        window.grab().save(str(out))
        app.quit()

    QTimer.singleShot(800, shoot)
    app.exec()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--review"]
    main(Path(args[0] if args else "screenshot.png"), review="--review" in sys.argv)
