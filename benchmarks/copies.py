"""Syndicated copies benchmark: finding the copies of one new article among 10,000.

Usage:
    .venv/bin/python benchmarks/copies.py [--documents N] [--runs N] [--rebuild] [--quick]

Target (the issue's): `note_copies` for one newly imported article — its signature, bringing
the in-memory matrix of signatures in line with the project, comparing the new signature with
every row, verifying the candidates on their texts, storing the signature (and the link) in one
transaction — takes at most 50 ms (median of `--runs` new articles, half of them copies of
articles in the corpus).

Floors and baselines, measured in the same run on the same file:
- an indexed SELECT of one document by its text hash (what the exact-duplicate check costs);
- brute force on the texts: exact Jaccard of the new article's shingles against every
  document's (read and shingled), the naive way to find copies without signatures;
- the comparison alone: the new signature against all 10,000 rows in one numpy comparison
  (the part of `note_copies` that grows with the project), and reading the signature blobs
  into one array with nothing else (the floor of loading the index).

Also printed: what the first search for copies in a process imports (timed in a child
process), the signature's cost per document at import (shingling + MinHash), the first use on
a project imported before copies were looked for (every signature computed and stored, in
batches), the time to load the index from the project (10,000 stored signatures into the
matrix, a new connection's first use) and its memory, traced with tracemalloc: what stays
allocated and the peak while loading.

The corpus: English news-like articles of 2,500-12,000 characters from benchmarks/corpus.py's
word lists plus a per-topic vocabulary (60 topics of 300 invented words each, Zipf-weighted),
5 % Chinese articles (words of 1-3 characters drawn from 3,000 ideographs), agency boilerplate
paragraphs and quotations shared between articles (as real wires share them), and 3 % real
copies (another outlet's header, a paragraph or two trimmed, words edited). Built once with
bulk inserts (no signatures: a project from before this feature) and cached in the temporary
folder's `annotator-benchmarks`; each run measures on a scratch copy. Prints figures and
PASS/MISS; exits 0.
"""

from __future__ import annotations

import argparse
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

from bulk import insert_document
from corpus import FUNCTION_WORDS, PEOPLE, PLACES

from annotator.core.copies import note_copies
from annotator.core.copies.found import Similarity
from annotator.core.copies.shingling import shingles
from annotator.core.copies.signatures import index, sign_text
from annotator.core.importing import ExtractedDocument, ImportReport
from annotator.core.records import DocumentId
from annotator.core.store import Store

TARGET_MS = 50.0
CACHE = Path(tempfile.gettempdir()) / "annotator-benchmarks"
GENERATION = 2  # bump when the generated corpus changes, so stale caches are not reused
TOPICS = 60
TOPIC_WORDS = 300
SYLLABLES = tuple(c + v for c in "bdfghklmnprstvz" for v in "aeiou")
BOILERPLATE = tuple(
    f"This article was first published by {outlet}. It may be republished free of charge "
    f"with credit to {outlet}; photographs are not included in this licence. For questions "
    "about the content of this report, contact the editorial desk through our website."
    for outlet in ("Xinhua", "TASS", "Global Times", "Anadolu", "Kazinform", "CGTN", "RIA")
)
OUTLETS = ("Steppe Gazette", "Central Asia Wire", "Daily Courier", "Eurasia Review", "Morning Post")


def _lexicon(rng: random.Random) -> list[tuple[str, ...]]:
    """Per topic, TOPIC_WORDS invented words (two to four syllables)."""
    return [
        tuple(
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            for _ in range(TOPIC_WORDS)
        )
        for _ in range(TOPICS)
    ]


def _zipf_weights(n: int) -> list[float]:
    return [1 / (rank + 1) for rank in range(n)]


