"""One project used at once by real windows (each in its own process, its background jobs
running) and by the command line writing in a loop; then every change of every side must be in
the project and `annotator check` must find nothing wrong.

The tests in test_shared_use.py run this for seconds. For a longer soak:

    .venv/bin/python tests/gui/shared_use.py --minutes 10 --windows 2
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

WINDOW = Path(__file__).with_name("shared_use_window.py")
ARTICLE = "Bob {n}\nThe spokesman said on day {n} that the agreement stands.\n"


@dataclass
class Outcome:
    saved: set[str] = field(default_factory=set)  # annotation ids the windows reported saved
    titles: set[str] = field(default_factory=set)  # documents any side reported imported
    exports: list[Path] = field(default_factory=list)
    cli_runs: int = 0
    failures: list[str] = field(default_factory=list)  # what went wrong, for the assertion
    window_logs: list[list[str]] = field(default_factory=list)


def annotator(*args: str, project: Path, analyst: str = "Bob") -> subprocess.CompletedProcess[str]:
    """The real command line, in its own process, as an analyst types it."""
    return subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(project), "--analyst", analyst, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def _command_line_loop(project: Path, folder: Path, stop: threading.Event, out: Outcome) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        if n % 4 == 0:
            done = annotator("list", project=project)
        else:
            article = folder / f"bob-{n}.txt"
            article.write_text(ARTICLE.format(n=n), encoding="utf-8")
            done = annotator("import", "--quiet", str(article), project=project)
            if done.returncode == 0:
                out.titles.add(f"Bob {n}")
        out.cli_runs += 1
        if done.returncode != 0:
            out.failures.append(f"annotator run {n} failed: {done.stderr.strip()[-400:]}")


def _read_window(child: subprocess.Popen[str], log: list[str]) -> None:
    assert child.stdout is not None
    for line in child.stdout:
        log.append(line.rstrip("\n"))


#: What every side must have done before they are told to stop (however slow the machine).
MIN_SAVED, MIN_EXPORTS, MIN_IMPORTS, MIN_CLI_RUNS = 20, 1, 1, 4


def _enough(out: Outcome) -> bool:
    """Every window has tagged, exported and imported, and the command line has run enough."""
    for log in out.window_logs:
        saved = sum(line.startswith("saved ") for line in log)
        exported = sum(line.startswith("exported ") for line in log)
        imported = sum(line.startswith("imported ") for line in log)
        if saved < MIN_SAVED or exported < MIN_EXPORTS or imported < MIN_IMPORTS + 1:
            return False
    return out.cli_runs >= MIN_CLI_RUNS


def run_shared_use(project: Path, folder: Path, *, windows: int, seconds: float) -> Outcome:
    """Windows and the command line on `project` for at least `seconds`, and until each side
    has done its share (see `_enough`); returns what each side saved."""
    out = Outcome()
    stop_file = folder / "stop"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": os.pathsep.join(sys.path)}
    children = []
    readers = []
    for index in range(windows):
        log: list[str] = []
        # Each window its own settings folder, as two users' or two sessions' would be.
        config = folder / f"config-{index}"
        child = subprocess.Popen(
            [sys.executable, str(WINDOW), str(project), f"Ana{index}", str(stop_file), str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, "XDG_CONFIG_HOME": str(config)},
        )
        reader = threading.Thread(target=_read_window, args=(child, log))
        reader.start()
        children.append(child)
        readers.append(reader)
        out.window_logs.append(log)
    stop = threading.Event()
    loop = threading.Thread(target=_command_line_loop, args=(project, folder, stop, out))
    loop.start()
    started = time.monotonic()
    # A slow machine gets more time, up to ten times as much: then the run counts as failed.
    while time.monotonic() - started < seconds or not _enough(out):
        if time.monotonic() - started > 10 * seconds:
            out.failures.append("the sides did not do their share in ten times the time")
            break
        if any(child.poll() is not None for child in children):
            out.failures.append("a window ended before it was told to stop")
            break
        time.sleep(0.2)
    stop.set()
    loop.join()
    stop_file.touch()
    for child, reader in zip(children, readers, strict=True):
        try:
            child.wait(timeout=120)
        except subprocess.TimeoutExpired:
            child.kill()
            out.failures.append("a window did not close within two minutes")
        reader.join()
        if child.returncode != 0:
            assert child.stderr is not None
            out.failures.append(f"a window exited with {child.returncode}: {child.stderr.read()}")
    for log in out.window_logs:
        if "closed" not in log:
            out.failures.append(f"a window did not close cleanly: {log[-3:]}")
        out.saved |= {line.split()[1] for line in log if line.startswith("saved ")}
        out.titles |= {line.split(" ", 1)[1] for line in log if line.startswith("imported ")}
        out.exports += [Path(line.split(" ", 1)[1]) for line in log if line.startswith("exported ")]
    return out


def problems_after(project: Path, out: Outcome) -> list[str]:
    """Everything wrong with the project once all sides have stopped (empty when sound)."""
    problems = list(out.failures)
    check = annotator("check", project=project)
    if check.returncode != 0:
        problems.append(f"annotator check: {check.stdout}{check.stderr}")
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            problems.append(f"integrity_check: {rows[:3]}")
        ids = {r[0] for r in conn.execute("SELECT id FROM annotations")}
        titles = {r[0] for r in conn.execute("SELECT title FROM documents")}
    finally:
        conn.close()
    if lost := out.saved - ids:
        problems.append(f"{len(lost)} of {len(out.saved)} saved annotations are missing")
    if lost_titles := out.titles - titles:
        problems.append(f"documents missing: {sorted(lost_titles)[:5]}")
    problems += [f"export missing: {path}" for path in out.exports if not path.is_file()]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--windows", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="annotator-soak-") as scratch:
        folder = Path(scratch)
        os.environ["XDG_DATA_HOME"] = str(folder / "data")
        project = folder / "shared.sqlite"
        started = time.monotonic()
        out = run_shared_use(project, folder, windows=args.windows, seconds=args.minutes * 60)
        problems = problems_after(project, out)
        took = time.monotonic() - started
        print(
            f"{args.windows} window(s) and the command line for {took:.0f} s: "
            f"{len(out.saved)} annotations saved by the windows, {len(out.titles)} documents "
            f"imported, {len(out.exports)} exports, {out.cli_runs} command-line runs"
        )
        for problem in problems:
            print(f"PROBLEM: {problem}")
        print("project sound, nothing lost" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
