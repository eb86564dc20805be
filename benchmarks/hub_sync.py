"""Team hub sync at scale, on a private PostgreSQL server (as the hub tests start it).

1. Clone: a hub of ANALYSTS × PER_ANALYST annotations (default 50 × 20,000 = 1,000,000) over
   DOCUMENTS articles, in threes: a speaker span and two claims, each claim linked to the
   speaker (said_by) and to a named target (about), so 1,333,300 links; cloned into an empty
   project by one analyst's login (target ≤ 60 s). Floor: the same annotations and links read
   with COPY and written with executemany into bare SQLite tables (no indexes, triggers or
   history). Also printed: the first search's indexing of what the clone brought (a search
   brings the search index up to date first; a sync does not).
2. Incremental: 1,000 own edits sent, then 1,000 colleague's edits received (target ≤ 1 s
   each). Floor: the same 1,000 rows updated on the hub with one executemany.
3. Load: PROJECTS (default 20) projects of their own analysts, each with LOAD_EACH
   annotations, syncing at once (separate processes), twice; checked: no errors, every
   project ends with every annotation, none lost or twice.

    python benchmarks/hub_sync.py [--analysts 50 --per-analyst 20000 --projects 20]
                                  [--no-links] [--store-floor]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import psycopg  # noqa: E402
from hub_server import PostgresServer, server_binaries  # noqa: E402

from annotator.core.hub import grant, init_hub  # noqa: E402
from annotator.core.hub.sync import sync  # noqa: E402
from annotator.core.records import now_iso  # noqa: E402
from annotator.core.store import Store  # noqa: E402

PASSWORD = "bench-password-1"
WORDS = ("the", "minister", "said", "that", "talks", "would", "resume", "after", "the", "summit")
COLUMNS = (
    'id, document_id, analyst_id, label_id, start, "end", quote, prefix, suffix, '
    "sentiment, note, created, modified"
)


def _text(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)


def _login_url(server: PostgresServer, database: str, login: str) -> str:
    """The login's address without password (PGPASSWORD gives it)."""
    return f"postgresql://{login}@127.0.0.1:{server.port}/{database}?sslmode=disable"


def build_hub(
    server: PostgresServer,
    database: str,
    analysts: int,
    per: int,
    documents: int,
    *,
    with_links: bool = True,
) -> tuple[list[str], list[str]]:
    """A hub with `analysts` analysts (logins a00, a01, …) of `per` annotations each, written
    with COPY as the admin. Returns (analyst ids, document ids)."""
    rng = random.Random(7)
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    admin = server.url(database)
    with psycopg.connect(admin, autocommit=True) as conn:
        init_hub(conn)
        analyst_ids = [str(uuid.uuid4()) for _ in range(analysts)]
        for i, ident in enumerate(analyst_ids):
            login = f"a{i:02d}"
            grant(conn, login, PASSWORD, False)
            conn.execute(
                "INSERT INTO annotator_hub.analysts (id, name, role_name) VALUES (%s, %s, %s)",
                [ident, f"Analyst {i:02d}", login],
            )
        labels = {name: str(uuid.uuid4()) for name in ("Claim", "Speaker")}
        for position, (name, ident) in enumerate(labels.items()):
            conn.execute(
                "INSERT INTO annotator_hub.labels (id, name, role, color, position) "
                "VALUES (%s, %s, %s, '#f2c14e', %s)",
                [ident, name, name.lower(), position],
            )
        texts = [_text(rng, 3000) for _ in range(documents)]
        doc_ids = [str(uuid.uuid4()) for _ in range(documents)]
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY annotator_hub.documents (id, text_sha256, title, text, added_by) FROM STDIN"
            ) as copy,
        ):
            import hashlib

            for i, (ident, text) in enumerate(zip(doc_ids, texts, strict=True)):
                digest = hashlib.sha256(text.encode()).hexdigest()
                copy.write_row((ident, digest, f"Article {i}", text, analyst_ids[0]))
        stamp = now_iso()
        links: list[tuple[object, ...]] = []
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY annotator_hub.annotations ({COLUMNS}) FROM STDIN") as copy,
        ):
            for a, analyst in enumerate(analyst_ids):
                speaker = ""
                for n in range(per):
                    # In threes, in one document: a speaker span, then two claims, each said
                    # by that speaker and about a named target.
                    d = (a * per + n) // 3 % documents
                    text = texts[d]
                    start = rng.randrange(0, len(text) - 60)
                    end = start + rng.randrange(5, 50)
                    ident = str(uuid.uuid4())
                    role = "Speaker" if n % 3 == 0 else "Claim"
                    copy.write_row((
                        ident, doc_ids[d], analyst, labels[role], start, end,
                        text[start:end], text[max(0, start - 32):start], text[end:end + 32],
                        None, "", stamp, stamp,
                    ))  # fmt: skip
                    if role == "Speaker":
                        speaker = ident
                    elif with_links:
                        links.append(
                            (str(uuid.uuid4()), ident, "said_by", speaker, None, analyst, stamp)
                        )
                        links.append(
                            (str(uuid.uuid4()), ident, "about", None, f"T{n % 40}", analyst, stamp)
                        )
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY annotator_hub.links (id, source_id, kind, target_id, name, analyst_id, "
                "created) FROM STDIN"
            ) as copy,
        ):
            for link in links:
                copy.write_row(link)
        conn.execute("ANALYZE")
    return analyst_ids, doc_ids


