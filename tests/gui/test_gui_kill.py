"""Kill the window mid-session: after a restart nothing saved is missing, and the window
reopens on the same document at the same place."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

DRIVER = Path(__file__).with_name("gui_kill_driver.py")


@pytest.mark.slow
def test_killed_window_loses_nothing_and_reopens_where_it_was(
    open_window, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "speech.txt"
    article.write_text(
        "Speech\n"
        + "\n".join(f"Paragraph {n}: the minister said the talks went well." for n in range(300)),
        encoding="utf-8",
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, str(DRIVER), str(db_path), str(article)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 60
    lines: list[str] = []
    assert child.stdout is not None
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        # Kill right after a position is reported (before the next tag may scroll again).
        if lines[-1].startswith("at ") and len(lines) > 30:
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    saved = [x.split()[1] for x in lines if x.startswith("saved ")]
    positions = [int(x.split()[1]) for x in lines if x.startswith("at ")]
    assert saved and positions, lines[-5:]

    window = open_window([])
    stored = {a.id for a in window.store.annotations.for_document(window.current_document)}
    assert set(saved) <= stored  # every annotation the window had saved is there
    assert window.view.top_position() == positions[-1]  # and it reopens at the same place
