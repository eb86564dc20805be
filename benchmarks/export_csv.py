"""CSV export benchmark: Annotator's annotations CSV against a floor measured in the same run.

Usage:
    .venv/bin/python benchmarks/export_csv.py [--sizes N,N,...] [--runs N] [--rebuild]

Target (the issue's): exporting annotations to CSV takes at most 1.5x the floor at every size
(default sizes 10,000, 200,000 and 1,000,000 annotations, 100 per document).

- Floor: Python's csv module writing the same rows straight from the same SQLite file: one
  plain SELECT of the same columns with the joins they need (document, analyst, label, the
  claim's said_by and about links and their spans), no ORDER BY, `csv.writer.writerows(cursor)`
  into a UTF-8 file.
- Export: `export_annotations_csv` with its defaults: byte-order mark, formula neutralising,
  speaker names on one line, documents and annotations in their stable order, written to a
  temporary file, fsync'd and renamed.

Each is run `--runs` times, alternating, and the fastest run of each is compared (the least
disturbed by other work on the machine). The script prints each size's figures (wall
time, and CPU time, which a busy machine disturbs far less), the ratios and whether the target
(on wall time) was met, and exits 0.

Each project (claims with notes holding
commas, quotes and line breaks, links to spans and to typed names; quotes starting with = - @)
is built once per size with bulk inserts in one transaction and cached in the temporary folder's
`annotator-benchmarks`.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bulk import insert_annotations, insert_document, insert_links

from annotator.core.export import ANNOTATION_COLUMNS, export_annotations_csv
from annotator.core.records import anchor
from annotator.core.store import Store

TARGET = 1.5
CACHE = Path(tempfile.gettempdir()) / "annotator-benchmarks"
GENERATION = 2  # bump when the generated project changes, so stale caches are not reused


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WORDS = _words(
    "the of and to in a that is for on with as was by said will not but their government "
    "minister defence cooperation security region partnership military agreement talks visit "
    "official state country nation president foreign policy relations economic trade energy "
    "pipeline stability peace conflict sanctions external forces sovereignty strategic mutual "
    "trust bilateral summit statement spokesperson press conference reporters analysts media "
    "percent billion yuan tenge budget loans projects unrest troops peacekeepers mission "
    "Beijing Astana Almaty Moscow Brussels Washington «Қазақстан» 中国 الصين Ελλάδα naïve café"
)
#: Tokens a spreadsheet would read as formulas: some quotes and notes start with them.
TRAPS = ("=SUM(A1:A9)", "-5%", "+7", "@handle", '=HYPERLINK("x")')
PEOPLE = ("Wei Fenghe", "Qasym-Jomart Tokayev", "Xi Jinping", "Recep Tayyip Erdoğan", "王毅")
NOTES = ("", "", "", 'check "source", later', "line one\nline two", "=1+1", "see p. 3, ¶2")
ANALYSTS = ("Ana", "Olga Petrova", "Zoë", "Mehmet Öz", "李雷")


def build(path: Path, size: int, documents: int) -> None:
    """A project of `size` annotations over `documents` documents, inserted in bulk."""
    rng = random.Random(20240426)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with Store.open(partial) as store:
        analyst_ids = [store.ensure_analyst(name).id for name in ANALYSTS]
        labels = {label.role: label.id for label in store.codebook.get().labels}
        conn = store.conn
        conn.execute("BEGIN")
        per_doc = size // documents
        for d in range(documents):
            words = [rng.choice(WORDS) for _ in range(per_doc * 6)]
            for i in range(0, len(words), 40):
                words[i] = rng.choice(TRAPS + PEOPLE)
            text = " ".join(words)
            doc_id = str(uuid.uuid4())
            insert_document(
                conn,
                id=doc_id,
                title=f"Article {d}: {' '.join(words[:5])}",
                source=f"corpus/{d:05}.txt",
                published=f"2022-{1 + d % 12:02}-{1 + d % 28:02}" if d % 10 else None,
                imported_at="2024-01-01T00:00:00.000Z",
                text=text,
            )
            starts = [i + 1 for i, ch in enumerate(text) if ch == " "]
            annotations, links = [], []
            speakers: list[str] = []
            targets: list[str] = []
            for n in range(per_doc + (1 if d < size % documents else 0)):
                role = ("claim", "claim", "claim", "speaker", "target")[n % 5]
                length = {"claim": 8, "speaker": 2, "target": 1}[role]
                word = rng.randrange(len(starts) - length)
                start, end = starts[word], starts[word + length] - 1  # whole words
                quote, prefix, suffix = anchor(text, start, end)
                ann_id = str(uuid.uuid4())
                stamp = f"2024-{1 + n % 12:02}-{1 + n % 28:02}T10:00:00.000Z"
                annotations.append(
                    (
                        ann_id,
                        doc_id,
                        rng.choice(analyst_ids),
                        labels[role],
                        start,
                        end,
                        quote,
                        prefix,
                        suffix,
                        rng.choice(("positive", "negative", "neutral", None)),
                        rng.choice(PEOPLE) if role == "speaker" and n % 2 else None,
                        rng.choice(NOTES) if role == "claim" else "",
                        stamp,
                        stamp,
                    )
                )
                if role != "claim":
                    (speakers if role == "speaker" else targets).append(ann_id)
                if role == "claim" and speakers:
                    said = rng.choice(speakers) if n % 3 else None
                    about = rng.choice(targets) if targets and n % 2 else None
                    for kind, span, name in (
                        ("said_by", said, None if said else rng.choice(PEOPLE)),
                        ("about", about, None if about else "Kazakhstan"),
                    ):
                        links.append(
                            (str(uuid.uuid4()), ann_id, kind, span, name, analyst_ids[0], stamp)
                        )
            insert_annotations(conn, annotations)
            insert_links(conn, links)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    partial.replace(path)


FLOOR_SQL = """
SELECT a.id, a.document_id, d.title, d.source, d.outlet, d.author, d.url, d.language,
       d.page_starts, an.name, l.name, a.start, a."end", a.quote,
       a.sentiment,
       CASE l.role WHEN 'speaker' THEN coalesce(a.speaker_name, a.quote)
                   WHEN 'claim' THEN coalesce(ls.name, sp.speaker_name, sp.quote) END,
       CASE l.role WHEN 'claim' THEN coalesce(lt.name, tg.quote) END,
       a.note, a.created, a.modified