def clone_floor(admin: str, path: Path) -> float:
    """COPY the annotations out, executemany them into a bare SQLite table."""
    start = time.perf_counter()
    target = sqlite3.connect(path)
    target.execute(
        'CREATE TABLE annotations (id, document_id, analyst_id, label_id, start, "end", quote, '
        "prefix, suffix, sentiment, note, created, modified, row_version)"
    )
    with psycopg.connect(admin) as conn, conn.cursor() as cur:
        rows: list[tuple[object, ...]] = []
        with cur.copy(f"COPY annotator_hub.annotations ({COLUMNS}, row_version) TO STDOUT") as c:
            for row in c.rows():
                rows.append(row)
                if len(rows) >= 50_000:
                    target.executemany(f"INSERT INTO annotations VALUES ({'?, ' * 13}?)", rows)
                    rows.clear()
        target.executemany(f"INSERT INTO annotations VALUES ({'?, ' * 13}?)", rows)
        target.execute("CREATE TABLE links (id, source_id, kind, target_id, name, analyst_id)")
        with cur.copy(
            "COPY annotator_hub.links (id, source_id, kind, target_id, name, analyst_id) TO STDOUT"
        ) as c:
            target.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?)", c.rows())
    target.commit()
    target.close()
    return time.perf_counter() - start


def store_floor(admin: str, path: Path) -> float:
    """The same annotations through the project's own bulk path (`AnnotationWriter`: the
    project's indexes, search-queue triggers and history), with the documents first."""
    from annotator.core.store.bulk import AnnotationWriter
    from annotator.core.store.documents import text_hash

    store = Store.open(path)
    with psycopg.connect(admin) as conn:
        docs = conn.execute("SELECT id, title, text FROM annotator_hub.documents").fetchall()
        analysts = conn.execute("SELECT id, name FROM annotator_hub.analysts").fetchall()
        label = store.codebook.get().by_name("Claim").id
        start = time.perf_counter()
        with store.transaction():
            for ident, name in analysts:
                if ident != "reviewed":
                    store.conn.execute(
                        "INSERT INTO analysts (id, name, created) VALUES (?, ?, ?)",
                        [ident, name, now_iso()],
                    )
            store.conn.executemany(
                "INSERT INTO documents (id, title, source, imported_at, text, text_hash, "
                "char_count) VALUES (?, ?, '', ?, ?, ?, ?)",
                [(d, t, now_iso(), x, text_hash(x), len(x)) for d, t, x in docs],
            )
            writer = AnnotationWriter(store, analyst_id=None)
            from annotator.core.records import Annotation

            with (
                conn.cursor() as cur,
                cur.copy(f"COPY annotator_hub.annotations ({COLUMNS}) TO STDOUT") as copy,
            ):
                for r in copy.rows():
                    writer.put(
                        Annotation(r[0], r[1], r[2], label, int(r[4]), int(r[5]), r[6], r[7],
                                   r[8], None, None, r[10], r[11], r[12]),
                        before=None,
                    )  # fmt: skip
            writer.flush()
        took = time.perf_counter() - start
    store.close()
    return took


