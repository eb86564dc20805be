"""Analysis benchmark: pivots, timelines, heatmaps and drill-downs on 1,000,000 annotations.

Usage:
    .venv/bin/python benchmarks/analysis.py [--runs N] [--rebuild]

Targets (issue 11, item 5): every pivot, timeline and heatmap computed in at most 1 s; a
cell's drill-down list in at most 100 ms; memory under the 400 MB budget.

The project is the scale benchmark's (10,000 documents, 1,000,000 annotations: half claims,
a quarter speakers, a quarter targets; 60,000 claims with a speaker link and as many with a
target link; benchmarks/scale_project.py), copied with SQLite's backup API into
`annotator-benchmarks/analysis-…` and upgraded there (migration 0012 adds the indexes, 0015
the speaker/target table), so
the scale benchmark's own file is never changed.

Measured, each with two filters (publication dates Feb-Nov 2023; the search query
"-sentiment:mixed"), claims counted:
- pivot speaker × sentiment; timeline per month split by sentiment; heatmap speaker × target
  (speakers and targets read from migration 0015's analysis_names);
- labels together (co-occurrence) within a document and within a sentence, every label;
- drill-down of one cell: the largest named speaker × sentiment cell, and a one-claim cell.

Floor, in the same run on the same file: the plain `SELECT sentiment, count(*) FROM
annotations WHERE label_id = ? GROUP BY sentiment` (the claims counted by a column they
carry, through the same index) — what any count over the claims reads.

Each figure is the median of `--runs` runs after one unmeasured run, with the CPU time
beside it (the machine may be busy with other work: CPU time is what the computation cost).
Peak memory is the process's VmHWM. Prints PASS/MISS and exits 0.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from scale_project import CACHE, GENERATION, build

from annotator.core.analysis import (
    AnalysisFilter,
    cooccurrence,
    drill,
    heatmap,
    pivot,
    timeline,
)
from annotator.core.store import Store

DOCUMENTS, ANNOTATIONS = 10_000, 1_000_000
TARGET_S = 1.0
DRILL_TARGET_S = 0.1
MEMORY_MB = 400


def project(rebuild: bool) -> Path:
    """The analysis copy of the scale project, built and upgraded once."""
    CACHE.mkdir(parents=True, exist_ok=True)
    source = CACHE / f"scale-{DOCUMENTS}-{ANNOTATIONS}-g{GENERATION}.sqlite"
    if not source.exists():
        print(f"Building the scale project in {source} (once)", flush=True)
        build(source, DOCUMENTS, ANNOTATIONS)
    copy = CACHE / f"analysis-{DOCUMENTS}-{ANNOTATIONS}-g{GENERATION}.sqlite"
    if rebuild or not copy.exists():
        print(f"Copying it to {copy} (once)", flush=True)
        partial = copy.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        writing = sqlite3.connect(partial)
        reading.backup(writing)
        writing.close()
        reading.close()
        partial.replace(copy)
    began = time.perf_counter()
    Store.open(copy, create=False).close()  # upgraded here (migration 0012's indexes), once
    upgrade = time.perf_counter() - began
    if upgrade > 1:
        print(f"Upgraded the copy in {upgrade:.0f} s", flush=True)
    return copy


def measure(runs: int, work: Callable[[], object]) -> tuple[float, float, object]:
    """(median wall seconds, median CPU seconds, the last result) over `runs` after one."""
    result = work()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def peak_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        (line,) = [x for x in status.read_text().splitlines() if x.startswith("VmHWM:")]
        return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="copy the scale project again")
    args = parser.parse_args(argv)
    path = project(args.rebuild)
    store = Store.open(path, create=False)
    claim = store.codebook.get().by_name("Claim").id
    floor_sql = "SELECT sentiment, count(*) FROM annotations WHERE label_id = ? GROUP BY 1"
    floor, floor_cpu, _ = measure(
        args.runs, lambda: store.conn.execute(floor_sql, [claim]).fetchall()
    )
    filters = {
        "dates Feb-Nov 2023": AnalysisFilter(since=date(2023, 2, 1), until=date(2023, 11, 30)),
        "query -sentiment:mixed": AnalysisFilter(query="-sentiment:mixed"),
    }
    rows: list[tuple[str, float, float, float]] = []
    for name, filt in filters.items():
        cases: dict[str, Callable[[], object]] = {
            "pivot speaker × sentiment": lambda f=filt: pivot(store, ("speaker", "sentiment"), f),
            "timeline month by sentiment": lambda f=filt: timeline(store, "month", "sentiment", f),
            "heatmap speaker × target": lambda f=filt: heatmap(store, "speaker", "target", f),
            "labels together in a document": lambda f=filt: cooccurrence(
                store, "document", replace(f, label=None)
            ),
            "labels together in a sentence": lambda f=filt: cooccurrence(
                store, "sentence", replace(f, label=None)
            ),
        }
        cells = pivot(store, ("speaker", "sentiment"), filt).rows
        named = [row for row in cells if row.keys[0] is not None]
        largest, single = named[0], next(r for r in reversed(named) if r.count == 1)
        for label, cell in (("largest", largest), ("one-claim", single)):
            cases[f"drill {label} cell ({cell.count} claims)"] = lambda f=filt, k=cell.keys: drill(
                store, ("speaker", "sentiment"), k, f
            )
        for case, work in cases.items():
            wall, cpu, _ = measure(args.runs, work)
            target = DRILL_TARGET_S if case.startswith("drill") else TARGET_S
            rows.append((f"{case} [{name}]", wall, cpu, target))
    store.close()
    print(f"\nAnalysis on {DOCUMENTS:,} documents / {ANNOTATIONS:,} annotations ({path.name})")
    print(
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}; median of {args.runs}"
    )
    print(f"{'':66} {'wall':>8} {'cpu':>8} {'target':>7} {'x floor':>8}")
    print(
        f"{'floor: SELECT sentiment, count(*) … GROUP BY':66} {floor * 1000:6.0f}ms "
        f"{floor_cpu * 1000:6.0f}ms"
    )
    for case, wall, cpu, target in rows:
        verdict = "PASS" if wall <= target else "MISS"
        print(
            f"{case:66} {wall * 1000:6.0f}ms {cpu * 1000:6.0f}ms {target * 1000:5.0f}ms "
            f"{wall / floor:7.1f}x {verdict}"
        )
    memory = peak_mb()
    print(
        f"peak memory {memory:.0f} MB (budget {MEMORY_MB} MB): "
        f"{'PASS' if memory <= MEMORY_MB else 'MISS'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
