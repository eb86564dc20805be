"""Search benchmark: 10,000 articles in several scripts and 1,000,000 annotations.

Usage:
    .venv/bin/python benchmarks/search.py [--documents N] [--annotations N] [--runs N]
                                          [--rebuild] [--quick] [--compare-trigram]

Target (the issue's): a corpus search, top 50 hits with snippets, takes at most 100 ms for a
word found in 5% of the documents ("Baikonur", planted in exactly 5%).

Floors, measured in the same run on the same file:
- fetch: a plain indexed SELECT of the same 50 documents by rowid with the first 200
  characters of each (what any list of 50 results has to read);
- FTS5 alone: the MATCH with ORDER BY rank LIMIT 50, rowids only (no snippets, no offsets).

Target (issue 17): claims by a speaker or about a target with a label (speaker:/target: plus
label:, over the million annotations) take at most 100 ms. Floors: walking the claims newest
first down to the last hit (the rows any such answer reads, with the conditions that need no
link), and fetching the 200 hits by rowid.

Other figures (no target): phrases, prefixes, a one-document word, accents, folded letters
(lodz for Łódź, strasse), Cyrillic, Arabic, Chinese of 1, 2 and 4 characters, Japanese, a mixed
OR; other annotation searches (fields, free words); how long upgrading a cached project of an
earlier schema takes (migration 0009 rebuilds the indexes), and indexing a bulk load of
everything (the queue applied by the first search); and the size of each index.
`--compare-trigram` also builds FTS5's trigram tokenizer over the same documents in a scratch
copy and times the same Chinese and Japanese queries on it (it cannot answer queries under 3
characters): the alternative to splitting scripts without spaces (schema migration 0005).

Each query runs once unmeasured, then `--runs` times; the median and the slowest are printed.
The corpus (English news text from benchmarks/corpus.py; Russian, French, Chinese, Japanese
and Arabic generated from word lists; 2,500-8,000 characters each) is built once with bulk
inserts (the search triggers fire as for any insert) and cached in the temporary folder's
`annotator-benchmarks`. The script prints figures and PASS/MISS and exits 0.
"""

from __future__ import annotations

import argparse
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bulk import insert_annotations, insert_document, insert_links
from corpus import PEOPLE, make_text

from annotator.core.records import anchor
from annotator.core.search import search_annotations, search_documents, sync_index
from annotator.core.search.documents import document_query_sql, parse_document_query
from annotator.core.store import Store

TARGET_MS = 100.0
CACHE = Path(tempfile.gettempdir()) / "annotator-benchmarks"
GENERATION = 3  # bump when the generated corpus changes, so stale caches are not reused
PLANTED = "Baikonur"  # in exactly 5% of the documents
SHARE = 0.05
UNIQUE = "Zhambylsky"  # in exactly one document


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


RUSSIAN = _words(
    "и в на с что по не это как для его от к о из за также было будет министр "
    "правительство безопасность сотрудничество регион страны государство президент "
    "переговоры соглашение экономика торговля энергетика трубопровод стабильность мир "
    "конфликт санкции давление суверенитет партнёрство визит официальный заявил "
    "подчеркнул отметил выразил поддержку развития инфраструктуры границы армия учения "
    "Москва Пекин Астана Казахстан Китай Россия ёмкость объём"
)
FRENCH = _words(
    "le la les de des du et à en un une que qui pour dans sur avec par été sera ministre "
    "gouvernement sécurité coopération région pays État président négociations accord "
    "économie échanges énergie stabilité paix conflit sanctions souveraineté partenariat "
    "visite officielle déclaré souligné réunion délégation intérêts développement "
    "stratégique événement réalité élevé privilégié Zürich Genève Québec"
)
ARABIC = _words(
    "في من على إلى أن عن مع هذا التي الذي كان وزير الحكومة الأمن التعاون المنطقة "
    "الدول الرئيس المفاوضات الاتفاق الاقتصاد التجارة الطاقة الاستقرار السلام الصراع "
    "العقوبات السيادة الشراكة الزيارة الرسمية أكد أشار الصين روسيا كازاخستان الاجتماع "
    "الوفد المصالح التنمية الاستراتيجية"
)
CHINESE = _words(
    "中国 哈萨克斯坦 合作 发展 安全 地区 国家 政府 部长 总统 会谈 协议 经济 贸易 "
    "能源 管道 稳定 和平 冲突 制裁 主权 伙伴关系 战略伙伴 访问 官方 表示 强调 指出 "
    "支持 基础设施 边境 军队 演习 北京 阿斯塔纳 双方 关系 重要 进一步 深化 共同 "
    "国际 外部 势力 干涉 坚决 反对 新时代 全面 一带一路 倡议 项目 投资 增长"
)
JAPANESE = _words(
    "日本 中国 カザフスタン 協力 発展 安全保障 地域 国家 政府 大臣 大統領 会談 合意 "
    "経済 貿易 エネルギー パイプライン 安定 平和 紛争 制裁 主権 パートナーシップ 訪問 "
    "公式 強調 指摘 支援 インフラ 国境 演習 東京 両国 関係 重要 さらに 深める 共同 国際"
)
PARTICLES = ("は", "が", "を", "に", "で", "と", "の", "も")
#: Share of documents per script (the rest is English).
SCRIPTS = {"ru": 0.07, "fr": 0.04, "zh": 0.05, "ja": 0.02, "ar": 0.04}
ANALYSTS = ("Ana", "Olga Petrova", "Zoë", "Mehmet Öz", "李雷")
NOTES = ("", "", "", "check the source", "compare with yesterday’s statement", "核实来源")