def incremental(store: Store, server: PostgresServer, database: str, colleague: str) -> None:
    """1,000 own edits sent; 1,000 of a colleague's edits received."""
    me = store.conn.execute("SELECT analyst_id FROM hub_sync").fetchone()[0]
    own = [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM annotations WHERE analyst_id = ? LIMIT 1000", [me]
        )
    ]
    from annotator.core.store.bulk import AnnotationWriter

    with store.transaction():
        writer = AnnotationWriter(store, analyst_id=me)  # type: ignore[arg-type]
        for ident in own:
            before = store.annotations.get(ident)
            writer.put(
                dataclasses.replace(before, note="checked", modified=now_iso()), before=before
            )
        writer.flush()
    start = time.perf_counter()
    report = sync(store, None, None)
    took = time.perf_counter() - start
    print(f"  send 1,000 own edits: {took:6.2f} s (target ≤ 1 s)  sent {report.sent}")
    admin = server.url(database)
    with psycopg.connect(admin) as conn:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM annotator_hub.annotations WHERE analyst_id = %s LIMIT 1000",
                [colleague],
            )
        ]
        start = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(
                "UPDATE annotator_hub.annotations SET note = 'seen' WHERE id = %s",
                [(i,) for i in ids],
            )
        conn.commit()
        floor = time.perf_counter() - start
    start = time.perf_counter()
    report = sync(store, None, None)
    took = time.perf_counter() - start
    print(f"  receive 1,000 edits:  {took:6.2f} s (target ≤ 1 s)  received {report.received}")
    print(f"  floor (1,000 updates on the hub, one executemany): {floor:6.2f} s")


_LOAD_CHILD = """
import sys
from annotator.core.hub.sync import sync
from annotator.core.store import Store
with Store.open(sys.argv[1], create=False) as store:
    report = sync(store, sys.argv[2], sys.argv[3])
print(report.sent, report.received, len(report.conflicts))
"""


