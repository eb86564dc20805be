"""SIGKILL at random moments: the project always opens, passes integrity_check, and holds
exactly every change the killed process had reported as committed."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_store_annotations import add_document

from annotator.core.store import Store

ROUNDS = 50
WRITER = Path(__file__).with_name("crash_writer.py")


@pytest.mark.slow
def test_killed_writer_never_loses_a_committed_change(db_path: Path) -> None:
    with Store.open(db_path) as store:
        doc = add_document(store, "Wei Fenghe said China opposes interference. " * 40)
    rng = random.Random(1234)
    expected_notes: dict[str, str] = {}
    for round_number in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, str(WRITER), str(db_path), doc, str(round_number)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        # Killed mid-stream: once it has committed its first change (however long a busy
        # machine takes to start it), after a random moment more.
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first, f"round {round_number}: the writer ended before writing"
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate()
        out = first + rest
        reported = [line.split(" ", 2) for line in out.splitlines() if line.count(" ") >= 2]
        for action, aid, note in reported:
            expected_notes[aid] = "" if action == "create" else note
        raw = sqlite3.connect(db_path)
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        raw.close()
        with Store.open(db_path) as store:  # opens (and recovers the WAL) every time
            for aid, note in expected_notes.items():
                stored = store.annotations.find(aid)  # type: ignore[arg-type]
                assert stored is not None, f"round {round_number}: committed {aid} is missing"
                # A change after the last report may have committed before the kill, never less.
                if stored.note != note:
                    history = [e.after["note"] for e in store.history(entity_id=aid) if e.after]
                    assert note in history and history[-1] == stored.note
    assert len(expected_notes) >= ROUNDS  # every round committed at least one change


@pytest.mark.slow
def test_two_writers_at_once_never_see_database_is_locked(db_path: Path) -> None:
    with Store.open(db_path) as store:
        doc = add_document(store, "Two analysts tag the same article at the same time. " * 40)
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(db_path), doc, str(100 + n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        for n in range(2)
    ]
    # Both write side by side until each has committed 20 changes (however long a busy
    # machine takes), then are killed.
    heads: list[str] = []
    for writer in writers:
        assert writer.stdout is not None
        lines = [writer.stdout.readline() for _ in range(20)]
        assert all(lines), writer.communicate()[1]  # it stopped early: its error
        heads.append("".join(lines))
    for writer in writers:
        assert writer.poll() is None, writer.communicate()[1]  # still running: no error
        writer.send_signal(signal.SIGKILL)
    outputs = [writer.communicate() for writer in writers]
    for head, (out, err) in zip(heads, outputs, strict=True):
        assert "locked" not in err and "Traceback" not in err
        assert (head + out).count("\n") >= 20  # both really wrote
