"""import-annotations benchmark: Annotator JSON Lines into a project, against a floor.

Usage:
    .venv/bin/python benchmarks/import_annotations.py [--sizes 5000,50000,200000] [--runs N]

Target (issue 17, item 9): importing a JSONL file takes at most 3x the floor, and the peak
memory does not grow with the file (the same for 200,000 annotations as for 5,000, give or
take a few MB).

- The project: one long article (an 800,000-word text, ~5.6 MB) and three analysts.
- The file: its export (the document line with the text, then the annotations: claims,
  speakers and targets, every third claim with a said_by link to a speaker), as `annotator
  export --format jsonl` writes it.
- Floor: `json.loads` of every line, then one plain `executemany` INSERT of the same
  annotation rows (ids of analysts and labels looked up in dicts) into the same table, in
  one transaction, in a copy of the same project.
- Ours: `import_annotation_file`, what `annotator import-annotations` calls (reading, checks,
  placement, re-anchoring, history, links), in another copy of the same project.

Each run is a child process, which reports its time (wall clock, and the CPU time it used)
and its peak resident memory (VmHWM on Linux, else `ru_maxrss`); the fastest of `--runs` runs
of each is compared, on the wall clock. On a busy machine the CPU times say more: both are
printed. Prints PASS/MISS, exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

TARGET = 3.0
WORDS = str.split(
    "the of and to in a that is for on with as was by said will not but their government "
    "minister defence cooperation security region partnership military agreement talks visit "
    "official state country nation president foreign policy relations economic trade energy "
    "pipeline stability peace conflict sanctions external forces sovereignty strategic mutual "
    "Beijing Astana Almaty Moscow «Қазақстан» 中国 naïve café"
)
ANALYSTS = ("Ana", "Olga Petrova", "Zoë")
LABELS = {"claim": "Claim", "speaker": "Speaker", "target": "Target"}
TEXT_WORDS = 800_000


def make_text() -> str:
    rng = random.Random(17)
    words = [rng.choice(WORDS) for _ in range(TEXT_WORDS)]
    for i in range(60, len(words), 61):
        words[i] += ".\n"
    return " ".join(words).replace("\n ", "\n")


def build_project(path: Path, text: str) -> str:
    """The project with the article; returns the document's id."""
    from annotator.core.importing.report import ExtractedDocument, ImportReport
    from annotator.core.store import Store

    with Store.open(path) as store:
        for name in ANALYSTS:
            store.ensure_analyst(name)
        report = ImportReport("article.txt", "text", "utf-8", False)
        extracted = ExtractedDocument(Path("article.txt"), "A long article", text, None, report)
        return store.documents.add(extracted, analyst_id=None)[0].id


def write_file(path: Path, size: int, text: str, doc_id: str) -> None:
    """An export of `size` annotations of the article (the document line carries the text)."""
    rng = random.Random(size)
    starts = [i + 1 for i, ch in enumerate(text) if ch == " "]
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()

    def line(record: dict[str, object]) -> str:
        return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    speakers: list[str] = []
    with path.open("w", encoding="utf-8", newline="\n") as out:
        head = {
            "type": "document", "id": doc_id, "title": "A long article", "source": "article.txt",
            "published": None, "imported_at": "2024-01-01T00:00:00.000Z", "text_sha256": sha,
            "outlet": "", "author": "", "url": "", "language": "", "page_starts": [],
            "text": text,
        }  # fmt: skip
        out.write(line(head) + "\n")
        for n in range(size):
            role = ("claim", "claim", "speaker", "target")[n % 4]
            length = {"claim": 8, "speaker": 2, "target": 1}[role]
            word = rng.randrange(len(starts) - length)
            start, end = starts[word], starts[word + length] - 1
            ann_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            stamp = f"2024-{1 + n % 12:02}-{1 + n % 28:02}T10:00:00.000Z"
            links = []
            if role == "speaker":
                speakers.append(ann_id)
            elif role == "claim" and speakers and n % 3 == 0:
                links.append(
                    {
                        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "kind": "said_by",
                        "target_id": speakers[-1],
                        "name": None,
                        "analyst": ANALYSTS[0],
                        "created": stamp,
                    }
                )
            record = {
                "type": "annotation", "id": ann_id, "document_id": doc_id,
                "analyst": ANALYSTS[n % len(ANALYSTS)], "label": LABELS[role],
                "label_role": role, "start": start, "end": end, "quote": text[start:end],
                "prefix": text[max(0, start - 32) : start], "suffix": text[end : end + 32],
                "sentiment": rng.choice(("positive", "negative", None)), "speaker_name": None,
                "note": "", "created": stamp, "modified": stamp, "links": links,
            }  # fmt: skip
            out.write(line(record) + "\n")