def load(server: PostgresServer, projects: int, each: int, folder: Path) -> None:
    database = "hub_load"
    rng = random.Random(3)
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    with psycopg.connect(server.url(database), autocommit=True) as conn:
        init_hub(conn)
        grant(conn, "lead", PASSWORD, True)
        for i in range(projects):
            grant(conn, f"p{i:02d}", PASSWORD, False)
    lead = folder / "lead.db"
    sync(Store.open(lead), _login_url(server, database, "lead"), "Lead")  # the codebook
    paths = []
    text = _text(rng, 20_000)
    for i in range(projects):
        path = folder / f"p{i:02d}.db"
        with Store.open(path) as store:
            from annotator.core.importing import ExtractedDocument, ImportReport
            from annotator.core.store.bulk import AnnotationWriter

            report = ImportReport("a.txt", "text", "utf-8", False, [], [])
            doc, _ = store.documents.add(
                ExtractedDocument(Path("a.txt"), "Shared", text, None, report), analyst_id=None
            )
            me = store.ensure_analyst(f"Analyst p{i:02d}")
            claim = store.codebook.get().by_name("Claim").id
            with store.transaction():
                writer = AnnotationWriter(store, analyst_id=me.id)
                for _ in range(each):
                    s = rng.randrange(0, len(text) - 40)
                    writer.put(
                        store.annotations.new(
                            document_id=doc.id, analyst_id=me.id, label_id=claim, start=s,
                            end=s + 20,
                        ),
                        before=None,
                    )  # fmt: skip
                writer.flush()
        paths.append(path)
    env = {**os.environ, "PGPASSWORD": PASSWORD}
    start = time.perf_counter()
    failures = 0
    for _round in range(2):
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _LOAD_CHILD,
                    str(p),
                    _login_url(server, database, f"p{i:02d}"),
                    f"Analyst p{i:02d}",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for i, p in enumerate(paths)
        ]
        for child in children:
            out, err = child.communicate(timeout=600)
            if child.returncode != 0:
                failures += 1
                print("  a sync failed:", err.strip().splitlines()[-1:] or out)
    took = time.perf_counter() - start
    with psycopg.connect(server.url(database)) as conn:
        row = conn.execute("SELECT count(*), count(DISTINCT id) FROM annotator_hub.annotations")
        on_hub = row.fetchone()
    counts = []
    for p in paths:
        db = sqlite3.connect(p)
        counts.append(db.execute("SELECT count(*) FROM annotations").fetchone()[0])
        db.close()
    expected = projects * each
    complete = sum(1 for c in counts if c == expected)
    print(
        f"  {projects} projects × {each} annotations, all syncing at once, twice: "
        f"{took:6.1f} s, {failures} failed; hub {on_hub[0]} rows ({on_hub[1]} ids) of "
        f"{expected}; {complete}/{projects} projects hold all {expected}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--analysts", type=int, default=50)
    parser.add_argument("--per-analyst", type=int, default=20_000)
    parser.add_argument("--documents", type=int, default=5_000)
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--load-each", type=int, default=1_000)
    parser.add_argument(
        "--no-links", action="store_true", help="annotations only, no links between them"
    )
    parser.add_argument(
        "--store-floor",
        action="store_true",
        help="also time the annotations through the project's own bulk writer (minutes)",
    )
    args = parser.parse_args()
    bindir = server_binaries()
    if bindir is None:
        sys.exit("The benchmark needs the PostgreSQL server: apt-get install postgresql")
    os.environ["PGPASSWORD"] = PASSWORD
    server = PostgresServer(bindir)
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
            folder = Path(tmp)
            total = args.analysts * args.per_analyst
            start = time.perf_counter()
            analysts, _docs = build_hub(
                server, "hub_bench", args.analysts, args.per_analyst, args.documents,
                with_links=not args.no_links,
            )  # fmt: skip
            built = time.perf_counter() - start
            print(f"Hub of {args.analysts} × {args.per_analyst:,} = {total:,} annotations, "
                  f"{args.documents:,} documents, built in {built:.1f} s")  # fmt: skip
            floor = clone_floor(server.url("hub_bench"), folder / "floor.db")
            floor_store = (
                store_floor(server.url("hub_bench"), folder / "floor-store.db")
                if args.store_floor
                else None
            )
            store = Store.open(folder / "clone.db")
            start = time.perf_counter()
            report = sync(store, _login_url(server, "hub_bench", "a00"), "Analyst 00")
            took = time.perf_counter() - start
            count = store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
            links = store.conn.execute("SELECT count(*) FROM links").fetchone()[0]
            print("Clone (first sync of an empty project):")
            print(f"  sync:  {took:6.1f} s (target ≤ 60 s), {count:,} annotations and "
                  f"{links:,} links, received {report.received:,}")  # fmt: skip
            from annotator.core.search import sync_index

            start = time.perf_counter()
            sync_index(store)
            indexed = time.perf_counter() - start
            print(f"  then the first search indexes what came in: {indexed:6.1f} s")
            print(f"  floor: {floor:6.1f} s (COPY out + one executemany into a bare table)")
            if floor_store is not None:
                print(f"  floor: {floor_store:6.1f} s (COPY out + the project's bulk writer: "
                      "its indexes, search triggers, history)")  # fmt: skip
            print("Incremental:")
            incremental(store, server, "hub_bench", analysts[1])
            store.close()
            print("Load:")
            load(server, args.projects, args.load_each, folder)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