def spaced_text(rng: random.Random, vocabulary: tuple[str, ...], chars: int) -> str:
    paragraphs, total = [], 0
    while total < chars:
        sentences = []
        for _ in range(rng.randint(3, 8)):
            words = [rng.choice(vocabulary) for _ in range(rng.randint(6, 22))]
            words[0] = words[0][:1].upper() + words[0][1:]
            sentences.append(" ".join(words) + ".")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 1
    return "\n".join(paragraphs)


def cjk_text(rng: random.Random, vocabulary: tuple[str, ...], chars: int, japanese: bool) -> str:
    paragraphs, total = [], 0
    while total < chars:
        sentences = []
        for _ in range(rng.randint(3, 8)):
            clauses = []
            for _ in range(rng.randint(1, 3)):
                words = []
                for _ in range(rng.randint(3, 9)):
                    words.append(rng.choice(vocabulary))
                    if japanese and rng.random() < 0.5:
                        words.append(rng.choice(PARTICLES))
                clauses.append("".join(words))
            sentences.append("、".join(clauses) if japanese else "，".join(clauses))
            sentences[-1] += "。"
        paragraph = "".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 1
    return "\n".join(paragraphs)


def article(rng: random.Random, script: str) -> str:
    chars = rng.randint(2_500, 8_000)
    if script == "ru":
        return spaced_text(rng, RUSSIAN, chars)
    if script == "fr":
        return spaced_text(rng, FRENCH, chars)
    if script == "ar":
        return spaced_text(rng, ARABIC, chars)
    if script == "zh":
        return cjk_text(rng, CHINESE, chars // 2, japanese=False)
    if script == "ja":
        return cjk_text(rng, JAPANESE, chars // 2, japanese=True)
    return make_text(rng, chars)


def plant(rng: random.Random, text: str, word: str) -> str:
    """`word` once to three times: between words, or for Chinese and Japanese written against
    the characters around it, as such texts write Latin names."""
    spaces = [i for i in range(len(text)) if text[i] == " "]
    places = spaces or list(range(1, len(text)))
    glue = "" if not spaces else " "
    for at in sorted(rng.sample(places, rng.randint(1, 3)), reverse=True):
        text = f"{text[:at]}{glue}{word}{text[at:]}"
    return text


def build(path: Path, documents: int, annotations: int) -> None:
    rng = random.Random(20240426)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with Store.open(partial) as store:
        analyst_ids = [store.ensure_analyst(name).id for name in ANALYSTS]
        labels = {label.role: label.id for label in store.codebook.get().labels}
        scripts = list(SCRIPTS) + ["en"]
        weights = [*SCRIPTS.values(), 1 - sum(SCRIPTS.values())]
        planted = set(rng.sample(range(documents), round(documents * SHARE)))
        unique = rng.choice(sorted(set(range(documents)) - planted))
        per_doc, extra = divmod(annotations, documents)
        conn = store.conn
        conn.execute("BEGIN")
        for d in range(documents):
            script = rng.choices(scripts, weights)[0]
            text = article(rng, script)
            if d in planted:
                text = plant(rng, text, PLANTED)
            if d == unique:
                text = plant(rng, text, UNIQUE)
            doc_id = str(uuid.uuid4())
            title = " ".join(text.split()[:6])[:80]
            insert_document(
                conn,
                id=doc_id,
                title=title,
                source=f"corpus/{d:05}.txt",
                published=f"2022-{1 + d % 12:02}-{1 + d % 28:02}" if d % 10 else None,
                imported_at="2024-01-01T00:00:00.000Z",
                text=text,
            )
            _annotate(rng, conn, doc_id, text, per_doc + (d < extra), analyst_ids, labels)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    partial.replace(path)


def _annotate(
    rng: random.Random,
    conn: sqlite3.Connection,
    doc_id: str,
    text: str,
    count: int,
    analyst_ids: list[str],
    labels: dict[str | None, str],
) -> None:
    rows, links = [], []
    speakers: list[str] = []
    targets: list[str] = []
    for n in range(count):
        role = ("claim", "claim", "claim", "speaker", "target")[n % 5]
        length = {"claim": 60, "speaker": 12, "target": 10}[role]
        start = rng.randrange(0, len(text) - length)
        end = start + rng.randint(length // 2, length)
        quote, prefix, suffix = anchor(text, start, end)
        ann_id = str(uuid.uuid4())
        stamp = f"2024-{1 + n % 12:02}-{1 + n % 28:02}T10:{n % 60:02}:00.000Z"
        rows.append(
            (ann_id, doc_id, rng.choice(analyst_ids), labels[role], start, end, quote, prefix,
             suffix, rng.choice(("positive", "negative", "neutral", None)),
             rng.choice(PEOPLE) if role == "speaker" and n % 2 else None,
             rng.choice(NOTES) if role == "claim" else "", stamp, stamp)
        )  # fmt: skip
        if role != "claim":
            (speakers if role == "speaker" else targets).append(ann_id)
        elif speakers:
            said = rng.choice(speakers) if n % 3 else None
            about = rng.choice(targets) if targets and n % 2 else None
            for kind, span, name in (
                ("said_by", said, None if said else rng.choice(PEOPLE)),
                ("about", about, None if about else "Kazakhstan"),
            ):
                links.append((str(uuid.uuid4()), ann_id, kind, span, name, analyst_ids[0], stamp))
    insert_annotations(conn, rows)
    insert_links(conn, links)


# -- measuring ----------------------------------------------------------------------------------


def timed(action: Callable[[], object], runs: int) -> tuple[float, float, object]:
    """(median ms, slowest ms, last result) over `runs` runs after one unmeasured run."""
    result = action()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        result = action()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), max(samples), result


def line(label: str, median: float, slowest: float, extra: str = "") -> None:
    print(f"  {label:<58} {median:8.1f} ms  (slowest {slowest:6.1f}){extra}")


def sizes(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
    ).fetchall()
    groups: dict[str, int] = {}
    for name, size in rows:
        if name.startswith("search_queue"):
            key = "search_queue"
        elif name.startswith("search_"):
            key = name.split("_data")[0].split("_idx")[0].split("_docsize")[0]
            key = key.split("_config")[0].split("_content")[0]
        else:
            key = "tables and their indexes"
        groups[key] = groups.get(key, 0) + size
    text = conn.execute("SELECT sum(length(CAST(text AS BLOB))) FROM documents").fetchone()[0]
    print(f"Sizes (document text itself: {text / 1e6:.1f} MB UTF-8):")
    for key, size in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"  {key:<40} {size / 1e6:8.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached corpus")
    parser.add_argument("--quick", action="store_true", help="1,000 documents, 100,000 annotations")
    parser.add_argument("--compare-trigram", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.documents, args.annotations = 1_000, 100_000
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / f"search-{args.documents}-{args.annotations}-g{GENERATION}.sqlite"
    if args.rebuild or not db.exists():
        print(f"Building {args.documents:,} documents, {args.annotations:,} annotations in {db} …")
        began = time.perf_counter()
        build(db, args.documents, args.annotations)
        print(f"  built in {time.perf_counter() - began:.1f} s")
    print(
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.machine()} {platform.system()}"
    )
    before = _version(db)
    began = time.perf_counter()
    with Store.open(db, create=False) as store:
        conn = store.conn
        after = conn.execute("PRAGMA user_version").fetchone()[0]
        if after != before:
            print(
                f"Upgrading the cached project from schema {before} to {after}: "
                f"{time.perf_counter() - began:.1f} s"
            )
        queued = conn.execute("SELECT count(*) FROM search_queue").fetchone()[0]
        if queued:
            began = time.perf_counter()
            sync_index(store)
            print(
                f"Indexing the bulk load ({queued:,} queued rows, done by the first search): "
                f"{time.perf_counter() - began:.1f} s"
            )
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM annotations), "
            "(SELECT count(*) FROM links)"
        ).fetchone()
        print(f"{counts[0]:,} documents, {counts[1]:,} annotations, {counts[2]:,} links")
        sizes(conn)
        _documents(store, args.runs)
        _annotations(store, args.runs)
    if args.compare_trigram:
        _trigram(db, args.runs)


