"""`annotator list` on a small and a large project: the quick check before a command, made once
per change of the file, against the floor (a bare Python reading the documents table).

For each project: the floor; `list` with the check made every time (a cache folder that
cannot be written: the behaviour before checks were remembered); the first `list` after
another program wrote to the file (it checks); and repeated runs on an unchanged file (no
check). Each figure is the median of several runs of a fresh process, with the file in the
system's cache (warm, as after any recent use), then out of it (cold, as after a restart:
only that file is dropped, with posix_fadvise). The projects are built in bulk once and kept
in the benchmarks' cache folder; each run works on a copy.

    python benchmarks/cli_start.py [--large-documents 1800 --large-annotations 180000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scale_project import CACHE, GENERATION, build  # noqa: E402

RUNS = 5
FLOOR = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "c.execute('SELECT id, title, published, char_count FROM documents').fetchall()"
)


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return elapsed


def _median(times: list[float]) -> float:
    return statistics.median(times)


def _evict(path: Path) -> None:
    """This file out of the system's cache, as after a restart (no other file is touched).
    Opened here only while no connection of this process has it open."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _cold(command: list[str], env: dict[str, str], path: Path, *, write: bool = False) -> float:
    if write:
        _external_write(path)
    _evict(path)
    return _timed(command, env)


def _external_write(path: Path) -> None:
    """Another program's write, as the window's would be (one row of meta)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('benchmark', ?)", [str(time.time())]
    )
    conn.close()


def measure(label: str, project: Path, work: Path) -> None:
    copy = work / f"{label}.sqlite"
    shutil.copyfile(project, copy)
    size = copy.stat().st_size
    listing = [sys.executable, "-m", "annotator", "list", "--db", str(copy)]
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
    unwritable = {**os.environ, "XDG_CACHE_HOME": "/dev/null/no-cache"}

    _timed(listing, env)  # the file into the system's cache, and Python's bytecode
    floor = _median([_timed([sys.executable, "-c", FLOOR, str(copy)], env) for _ in range(RUNS)])
    always = _median([_timed(listing, unwritable) for _ in range(RUNS)])
    first = []
    for _ in range(RUNS):
        _external_write(copy)
        first.append(_timed(listing, env))
    repeated = _median([_timed(listing, env) for _ in range(RUNS)])
    first_run = _median(first)
    floor_cold = _median(
        [_cold([sys.executable, "-c", FLOOR, str(copy)], env, copy) for _ in range(3)]
    )
    first_cold = _median([_cold(listing, env, copy, write=True) for _ in range(3)])
    repeated_cold = _median([_cold(listing, env, copy) for _ in range(3)])
    print(f"{label} project: {size / 1e6:,.0f} MB")
    print(f"  floor (python reading the documents table)   {floor:6.2f} s")
    for what, figure in (
        ("list, checked every time (before)", always),
        ("list, first run after another program wrote", first_run),
        ("list, repeated on the unchanged file", repeated),
    ):
        print(f"  {what:<45} {figure:6.2f} s  ({figure / floor:4.1f}x the floor)")
    print(f"  cold (the file out of the system's cache): floor {floor_cold:.2f} s")
    for what, figure in (
        ("list, first run after another program wrote", first_cold),
        ("list, repeated on the unchanged file", repeated_cold),
    ):
        print(f"  {what:<45} {figure:6.2f} s  ({figure / floor_cold:4.1f}x the floor)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large-documents", type=int, default=1_800)
    parser.add_argument("--large-annotations", type=int, default=180_000)
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    projects = {
        "small": (100, 5_000),
        "large": (args.large_documents, args.large_annotations),
    }
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        for label, (documents, annotations) in projects.items():
            db = CACHE / f"cli-start-{documents}-{annotations}-g{GENERATION}.sqlite"
            if not db.exists():
                print(f"Building the {label} project (once; kept in {CACHE})…", file=sys.stderr)
                build(db, documents, annotations)
            measure(label, db, Path(folder))


if __name__ == "__main__":
    main()