class Writer:
    """Generates articles: function words, the topic's Zipf-distributed vocabulary, names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lexicon = _lexicon(rng)
        self.weights = _zipf_weights(TOPIC_WORDS)
        self.quotes = [self.sentence(rng.randrange(TOPICS), 14) for _ in range(400)]
        self.ideographs = [chr(0x4E00 + i) for i in rng.sample(range(0x5000), 3000)]

    def sentence(self, topic: int, words: int) -> str:
        rng = self.rng
        vocabulary = self.lexicon[topic]
        picks = rng.choices(vocabulary, self.weights, k=words)
        tokens = []
        for i in range(words):
            r = rng.random()
            if r < 0.5:
                tokens.append(rng.choice(FUNCTION_WORDS))
            elif r < 0.54:
                tokens.append(rng.choice(PLACES))
            elif r < 0.56:
                tokens.append(rng.choice(PEOPLE))
            else:
                tokens.append(picks[i])
        tokens[0] = tokens[0][:1].upper() + tokens[0][1:]
        return " ".join(tokens) + "."

    def article(self, chars: int) -> str:
        rng = self.rng
        if rng.random() < 0.05:
            return self.chinese(chars // 3)
        topic = rng.randrange(TOPICS)
        paragraphs: list[str] = []
        total = 0
        while total < chars:
            sentences = [self.sentence(topic, rng.randint(8, 28)) for _ in range(rng.randint(2, 6))]
            if rng.random() < 0.1:
                sentences.append(f"“{rng.choice(self.quotes)}” said {rng.choice(PEOPLE)}.")
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            total += len(paragraph) + 2
        if rng.random() < 0.3:
            paragraphs.append(rng.choice(BOILERPLATE))
        return "\n\n".join(paragraphs)

    def chinese(self, chars: int) -> str:
        rng = self.rng
        paragraphs: list[str] = []
        total = 0
        while total < chars:
            sentence = "".join(
                "".join(rng.choices(self.ideographs[:600] if rng.random() < 0.6 else
                                    self.ideographs, k=rng.randint(1, 3)))
                for _ in range(rng.randint(60, 160))
            )  # fmt: skip
            paragraphs.append(sentence + "。")
            total += len(sentence) + 3
        return "\n\n".join(paragraphs)

    def copy(self, text: str) -> str:
        """Another outlet's version: its header, the last paragraph or two cut, words edited."""
        rng = self.rng
        paragraphs = text.split("\n\n")
        keep = max(2, len(paragraphs) - rng.randint(0, 2))
        body = "\n\n".join(paragraphs[:keep])
        spaced = " " in body
        # Words edited (one in 150), or characters (one in 300) in a Chinese article.
        units = body.split(" ") if spaced else list(body)
        for _ in range(max(1, len(units) // (150 if spaced else 300))):
            at = rng.randrange(len(units))
            units[at] = rng.choice(FUNCTION_WORDS) if spaced else rng.choice(self.ideographs)
        header = f"{rng.choice(OUTLETS)} — {rng.choice(PLACES)}\n\nBy our correspondent"
        return header + "\n\n" + (" " if spaced else "").join(units)


def _length(rng: random.Random) -> int:
    return int(min(12_000, max(2_500, rng.lognormvariate(8.6, 0.35))))


def build(path: Path, documents: int, rng: random.Random, writer: Writer) -> None:
    """The corpus in one transaction with bulk inserts; no signatures (a project from before)."""
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with Store.open(partial) as store:
        conn = store.conn
        conn.execute("BEGIN")
        texts: list[str] = []
        for d in range(documents):
            if texts and rng.random() < 0.03:
                text = writer.copy(rng.choice(texts))
            else:
                text = writer.article(_length(rng))
            texts.append(text)
            day = 1 + d * 365 // documents
            insert_document(
                conn,
                id=str(uuid.uuid4()),
                title=f"Article {d + 1}",
                source=f"https://news.example/{d:05}",
                published=f"2023-{1 + (day - 1) // 31 % 12:02}-{1 + (day - 1) % 28:02}",
                imported_at=f"2023-01-01T09:00:{d % 60:02}.000Z",
                text=text,
            )
            if d % 2000 == 1999:
                print(f"  {d + 1:,} documents", file=sys.stderr, flush=True)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    partial.replace(path)


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    action()  # warm
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times)


def extracted(title: str, text: str) -> ExtractedDocument:
    report = ImportReport(f"{title}.txt", "text", "utf-8", False)
    return ExtractedDocument(Path(f"{title}.txt"), title, text, None, report)


def _first_import() -> float:
    """Seconds a fresh interpreter takes to import the copies finder and sign a first text
    (beyond importing the store, which an import has loaded already)."""
    code = (
        "import time\n"
        "import annotator.core.store\n"
        "began = time.perf_counter()\n"
        "from annotator.core.copies.signatures import sign_text\n"
        "sign_text('one two three four five six')\n"
        "print(time.perf_counter() - began)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached corpus")
    parser.add_argument("--quick", action="store_true", help="1,000 documents")
    args = parser.parse_args()
    if args.quick:
        args.documents = 1_000
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"copies-{args.documents}-g{GENERATION}.sqlite"
    rng = random.Random(20240314)
    writer = Writer(rng)
    if args.rebuild or not cached.exists():
        print(f"Building {args.documents:,} documents in {cached} …")
        began = time.perf_counter()
        build(cached, args.documents, rng, writer)
        print(f"  built in {time.perf_counter() - began:.1f} s")
    print(
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.machine()} {platform.system()}"
    )
    print(f"Importing what signing needs (once per process): {_first_import():.2f} s")
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        db = Path(scratch) / "copies.sqlite"
        shutil.copy(cached, db)  # the cached file is closed: no connection to it here
        measure(db, args.runs, rng, writer)