FROM annotations a
JOIN documents d ON d.id = a.document_id
JOIN analysts an ON an.id = a.analyst_id
JOIN labels l ON l.id = a.label_id
LEFT JOIN links ls ON ls.source_id = a.id AND ls.kind = 'said_by'
LEFT JOIN annotations sp ON sp.id = ls.target_id
LEFT JOIN links lt ON lt.source_id = a.id AND lt.kind = 'about'
LEFT JOIN annotations tg ON tg.id = lt.target_id
"""


class Clock:
    """Wall and CPU time since it was made (CPU time barely moves with other work on the
    machine, wall time does: both are printed, the target is on wall time)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def floor(db: Path, out: Path) -> tuple[float, float]:
    clock = Clock()
    conn = sqlite3.connect(db)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ANNOTATION_COLUMNS)
        writer.writerows(conn.execute(FLOOR_SQL))
    conn.close()
    return clock.read()


def ours(db: Path, out: Path) -> tuple[tuple[float, float], int]:
    clock = Clock()
    with Store.open(db, create=False) as store:
        result = export_annotations_csv(store, out)
    return clock.read(), result.count


Best = tuple[float, float, float, float]  # floor wall, export wall, floor CPU, export CPU


def measure(size: int, documents: int, runs: int, rebuild: bool) -> Best:
    """The fastest runs' seconds for a project of `size` annotations."""
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / f"export-{size}-{documents}-g{GENERATION}.sqlite"
    if rebuild or not db.exists():
        print(f"Building {size:,} annotations over {documents:,} documents in {db} …")
        started = time.perf_counter()
        build(db, size, documents)
        print(f"  built in {time.perf_counter() - started:.1f} s")
    with sqlite3.connect(db) as conn:
        expected = conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
    print(f"{expected:,} annotations over {documents:,} documents:")
    floors, exports = [], []
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        for run in range(runs):
            floors.append(floor(db, Path(tmp) / "floor.csv"))
            seconds, count = ours(db, Path(tmp) / "export.csv")
            exports.append(seconds)
            assert count == expected, f"exported {count} rows, expected {expected}"
            print(
                f"  run {run + 1}: floor {floors[-1][0]:.2f} s (CPU {floors[-1][1]:.2f} s), "
                f"export {exports[-1][0]:.2f} s (CPU {exports[-1][1]:.2f} s)"
            )
        sizes = {p.name: p.stat().st_size for p in Path(tmp).iterdir()}
    print(f"  files: floor {sizes['floor.csv']:,} bytes, export {sizes['export.csv']:,} bytes")
    return (
        min(f[0] for f in floors),
        min(e[0] for e in exports),
        min(f[1] for f in floors),
        min(e[1] for e in exports),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,200000,1000000", help="annotations, comma-separated"
    )
    parser.add_argument("--runs", type=int, help="runs per size (default 3; 1 from 500,000)")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached projects")
    args = parser.parse_args()
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    print(f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
    results = []
    for size in sizes:
        runs = args.runs or (3 if size < 500_000 else 1)
        results.append((size, *measure(size, max(1, size // 100), runs, args.rebuild)))
    print(f"\n{'annotations':>12}  {'floor':>8}  {'export':>8}  ratio   CPU ratio  (fastest runs)")
    for size, best_floor, best_export, floor_cpu, export_cpu in results:
        ratio = best_export / best_floor
        verdict = "met" if ratio <= TARGET else "NOT met"
        print(
            f"{size:>12,}  {best_floor:>7.2f}s  {best_export:>7.2f}s  {ratio:.2f}x  "
            f"{export_cpu / floor_cpu:>6.2f}x    target {TARGET}x {verdict}"
        )
    met = all(best[1] / best[0] <= TARGET for _, *best in results)
    print(f"Target at most {TARGET}x (wall time) at every size: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
