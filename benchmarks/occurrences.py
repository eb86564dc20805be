""" "Tag every occurrence" benchmark: the preview over 10,000 articles and 1,000,000 annotations.

Usage:
    .venv/bin/python benchmarks/occurrences.py [--runs N] [--quick]

Target (issue 12): the preview of every occurrence of a name or phrase (with context, whether
each is tagged already) takes at most 200 ms.

The corpus is benchmarks/search.py's (10,000 articles in six scripts, 1,000,000 annotations,
"Baikonur" planted in exactly 5% of them), copied with SQLite's backup API into this script's
own cache file, plus 200 articles naming Li Shangfu as "Minister of National Defense Li
Shangfu", "Gen. Li", "LI SHANGFU" and "Lǐ Shàngfú", with speaker spans of each form carrying his
canonical name (so that the preview looks for all four). Each preview stops at 1,000
occurrences (what the dialog lists); the figures include finding the speaker's forms.

Floors, measured in the same run: the FTS5 MATCH alone (the candidate documents' rowids) and
reading the candidates' texts (what any exact matching has to read). The script prints figures
and PASS/MISS and exits 0.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as search_bench  # noqa: E402  (benchmarks/search.py builds the corpus)
from bulk import insert_document  # noqa: E402
from corpus import make_text  # noqa: E402

from annotator.core.occurrences import find_occurrences, speaker_forms  # noqa: E402
from annotator.core.search.fts import term_match  # noqa: E402
from annotator.core.search.index import sync_index  # noqa: E402
from annotator.core.search.query import Term  # noqa: E402
from annotator.core.session import Session  # noqa: E402
from annotator.core.store import Store  # noqa: E402

GENERATION = 2
TARGET_MS = 200.0
FORMS = ("Minister of National Defense Li Shangfu", "Gen. Li", "LI SHANGFU", "Lǐ Shàngfú")
NAME = "Li Shangfu"  # not among the corpus's people, so its aliases are only these
NAMED = 200


def timed(action: Callable[[], object], runs: int) -> tuple[float, float, object]:
    result = action()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        result = action()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), max(samples), result


def prepare(documents: int, annotations: int) -> Path:
    source = search_bench.CACHE / (
        f"search-{documents}-{annotations}-g{search_bench.GENERATION}.sqlite"
    )
    ours = search_bench.CACHE / f"occurrences-{documents}-{annotations}-g{GENERATION}.sqlite"
    if ours.exists():
        return ours
    search_bench.CACHE.mkdir(parents=True, exist_ok=True)
    if not source.exists():
        print(f"Building the search benchmark's corpus in {source} …")
        search_bench.build(source, documents, annotations)
    print(f"Copying {source.name} (SQLite backup API) …")
    partial = ours.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    with Store.open(partial, create=False) as store:
        rng = random.Random(12)
        conn = store.conn
        conn.execute("BEGIN")
        ids = []
        for n in range(NAMED):
            words = make_text(rng, 3000).split(" ")
            for form in FORMS:
                words.insert(rng.randrange(len(words)), form + " said")
            text = " ".join(words)
            doc_id = f"li-{n:04}"
            insert_document(
                conn,
                id=doc_id,
                title=f"Li Shangfu {n}",
                source=f"named/{n}.txt",
                published=f"2022-{1 + n % 12:02}-01",
                imported_at="2024-01-01T00:00:00.000Z",
                text=text,
            )
            ids.append((doc_id, text))
        conn.execute("COMMIT")
        session = Session(store, store.ensure_analyst("Bench"))
        speaker = next(lb.id for lb in store.codebook.get().labels if lb.role == "speaker")
        for doc_id, text in ids[:20]:
            for form in FORMS:
                start = text.index(form)
                session.create_annotation(
                    document_id=doc_id,  # type: ignore[arg-type]
                    label_id=speaker,
                    start=start,
                    end=start + len(form),
                    speaker_name=NAME,
                )
        sync_index(store)
    partial.replace(ours)
    return ours


def floors(store: Store, forms: list[str], runs: int) -> tuple[float, float]:
    match = " OR ".join(term_match(Term(f, phrase=True), ("text",)).expr for f in forms)
    conn = store.conn

    def rowids() -> list[int]:
        return [
            r[0]
            for r in conn.execute(
                "SELECT rowid FROM search_documents WHERE search_documents MATCH ?", [match]
            )
        ]

    fts, _, found = timed(rowids, runs)
    rows = list(found)  # type: ignore[call-overload]

    def texts() -> int:
        marks = ",".join("?" * len(rows))
        sql = f"SELECT id, title, text FROM documents WHERE rowid IN ({marks})"
        return sum(len(r[2]) for r in conn.execute(sql, rows))

    read, _, _ = timed(texts, runs)
    return fts, read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="1,000 documents, 100,000 annotations")
    args = parser.parse_args()
    documents, annotations = (1_000, 100_000) if args.quick else (10_000, 1_000_000)
    db = prepare(documents, annotations)
    print(f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
    with Store.open(db, create=False) as store:
        sync_index(store)
        counts = store.conn.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM annotations)"
        ).fetchone()
        print(f"{counts[0]:,} documents, {counts[1]:,} annotations")
        cases = [
            ("Li Shangfu and his aliases (2% of documents)", [NAME], True),
            ("Baikonur (5% of the documents)", [search_bench.PLANTED], False),
            ("Wei Fenghe (in most documents)", ["Wei Fenghe"], False),
            ("Zhambylsky (one document)", [search_bench.UNIQUE], False),
        ]
        worst = 0.0
        for label, typed, aliases in cases:

            def preview(typed: list[str] = typed, aliases: bool = aliases) -> object:
                forms = speaker_forms(store, typed[0]) if aliases else typed
                return find_occurrences(store, forms)

            forms = speaker_forms(store, typed[0]) if aliases else typed
            median, slowest, hits = timed(preview, args.runs)
            fts, read = floors(store, forms, args.runs)
            worst = max(worst, median)
            count = len(hits)  # type: ignore[arg-type]
            print(
                f"  {label:<40} {median:7.1f} ms (slowest {slowest:6.1f}), {count:5} hits; "
                f"floors: FTS5 {fts:5.1f} ms, reading texts {read:5.1f} ms"
            )
        verdict = "PASS" if worst <= TARGET_MS else "MISS"
        print(f"Preview: slowest median {worst:.1f} ms, target ≤ {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