def measure(db: Path, runs: int, rng: random.Random, writer: Writer) -> None:
    with Store.open(db, create=False) as store:
        conn = store.conn
        rows = conn.execute("SELECT id, text, text_hash FROM documents").fetchall()
        texts = {DocumentId(r[0]): r[1] for r in rows}
        hashes = [r[2] for r in rows]
        chars = statistics.mean(len(t) for t in texts.values())
        print(f"{len(texts):,} documents, {chars:,.0f} characters on average")

        sample = list(texts.values())[:300]
        began = time.perf_counter()
        for text in sample:
            sign_text(text)
        per_doc = (time.perf_counter() - began) * 1000 / len(sample)
        print(
            f"\nAt import: a document's signature (5-word shingles, MinHash of 128): "
            f"{per_doc:.2f} ms per document"
        )

        began = time.perf_counter()
        index(store)
        backfill = time.perf_counter() - began
        print(
            f"First use on a project from before (signing {len(texts):,} documents, stored "
            f"in batches): {backfill:.1f} s"
        )

    with Store.open(db, create=False) as store:
        tracemalloc.start()
        index(store)
        size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"Memory of the index (signature matrix and ids, traced): {size / 1e6:.1f} MB "
            f"(peak while loading {peak / 1e6:.1f} MB)"
        )

    loads = []
    for _ in range(5):
        with Store.open(db, create=False) as store:
            began = time.perf_counter()
            index(store)
            loads.append((time.perf_counter() - began) * 1000)
    with Store.open(db, create=False) as store:
        began = time.perf_counter()
        known = index(store)
        loads.append((time.perf_counter() - began) * 1000)
        print(
            f"Loading the index from the project ({len(known):,} stored signatures into the "
            f"matrix, a new connection's first use): {statistics.median(loads):.0f} ms "
            f"(median of {len(loads)})"
        )
        news, expected = [], []
        pool = list(texts.items())
        for i in range(runs + 1):
            if i % 2 == 0:
                original_id, original = rng.choice(pool)
                news.append(writer.copy(original))
                expected.append(original_id)
            else:
                news.append(writer.article(_length(rng)))
                expected.append(None)
        times, candidates, wrong = [], [], 0
        for i, (text, wanted) in enumerate(zip(news, expected, strict=True)):
            doc_id = store.documents.add(extracted(f"New {i}", text), analyst_id=None)[0].id
            began = time.perf_counter()
            found = note_copies(store, doc_id)
            elapsed = (time.perf_counter() - began) * 1000
            if i:  # the first is a warm-up
                times.append(elapsed)
            signature = known.signature(doc_id)
            assert signature is not None
            candidates.append(len(known.candidates(signature)) - 1)
            # A copy of a corpus article must be found (linked to it or to a corpus copy of
            # it: the bulk-built corpus has no links), a new article must not be.
            wrong += (found is None) if wanted is not None else (found is not None)
        median = statistics.median(times)
        verdict = "PASS" if median <= TARGET_MS else "MISS"
        print(
            f"\nFinding the copies of one new article among {len(texts):,} "
            f"(median of {len(times)}): {median:.1f} ms (slowest {max(times):.1f})  "
            f"target ≤ {TARGET_MS:.0f} ms: {verdict}"
        )
        print(
            f"  Candidates per article: {statistics.mean(candidates):.1f} on average; "
            f"{wrong} wrong answer(s) of {len(news)} (copies not found or novel ones linked)"
        )

        probe = hashes[len(hashes) // 2]
        select, _ = timed(
            lambda: store.conn.execute(
                "SELECT id FROM documents WHERE text_hash = ?", [probe]
            ).fetchone(),
            runs,
        )
        print(f"Floor: one indexed SELECT of a document by its text hash: {select:.3f} ms")

        import numpy as np

        began = time.perf_counter()
        blobs = [
            bytes(r[0]) for r in store.conn.execute("SELECT signature FROM document_signatures")
        ]
        matrix = np.frombuffer(b"".join(b[4:] for b in blobs), dtype="<u4").reshape(len(blobs), -1)
        load = (time.perf_counter() - began) * 1000
        _own, signature = sign_text(news[0])
        scan, _ = timed(lambda: (matrix == signature.values).mean(axis=1).argmax(), runs)
        print(
            f"Floor: the new signature against every stored one (one numpy comparison): "
            f"{scan:.1f} ms; the {len(blobs):,} blobs read into one array, nothing else: "
            f"{load:.0f} ms"
        )

        own = shingles(news[0])
        began = time.perf_counter()
        best = 0.0
        for (text,) in store.conn.execute(
            "SELECT text FROM documents WHERE title NOT LIKE 'New %'"  # the corpus only
        ):
            best = max(best, Similarity.of(own, shingles(text)).jaccard)
        brute = time.perf_counter() - began
        print(
            f"Brute force on the texts (exact Jaccard against all {len(texts):,}): "
            f"{brute * 1000:,.0f} ms (best Jaccard {best:.2f})"
        )


if __name__ == "__main__":
    main()
