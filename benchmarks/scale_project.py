"""The scale benchmark's project: 10,000 articles and 1,000,000 annotations, inserted in bulk.

Standard library only at the top: the benchmark's start measurements import this module, and
the empty window's floor must not pay for Annotator's imports (they load inside `build`).
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import tempfile
import uuid
from pathlib import Path

from bulk import insert_annotations, insert_document, insert_history, insert_links

CACHE = Path(tempfile.gettempdir()) / "annotator-benchmarks"
GENERATION = 1  # bump when the generated project changes, so stale caches are not reused
ANALYSTS = ("Ana Lima", "Olga Petrova", "Zoë Martin", "Mehmet Öz", "李雷", "Kwame Mensah")
#: Long reports with many annotations: the table filter is measured on the largest of them.
HEAVY = ((150_000, 5_000), (120_000, 4_000), (100_000, 3_000), (80_000, 2_000), (60_000, 1_000))
NOTES = ("", "", "", "", "check the source", "quoted from the ministry's statement", "see para 3")
SENTIMENTS = ("positive", "negative", "neutral", "mixed", None, None)
HEADLINE = (
    "talks",
    "visit",
    "pipeline",
    "summit",
    "sanctions",
    "security",
    "exercise",
    "trade",
    "election",
    "reform",
    "border",
    "investment",
)


def _title(rng: random.Random, index: int) -> str:
    from corpus import PEOPLE

    who = rng.choice(PEOPLE)
    what = rng.sample(HEADLINE, 2)
    return f"{who} on {what[0]} and {what[1]} ({index + 1})"


def _plan(documents: int, annotations: int, rng: random.Random) -> list[tuple[int, int]]:
    """(text length, annotation count) per document: a few long reports, the rest articles of
    realistic length (about 600-1,500 words) with 20-180 annotations each."""
    heavy = list(HEAVY[: min(len(HEAVY), documents // 100)])
    rest = documents - len(heavy)
    left = annotations - sum(n for _, n in heavy)
    counts = [rng.randint(20, 180) for _ in range(rest)]
    scale = left / max(1, sum(counts))
    counts = [max(1, round(c * scale)) for c in counts]
    counts[-1] += left - sum(counts)  # exactly `annotations` in all
    lengths = [int(min(12_000, max(2_500, rng.lognormvariate(8.6, 0.35)))) for _ in range(rest)]
    plan = list(zip(lengths, counts, strict=True)) + heavy
    rng.shuffle(plan)
    return plan


def build(path: Path, documents: int, annotations: int, seed: int = 20240101) -> None:
    """The project, inserted in bulk in one transaction (documents, annotations, links and
    their history rows), as a year of analysts' work would leave it."""
    from annotator.core.store import Store

    rng = random.Random(seed)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with Store.open(partial) as store:
        people = [store.ensure_analyst(name).id for name in ANALYSTS]
        reviewed = store.reviewed_layer().id
        codebook = store.codebook.get()
        labels = {label.name: label.id for label in codebook.labels}
        conn = store.conn
        conn.execute("BEGIN")
        for d, (length, count) in enumerate(_plan(documents, annotations, rng)):
            _add_document(conn, rng, d, length, count, people, reviewed, labels)
            if d % 1000 == 999:
                print(f"  {d + 1:,} documents", file=sys.stderr, flush=True)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    partial.replace(path)


def _add_document(
    conn: sqlite3.Connection,
    rng: random.Random,
    index: int,
    length: int,
    count: int,
    people: list[str],
    reviewed: str,
    labels: dict[str, str],
) -> None:
    from corpus import Words, make_text, plan_annotations

    from annotator.core.records import anchor

    text = make_text(rng, length)
    words = Words.of(text)
    doc_id = str(uuid.uuid4())
    day = 1 + index * 365 // max(1, 10_000)
    published = None if rng.random() < 0.05 else f"2023-{_month_day(day % 365)}"
    stamp = f"2023-{_month_day(day % 365)}T09:00:00.000Z"
    row = insert_document(
        conn,
        id=doc_id,
        title=_title(rng, index),
        source=f"https://news.example/{index:05}",
        published=published,
        imported_at=stamp,
        text=text,
    )
    history = [(stamp, None, "import", "document", doc_id, doc_id, None, json.dumps(row))]
    layers = rng.sample(people, rng.randint(1, 3)) + ([reviewed] if rng.random() < 0.1 else [])
    planned = plan_annotations(words, count, rng)
    rows = []
    for item in planned:
        start, end = words.starts[item.first], words.ends[item.last]
        quote, prefix, suffix = anchor(text, start, end)
        item.id = str(uuid.uuid4())
        record = (
            item.id,
            doc_id,
            rng.choice(layers),
            labels[item.label],
            start,
            end,
            quote,
            prefix,
            suffix,
            item.sentiment,
            item.speaker_name,
            rng.choice(NOTES) if item.label == "Claim" else "",
            stamp,
            stamp,
        )
        rows.append(record)
        after = dict(zip(_ANNOTATION_FIELDS, record, strict=True))
        history.append(
            (stamp, record[2], "create", "annotation", item.id, doc_id, None, json.dumps(after))
        )
    links = []
    for item, record in zip(planned, rows, strict=True):
        if item.parent is None or rng.random() < 0.3:
            continue
        kind = "said_by" if item.label == "Speaker" else "about"
        links.append(
            (str(uuid.uuid4()), planned[item.parent].id, kind, item.id, None, record[2], stamp)
        )
    # One link of each kind per claim, as the inspector keeps them.
    unique = list({(link[1], link[2]): link for link in links}.values())
    insert_annotations(conn, rows)
    insert_links(conn, unique)
    insert_history(conn, history)


_ANNOTATION_FIELDS = (
    "id",
    "document_id",
    "analyst_id",
    "label_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "sentiment",
    "speaker_name",
    "note",
    "created",
    "modified",
)


def _month_day(day_of_year: int) -> str:
    lengths = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    month = 0
    while day_of_year >= lengths[month]:
        day_of_year -= lengths[month]
        month += 1
    return f"{month + 1:02}-{day_of_year + 1:02}"