def _version(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _documents(store: Store, runs: int) -> None:
    conn = store.conn
    print(f"\nCorpus search, top 50 with snippets (median of {runs}):")
    median, slowest, hits = timed(lambda: search_documents(store, PLANTED.lower()), runs)
    assert isinstance(hits, list)
    containing = conn.execute(
        "SELECT count(*) FROM documents WHERE instr(text, ?)", [PLANTED]
    ).fetchone()[0]
    verdict = "PASS" if median <= TARGET_MS else "MISS"
    line(
        f"“{PLANTED.lower()}” (in {containing:,} documents, {len(hits)} shown)",
        median,
        slowest,
        f"  target ≤ {TARGET_MS:.0f} ms: {verdict}",
    )
    rowids = [
        conn.execute("SELECT rowid FROM documents WHERE id = ?", [hit.document_id]).fetchone()[0]
        for hit in hits
    ]
    marks = ",".join("?" * len(rowids))
    fetch = (
        f"SELECT id, title, published, substr(text, 1, 200) FROM documents WHERE rowid IN ({marks})"
    )
    f_median, f_slowest, _ = timed(lambda: conn.execute(fetch, rowids).fetchall(), runs)
    line("  floor: fetch the same 50 documents by rowid (200 chars each)", f_median, f_slowest)
    sql, params = document_query_sql(parse_document_query(PLANTED), 50)
    m_median, m_slowest, _ = timed(lambda: conn.execute(sql, params).fetchall(), runs)
    line("  floor: FTS5 alone (MATCH, ORDER BY rank, LIMIT 50, rowids)", m_median, m_slowest)
    others = [
        ("common word: security", "security"),
        ('phrase: "regional security"', '"regional security"'),
        ("prefix: secur*", "secur*"),
        (f"one document: {UNIQUE.lower()}", UNIQUE.lower()),
        ("without accents: erdogan", "erdogan"),
        ("French without accents: securite", "securite"),
        ("Cyrillic: безопасность", "безопасность"),
        ("Arabic: الأمن", "الأمن"),
        ("folded: lodz (Łódź)", "lodz"),
        ("spellings: strasse", "strasse"),
        ("Chinese, 1 character: 国", "国"),
        ("Chinese, 2 characters: 合作", "合作"),
        ("Chinese, 4 characters: 战略伙伴", "战略伙伴"),
        ("Japanese: 安全保障", "安全保障"),
        ("mixed, unranked: baikonur OR 合作", "baikonur OR 合作"),
        ("words and NOT: security -pipeline", "security -pipeline"),
    ]
    for label, query in others:
        median, slowest, hits = timed(lambda q=query: search_documents(store, q), runs)  # type: ignore[misc]
        assert isinstance(hits, list)
        line(f"{label} ({len(hits)} shown)", median, slowest)


#: Claims by a speaker or about a target, with a label: the issue's target applies to these.
LINKED = [
    ("speaker + label", 'speaker:"Wei Fenghe" label:Claim'),
    ("speaker + label + sentiment", 'label:Claim sentiment:negative speaker:"Wei Fenghe"'),
    ("target + label", "target:kazakhstan label:Claim"),
]


def _annotations(store: Store, runs: int) -> None:
    conn = store.conn
    print(f"\nAnnotation search, up to 200 hits (median of {runs}):")
    claim = store.codebook.get().by_name("Claim").id
    for label, query in LINKED:
        median, slowest, hits = timed(lambda q=query: search_annotations(store, q), runs)  # type: ignore[misc]
        assert isinstance(hits, list)
        verdict = "PASS" if median <= TARGET_MS else "MISS"
        line(
            f"{label}: {query} ({len(hits)})", median, slowest, f"  ≤ {TARGET_MS:.0f} ms: {verdict}"
        )
        if not hits:
            continue
        _linked_floors(conn, claim, query, [hit.annotation_id for hit in hits], runs)
    print("Other annotation searches (no target):")
    for label, query in [
        ("free word in quotes and notes", PLANTED.lower()),
        ("note:source", "note:source"),
        ("analyst:Ana", "analyst:Ana"),
        ("label:Claim (broad: most recent first, stops at 200)", "label:Claim"),
        ("Chinese in quotes and notes: 来源", "来源"),
        ("speaker, folded: speaker:lukasz", "speaker:lukasz"),
    ]:
        median, slowest, hits = timed(lambda q=query: search_annotations(store, q), runs)  # type: ignore[misc]
        assert isinstance(hits, list)
        line(f"{label} ({len(hits)})", median, slowest)


def _linked_floors(
    conn: sqlite3.Connection, claim: str, query: str, ids: list[str], runs: int
) -> None:
    """What any newest-first answer reads (the claims down to the last hit, with the row
    conditions that need no link), and fetching the hits themselves."""
    marks = ",".join("?" * len(ids))
    rowids = [
        r[0] for r in conn.execute(f"SELECT rowid FROM annotations WHERE id IN ({marks})", ids)
    ]
    sentiment = " AND a.sentiment = 'negative'" if "sentiment:" in query else ""
    walk = (
        "SELECT a.rowid, a.id FROM annotations a WHERE a.rowid >= ? AND a.label_id = ?" + sentiment
    )
    median, slowest, walked = timed(
        lambda: conn.execute(walk, [min(rowids), claim]).fetchall(), runs
    )
    assert isinstance(walked, list)
    line(f"  floor: walk the {len(walked):,} claims down to the last hit", median, slowest)
    fetch = (
        "SELECT a.*, d.title FROM annotations a JOIN documents d ON d.id = a.document_id "
        f"WHERE a.rowid IN ({','.join('?' * len(rowids))})"
    )
    median, slowest, _ = timed(lambda: conn.execute(fetch, rowids).fetchall(), runs)
    line(f"  floor: fetch the {len(rowids)} hits by rowid", median, slowest)


def _trigram(db: Path, runs: int) -> None:
    """The alternative: FTS5's trigram tokenizer over the same documents (a scratch copy)."""
    print("\nFor comparison: FTS5 trigram index over the documents (scratch copy):")
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        copy = Path(scratch) / "trigram.sqlite"
        shutil.copy(db, copy)
        conn = sqlite3.connect(copy, isolation_level=None)
        began = time.perf_counter()
        conn.execute(
            "CREATE VIRTUAL TABLE tri USING fts5(title, text, content='documents', "
            "tokenize='trigram')"
        )
        conn.execute("INSERT INTO tri (tri) VALUES ('rebuild')")
        print(f"  built in {time.perf_counter() - began:.1f} s")
        size = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'tri%'").fetchone()[0]
        ours = conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_documents%'"
        ).fetchone()[0]
        print(
            f"  trigram index {size / 1e6:.1f} MB; ours (index, split copies) {ours / 1e6:.1f} MB"
        )
        for query in ("国", "合作", "战略伙伴", "安全保障", "security"):
            if len(query) < 3:
                print(f"  {query}: the trigram tokenizer cannot match fewer than 3 characters")
                continue
            sql = (
                "SELECT rowid, snippet(tri, 1, '[', ']', '…', 24) FROM tri WHERE tri MATCH ? "
                "ORDER BY rank LIMIT 50"
            )
            median, slowest, _ = timed(
                lambda q=query, s=sql: conn.execute(s, [f'"{q}"']).fetchall(),  # type: ignore[misc]
                runs,
            )
            line(f"trigram: {query}", median, slowest)
        conn.close()


if __name__ == "__main__":
    main()