def copy_project(source: Path, target: Path) -> None:
    """A fresh copy through SQLite's backup API (never a file copy of a project)."""
    target.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


# -- the child processes ------------------------------------------------------------------------


def floor(db: Path, file: Path) -> int:
    from annotator.core.store.connection import open_connection

    conn = open_connection(db, create=False)  # the project's own settings (WAL, foreign keys)
    analysts = dict(conn.execute("SELECT name, id FROM analysts").fetchall())
    labels = dict(conn.execute("SELECT name, id FROM labels").fetchall())
    conn.execute("BEGIN IMMEDIATE")
    rows = []
    count = 0

    def insert() -> None:
        conn.executemany(
            'INSERT INTO annotations (id, document_id, analyst_id, label_id, start, "end", '
            "quote, prefix, suffix, sentiment, speaker_name, note, created, modified) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        rows.clear()

    with file.open(encoding="utf-8") as lines:
        for raw in lines:
            r = json.loads(raw)
            if r["type"] != "annotation":
                continue
            rows.append(
                (
                    r["id"], r["document_id"], analysts[r["analyst"]], labels[r["label"]],
                    r["start"], r["end"], r["quote"], r["prefix"], r["suffix"],
                    r["sentiment"], r["speaker_name"], r["note"], r["created"], r["modified"],
                )
            )  # fmt: skip
            count += 1
            if len(rows) == 2000:
                insert()
    insert()
    conn.execute("COMMIT")
    conn.close()
    return count


def ours(db: Path, file: Path) -> int:
    from annotator.core.interchange import import_annotation_file
    from annotator.core.store import Store

    with Store.open(db, create=False) as store:
        report = import_annotation_file(store, file, analyst_fallback="Me")
    assert report.complete, report.summary()[:2000]
    return report.added


def peak_kb() -> int:
    """This process's peak resident memory. On Linux from /proc (`ru_maxrss` would carry the
    parent's peak over from before the exec)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (line,) = [x for x in status.splitlines() if x.startswith("VmHWM:")]
    return int(line.split()[1])


def child(kind: str, db: Path, file: Path) -> None:
    import annotator.core.interchange  # noqa: F401  (both pay for the same imports)
    import annotator.core.store  # noqa: F401

    base = peak_kb()
    started, cpu = time.perf_counter(), time.process_time()
    count = (floor if kind == "floor" else ours)(db, file)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = peak_kb()
    print(
        json.dumps(
            {"seconds": seconds, "cpu": cpu, "count": count, "base_kb": base, "peak_kb": peak}
        )
    )


def measure(kind: str, base: Path, db: Path, file: Path) -> dict[str, float]:
    copy_project(base, db)
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(db), str(file)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="5000,50000,200000")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "DB", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="annotator-import-bench-") as scratch:
        tmp = Path(scratch)
        text = make_text()
        base = tmp / "base.sqlite"
        doc_id = build_project(base, text)
        print(f"Project: one article of {len(text):,} characters")
        for size in sizes:
            file = tmp / f"{size}.jsonl"
            write_file(file, size, text, doc_id)
            results: dict[str, list[dict[str, float]]] = {"floor": [], "ours": []}
            for _ in range(args.runs):
                for kind in results:
                    result = measure(kind, base, tmp / f"{kind}.sqlite", file)
                    assert result["count"] == size, result
                    results[kind].append(result)
            best = {k: min(r, key=lambda x: x["seconds"]) for k, r in results.items()}
            peak = {k: max(x["peak_kb"] for x in r) / 1024 for k, r in results.items()}
            start = {k: min(x["base_kb"] for x in r) / 1024 for k, r in results.items()}
            cpu = {k: min(x["cpu"] for x in r) for k, r in results.items()}
            ratio = best["ours"]["seconds"] / best["floor"]["seconds"]
            verdicts.append(ratio <= TARGET)
            print(
                f"{size:>8,} annotations ({file.stat().st_size / 2**20:.0f} MiB): "
                f"floor {best['floor']['seconds']:.2f} s (CPU {cpu['floor']:.2f} s, peak "
                f"{peak['floor']:.0f} MB), import-annotations {best['ours']['seconds']:.2f} s "
                f"(CPU {cpu['ours']:.2f} s, peak {peak['ours']:.0f} MB): {ratio:.2f}x "
                f"(CPU {cpu['ours'] / cpu['floor']:.2f}x); {start['ours']:.0f} MB after imports"
            )
            file.unlink()
    verdict = "PASS" if all(verdicts) else "MISS"
    print(f"Target at most {TARGET}x the floor at every size: {verdict}")


if __name__ == "__main__":
    main()
