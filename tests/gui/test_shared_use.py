"""The window and the command line (and two windows) on one project at once, for seconds, with
the window's background jobs running: nothing lost, nothing corrupted (issue: a stray close of
the project file in the window's process let the command line delete the write-ahead log under
it). `python tests/gui/shared_use.py --minutes 10` runs the same for longer."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_use import problems_after, run_shared_use

SECONDS = 12


@pytest.mark.slow
@pytest.mark.parametrize("windows", [1, 2], ids=["window and command line", "two windows too"])
def test_windows_and_command_line_on_one_project_lose_nothing(tmp_path: Path, windows: int) -> None:
    project = tmp_path / "shared.sqlite"
    out = run_shared_use(project, tmp_path, windows=windows, seconds=SECONDS)
    # Both sides really worked at the same time: the windows tagged, backed up, exported and
    # imported; the command line imported and listed (they run until each has done its share).
    assert len(out.saved) >= 20 * windows and out.exports and out.cli_runs >= 4, out.failures
    assert any(t.startswith("Bob") for t in out.titles)
    assert problems_after(project, out) == []
