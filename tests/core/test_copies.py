"""Syndicated copies: found at import, grouped, decoys left alone, annotations carried over."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from annotator.core import copies
from annotator.core.copies import (
    CONTAINMENT,
    CopyFound,
    Similarity,
    apply_to_copies,
    copy_groups,
    copy_of,
    note_copies,
    shingles,
)
from annotator.core.copies.signatures import SCHEME, Index, sign_text
from annotator.core.errors import ValidationError
from annotator.core.importing import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.ingest import IngestOutcome, Source, import_sources
from annotator.core.records import Annotation, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store

HEADER = "Xinhua News Agency, Beijing, 14 March 2024"

PARAGRAPHS = (
    "China and Kazakhstan on Wednesday opened a second rail corridor across the border at "
    "Khorgos, a project that officials in both capitals described as a milestone for trade "
    "between East Asia and Europe. The first freight train, carrying 55 containers of "
    "electronics, machine parts and textiles, left the dry port shortly after nine in the "
    "morning and is expected to reach the Caspian port of Aktau within four days.",
    "Speaking at the opening ceremony, the Chinese ambassador, Zhang Xiao, said the corridor "
    "would cut transit times by almost a third and bring jobs to towns along the route. "
    '"This line is not a favour one country does for another," he said. "It is the '
    'result of ten years of patient cooperation between two good neighbours."',
    "The Kazakh transport minister, Marat Karabayev, told reporters that the new tracks "
    "would raise the annual capacity of the crossing from 20 million to 35 million tonnes of "
    "cargo. He added that customs procedures had been digitised so that a train could clear "
    "both sides of the border in under two hours, compared with a full day only five years "
    "ago.",
    "Construction of the 293-kilometre line began in the spring of 2021 and employed more "
    "than 6,000 workers at its peak, most of them hired locally. The state railway company "
    "said the project had been completed three months ahead of schedule and within its "
    "budget of 1.2 billion dollars, which was shared between the two governments and a "
    "consortium of commercial banks.",
    "Analysts at the Eurasian Development Bank estimate that rail freight between China and "
    "Europe through Central Asia grew by 40 percent last year, as shippers looked for "
    "alternatives to congested sea lanes and to routes that cross areas of conflict. The "
    "corridor is also expected to carry grain and fertiliser from Kazakhstan to markets in "
    "western China.",
    "Local residents in the border town of Zharkent welcomed the opening, although some "
    "farmers voiced concern about land taken for the tracks. The regional governor "
    "promised that every family affected would receive compensation by the end of the year "
    "and that a new road bridge would restore access to fields cut off by the embankment.",
    "Environmental groups have asked the operators to publish data on noise and on the "
    "effect of the line on the migration of saiga antelope, whose numbers have recovered "
    "strongly over the past decade. The railway company said it had built eleven wildlife "
    "crossings and would share its monitoring results with scientists from the national "
    "academy.",
    "Officials said the next stage of the programme would electrify the line and link it to "
    "a logistics centre under construction near Almaty, where goods can be sorted, stored "
    "and repackaged for onward shipment. Talks on a third crossing, further north at "
    "Bakhty, are due to begin in the autumn.",
    "The opening comes a week before a meeting of transport ministers from the Shanghai "
    "Cooperation Organisation in Astana, where a common timetable for container trains and "
    "shared rules for electronic customs declarations are on the agenda.",
)

ORIGINAL = "\n\n".join((HEADER, *PARAGRAPHS))


def republished(*, keep: int = len(PARAGRAPHS) - 1) -> str:
    """Another outlet's version: its own header, the first `keep` paragraphs, words edited."""
    body = "\n\n".join(PARAGRAPHS[:keep])
    for old, new in (
        ("on Wednesday", "this week"),
        ("shortly after nine in the morning", "early on Wednesday"),
        ("told reporters", "said"),
        ("Analysts at", "Economists at"),
    ):
        body = body.replace(old, new)
    return (
        "Steppe Gazette — Business\n\nNew rail corridor to Europe opens at Khorgos\n\n"
        "By our correspondent, with material from Xinhua\n\n" + body
    )


def american(text: str) -> str:
    for british, us in (
        ("favour", "favor"),
        ("neighbours", "neighbors"),
        ("digitised", "digitized"),
        ("kilometre", "kilometer"),
        ("fertiliser", "fertilizer"),
        ("programme", "program"),
        ("Organisation", "Organization"),
        ("defence", "defense"),
    ):
        text = text.replace(british, us)
    return text


# A different article on the same story: its own reporting, the agency's boilerplate
# paragraph and the ambassador's quote (both also in ORIGINAL).
DECOY_QUOTE = "\n\n".join(
    (
        "Caspian Courier, 15 March 2024",
        "Freight operators in Aktau are preparing for a rise in container traffic after the "
        "opening of a new rail link with China at Khorgos, port managers said on Thursday. "
        "The port plans to add two cranes and a second shift of dockers before the summer.",
        'At the ceremony in Khorgos the Chinese ambassador, Zhang Xiao, said: "This line is '
        "not a favour one country does for another. It is the result of ten years of patient "
        'cooperation between two good neighbours."',
        "Shipping agents in Aktau said that ferries across the Caspian remain the bottleneck "
        "of the route: there are only six vessels able to carry rail wagons, and storms "
        "close the port for several days every winter. A tender for four new ferries was "
        "announced last month, but the first is not expected before 2026.",
        "Officials said the next stage of the programme would electrify the line and link it "
        "to a logistics centre under construction near Almaty, where goods can be sorted, "
        "stored and repackaged for onward shipment.",
        "Traders in the port city hope the new traffic will revive warehouses left empty since "
        "the oil price fell, and the city council has offered land at reduced rents to "
        "logistics firms that open offices before the end of the year.",
        "The port authority also said it would publish a monthly bulletin of container "
        "volumes so that shippers can plan their bookings, and that a digital booking system "
        "for ferry places would start in a trial form in May.",
    )
)

# Same topic, same officials, written independently: no paragraph in common.
DECOY_TOPIC = "\n\n".join(
    (
        "Astana Times, 14 March 2024",
        "Kazakhstan's transport minister, Marat Karabayev, opened the second railway crossing "
        "with China at Khorgos on Wednesday, saying it would make the country the main land "
        "bridge between China and Europe. The line doubles the number of tracks across the "
        "border and was finished ahead of schedule.",
        "The minister said freight volumes between the two countries had doubled in five "
        "years and that the government aimed to handle 35 million tonnes a year at Khorgos "
        "alone. Customs officers on both sides now exchange declarations electronically, he "
        "added, which has shortened the wait at the border from a day to about two hours.",
        "The Chinese ambassador praised the cooperation between the two neighbours, and "
        "officials from the railway company showed guests a model of the logistics centre "
        "planned near Almaty. Work on electrifying the line is to start next year.",
        "Economists at the Eurasian Development Bank say rail traffic through Central Asia "
        "has grown quickly as shippers avoid congested sea routes, but warn that ferries on "
        "the Caspian and the condition of older tracks in western Kazakhstan could limit "
        "further growth.",
        "Farmers near Zharkent, whose land was crossed by the new tracks, are still waiting "
        "for compensation, a local councillor said, and have asked for a bridge so that "
        "their tractors can reach the fields on the other side of the embankment.",
    )
)

CHINESE_ORIGINAL = "\n\n".join(
    (
        "新华社北京3月14日电",
        "中哈两国14日在霍尔果斯开通第二条跨境铁路通道，两国官员称这是东亚与欧洲贸易的一个里程碑。"
        "首趟货运列车载有55个集装箱，装运电子产品、机械零件和纺织品，上午9时许从无水港出发，"
        "预计4天内抵达里海港口阿克套。",
        "中国驻哈萨克斯坦大使张霄在开通仪式上表示，新通道将使运输时间缩短近三分之一，"
        "并为沿线城镇带来就业机会。他说，这条铁路是两个好邻居十年来耐心合作的成果。",
        "哈萨克斯坦交通部长卡拉巴耶夫对记者表示，新线路将使口岸年过货能力从2000万吨提高到"
        "3500万吨。他还说，海关手续已经实现数字化，列车可在两小时内完成两侧通关，而五年前需要一整天。",
        "这条全长293公里的铁路于2021年春季开工建设，高峰时期有6000多名工人参与施工，其中大部分为当地招聘。"
        "铁路公司表示，项目比计划提前三个月完工，总投资12亿美元，由两国政府和商业银行财团共同承担。",
        "欧亚开发银行的分析人士估计，去年经中亚往返中欧的铁路货运量增长了40%，"
        "托运人正在寻找替代拥堵海运航线的运输通道。该通道还将把哈萨克斯坦的粮食和化肥运往中国西部市场。",
        "官员表示，下一阶段将对线路进行电气化改造，并与阿拉木图附近在建的物流中心相连。"
        "关于在更北面的巴赫特建设第三个口岸的谈判将于秋季开始。",
    )
)


def chinese_copy() -> str:
    """A portal's copy: its own header, the last paragraph cut, a few characters changed."""
    body = CHINESE_ORIGINAL.split("\n\n", 1)[1].rsplit("\n\n", 1)[0]
    body = body.replace("两国官员称", "双方官员表示").replace("对记者表示", "表示")
    return "中国新闻网 财经频道\n\n" + body + "\n\n（来源：新华社）"


CHINESE_DECOY = "\n\n".join(
    (
        "人民网阿克套3月15日电",
        "随着霍尔果斯新铁路通道开通，里海港口阿克套正为集装箱运量增长做准备。港口管理方表示，"
        "将在夏季前增加两台起重机，并增设一个码头工人班次。",
        "中国驻哈萨克斯坦大使张霄在开通仪式上表示，这条铁路是两个好邻居十年来耐心合作的成果。",
        "航运代理商说，跨里海轮渡仍是这条线路的瓶颈：目前只有六艘船能够运载铁路货车，"
        "而且每年冬季风暴都会使港口关闭数日。上个月已宣布采购四艘新渡轮，但首艘预计2026年前无法交付。",
        "港口城市的商人希望新的运量能够让油价下跌以来闲置的仓库重新热闹起来，"
        "市议会也向年底前开设办事处的物流企业提供优惠租金的土地。",
    )
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- helpers ------------------------------------------------------------------------------------


def extracted(title: str, text: str, outlet: str = "", published: str | None = None) -> Any:
    report = ImportReport(f"{title}.txt", "text", "utf-8", False)
    meta = SourceMeta(outlet=outlet)
    return ExtractedDocument(Path(f"{title}.txt"), title, text, published, report, meta=meta)


def source(title: str, text: str, **kw: Any) -> Source:
    return Source(f"{title}.txt", f"{title}.txt", partial(extracted, title, text, **kw))


def ingest(store: Store, *items: tuple[str, str]) -> IngestOutcome:
    return import_sources(store, [source(t, x) for t, x in items], analyst_id=None)


def add(store: Store, title: str, text: str) -> DocumentId:
    """Import one article (as `annotator import` does); its id."""
    outcome = ingest(store, (title, text))
    assert len(outcome.added) == 1, outcome.summary()
    return outcome.added[0][0].id


@pytest.fixture
def store(fresh_store: Store) -> Store:
    return fresh_store


@pytest.fixture
def original(store: Store) -> DocumentId:
    return add(store, "Second rail corridor opens", ORIGINAL)


# -- finding copies -------------------------------------------------------------------------------


def test_republished_copy_with_new_header_trimmed_end_and_edited_words_is_linked(
    store: Store, original: DocumentId
) -> None:
    outcome = ingest(store, ("New rail corridor to Europe", republished()))
    summary = outcome.added[0][0]
    assert summary.copy_of == original  # the import's outcome says so
    assert store.documents.summary(summary.id).copy_of == original
    found = copy_of(store, summary.id)
    assert found is not None and found.original_id == original
    assert 0.85 < found.similarity < 1
    (entry,) = [h for h in store.history() if h.entity == "document_copy"]
    assert entry.entity_id == summary.id and entry.after is not None
    assert entry.after["original_id"] == original


@pytest.mark.parametrize(
    "text",
    [american(republished()), american(ORIGINAL), republished(keep=5)],
    ids=["american-spelling", "american-spelling-whole", "half-the-paragraphs"],
)
def test_respelled_and_half_trimmed_copies_are_linked(
    store: Store, original: DocumentId, text: str
) -> None:
    doc = add(store, "Copy", text)
    assert store.documents.summary(doc).copy_of == original


def test_chinese_copy_is_found_on_characters(store: Store) -> None:
    original = add(store, "中哈第二条跨境铁路通道开通", CHINESE_ORIGINAL)
    copy = add(store, "中哈跨境铁路新通道开通", chinese_copy())
    decoy = add(store, "阿克套港准备迎接集装箱增长", CHINESE_DECOY)
    assert store.documents.summary(copy).copy_of == original
    assert store.documents.summary(decoy).copy_of is None


@pytest.mark.parametrize(
    "decoy", [DECOY_QUOTE, DECOY_TOPIC], ids=["boilerplate-and-quote", "same-topic"]
)
def test_articles_on_the_same_story_are_not_copies(
    store: Store, original: DocumentId, decoy: str
) -> None:
    doc = add(store, "Decoy", decoy)
    assert store.documents.summary(doc).copy_of is None
    assert copy_groups(store) == []
    assert copy_groups(store, doc) == []


@pytest.mark.parametrize(
    ("first", "second", "low", "high"),
    [
        (ORIGINAL, republished(), 0.9, 0.93),
        (ORIGINAL, american(republished()), 0.89, 0.92),
        (ORIGINAL, republished(keep=5), 0.86, 0.89),
        (ORIGINAL, republished(keep=3), 0.81, 0.84),
        (CHINESE_ORIGINAL, chinese_copy(), 0.92, 0.95),
        (ORIGINAL, DECOY_QUOTE, 0.15, 0.25),
        (ORIGINAL, DECOY_TOPIC, 0.0, 0.02),
        (CHINESE_ORIGINAL, CHINESE_DECOY, 0.1, 0.2),
    ],
    ids=["copy", "american", "half", "third", "chinese", "quote", "topic", "chinese-decoy"],
)
def test_the_measured_margins(first: str, second: str, low: float, high: float) -> None:
    """The figures the thresholds were chosen by (and the README quotes)."""
    similar = Similarity.of(shingles(first), shingles(second))
    assert low <= similar.containment <= high
    assert similar.is_copy == (low >= CONTAINMENT)


def test_decoy_imported_first_does_not_become_the_original(store: Store) -> None:
    add(store, "Port prepares", DECOY_QUOTE)
    first = add(store, "Second rail corridor opens", ORIGINAL)
    copy = add(store, "Copy", republished())
    assert store.documents.summary(copy).copy_of == first


def test_exact_duplicate_is_still_refused(store: Store, original: DocumentId) -> None:
    outcome = ingest(store, ("Same text again", ORIGINAL))
    assert outcome.added == []
    assert [doc.id for _label, doc in outcome.duplicates] == [original]
    assert store.conn.execute("SELECT count(*) FROM document_copies").fetchone()[0] == 0


def test_a_group_has_one_original_and_its_copies(store: Store, original: DocumentId) -> None:
    first = add(store, "Copy 1", republished())
    second = add(store, "Copy 2", american(republished(keep=6)))
    add(store, "Decoy", DECOY_TOPIC)
    (group,) = copy_groups(store)
    assert group.original.id == original
    assert [m.document.id for m in group.copies] == [first, second]
    assert all(0.8 <= m.similarity <= 1 for m in group.copies)
    assert copy_groups(store, second) == [group]  # asked by a copy: the same group
    assert copy_groups(store, original) == [group]
    assert copies.group_of(store, first) == group


def test_a_copy_of_a_copy_joins_the_first_original(store: Store, original: DocumentId) -> None:
    first = add(store, "Copy", republished())
    # Closer to the copy (same header, same edits) than to the original: still its group.
    second = add(store, "Copy of the copy", republished().replace("Steppe Gazette", "Gazette"))
    assert store.documents.summary(first).copy_of == original
    assert store.documents.summary(second).copy_of == original


def test_note_copies_is_idempotent(store: Store, original: DocumentId) -> None:
    copy = add(store, "Copy", republished())
    again = note_copies(store, copy)
    assert isinstance(again, CopyFound) and not again.new and again.original_id == original
    assert store.conn.execute("SELECT count(*) FROM document_copies").fetchone()[0] == 1


def test_withdrawn_documents_leave_no_links(store: Store, original: DocumentId) -> None:
    copy = add(store, "Copy", republished())
    other = add(store, "Another copy", republished(keep=6))
    assert store.documents.withdraw([copy], analyst_id=None) == [copy]
    (group,) = copy_groups(store)
    assert [m.document.id for m in group.copies] == [other]
    assert store.documents.withdraw([original], analyst_id=None) == [original]
    assert copy_groups(store) == []
    count = "SELECT count(*) FROM document_copies"
    assert store.conn.execute(count).fetchone()[0] == 0
    signed = "SELECT document_id FROM document_signatures"
    assert [r[0] for r in store.conn.execute(signed)] == [other]


def test_a_cancelled_import_takes_its_copies_back(store: Store, original: DocumentId) -> None:
    calls = []

    def progress(index: int, total: int, name: str) -> bool:
        calls.append(name)
        return index < 1  # cancel after the first source

    outcome = import_sources(
        store,
        [source("Copy", republished()), source("Other", DECOY_TOPIC)],
        analyst_id=None,
        progress=progress,
    )
    assert outcome.cancelled and outcome.taken_back == 1
    assert copy_groups(store) == []


def test_a_failure_to_look_for_copies_never_fails_the_import(
    store: Store, original: DocumentId, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("index unavailable")

    monkeypatch.setattr("annotator.core.copies.found.note_copies", broken)
    outcome = ingest(store, ("Copy", republished()))
    ((summary, report),) = outcome.added
    assert summary.copy_of is None
    assert any("index unavailable" in w for w in report.warnings)
    assert "Imported 1 document(s)." in outcome.summary()


def test_documents_without_signatures_are_signed_on_first_use(store: Store) -> None:
    # Imported before copies were looked for (or by a merge): no signature yet.
    old = store.documents.add(extracted("Old", ORIGINAL), analyst_id=None)[0].id
    unrelated = store.documents.add(extracted("Unrelated", DECOY_TOPIC), analyst_id=None)[0].id
    with store.transaction():  # and one of an older scheme
        store.conn.execute(
            "INSERT INTO document_signatures VALUES (?, 'minhash;k=9', x'00')", [unrelated]
        )
    copy = add(store, "Copy", republished())
    assert store.documents.summary(copy).copy_of == old
    rows = store.conn.execute("SELECT scheme, length(signature) FROM document_signatures")
    assert sorted(rows) == [(SCHEME, 516)] * 3


def test_a_document_added_without_a_signature_since_is_signed_when_needed(
    store: Store,
) -> None:
    add(store, "Unrelated", DECOY_TOPIC)  # the index is built
    # Added by another path (a merge, an annotation file with its text): no signature.
    merged = store.documents.add(extracted("Merged", ORIGINAL), analyst_id=None)[0].id
    copy = add(store, "Copy", republished())
    assert store.documents.summary(copy).copy_of == merged


def test_a_withdrawn_document_replaced_by_another_is_not_mistaken_for_it(
    store: Store, original: DocumentId
) -> None:
    assert store.documents.withdraw([original], analyst_id=None) == [original]
    # The same text again (the rowid of the one taken out is reused): a new document.
    again = store.documents.add(extracted("Again", ORIGINAL), analyst_id=None)[0].id
    copy = add(store, "Copy", republished())
    assert store.documents.summary(copy).copy_of == again


def test_a_document_imported_in_another_window_is_found(store: Store, db_path: Path) -> None:
    add(store, "Unrelated", DECOY_TOPIC)  # this window's index is built
    with Store.open(db_path) as other:
        first = add(other, "Second rail corridor opens", ORIGINAL)
    copy = add(store, "Copy", republished())
    assert store.documents.summary(copy).copy_of == first


def test_short_texts_are_never_copies(store: Store) -> None:
    notice = "The ministry will hold a press conference on Friday at ten in the morning."
    add(store, "Notice", notice)
    doc = add(store, "Notice again", notice + " Reporters should register.")
    assert store.documents.summary(doc).copy_of is None


def test_the_signature_matrix_keeps_its_rows_in_line() -> None:
    texts = {
        DocumentId("original"): ORIGINAL,
        DocumentId("decoy"): DECOY_TOPIC,
        DocumentId("chinese"): CHINESE_ORIGINAL,
    }
    signed = {doc: sign_text(text)[1] for doc, text in texts.items()}
    known = Index()
    for doc, signature in signed.items():
        known.add(doc, signature)
    known.discard(DocumentId("original"))  # the last row moves into its place
    assert len(known) == 2 and DocumentId("original") not in known
    for doc in (DocumentId("decoy"), DocumentId("chinese")):
        again = known.signature(doc)
        assert again is not None and again.count == signed[doc].count
        assert (again.values == signed[doc].values).all()
    _own, copy = sign_text(republished())
    assert known.candidates(copy) == []
    known.add(DocumentId("original"), signed[DocumentId("original")])
    (candidate,) = known.candidates(copy)
    assert candidate.doc_id == "original" and candidate.estimate > 0.6
    _own, chinese = sign_text(chinese_copy())
    assert [c.doc_id for c in known.candidates(chinese)] == ["chinese"]


def test_looking_for_copies_loads_no_library_beyond_numpy() -> None:
    """Each import job opens its own store and signs in its own process: no datasketch,
    no scipy (0.4 s to import)."""
    code = (
        "import sys\n"
        "from annotator.core.copies.signatures import sign_text\n"
        "sign_text('one two three four five six seven')\n"
        "print(sorted({'datasketch', 'scipy'} & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- applying annotations to copies ---------------------------------------------------------------

CLAIM = "the corridor would cut transit times by almost a third"
SPEAKER = "Zhang Xiao"
LAST = "a common timetable for container trains"  # in the paragraph the copy trimmed


def tag(session: Session, doc: DocumentId, label: str, phrase: str, **kw: Any) -> Annotation:
    text = session.store.documents.text(doc)
    start = text.index(phrase)
    annotation, _ = session.create_annotation(
        document_id=doc,
        label_id=session.store.codebook.get().by_name(label).id,
        start=start,
        end=start + len(phrase),
        **kw,
    )
    return annotation


@pytest.fixture
def annotated(store: Store, original: DocumentId) -> Iterator[tuple[DocumentId, DocumentId]]:
    session = Session(store, store.ensure_analyst("Ana"))
    claim = tag(session, original, "Claim", CLAIM, sentiment="positive", note="a third")
    speaker = tag(session, original, "Speaker", SPEAKER, speaker_name="Zhang Xiao")
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    tag(session, original, "Claim", LAST)
    copy = add(store, "Copy", republished())
    yield original, copy


def test_annotations_are_applied_to_copies_and_trimmed_ones_reported(
    store: Store, annotated: tuple[DocumentId, DocumentId]
) -> None:
    original, copy = annotated
    report = apply_to_copies(store, original, analyst="Bea")
    assert report.annotations == 3 and report.added == 2 and not report.complete
    ((applied),) = report.copies
    assert applied.document.id == copy
    assert [o.quote for o in applied.report.orphans] == [LAST]
    assert applied.report.links_added == 1
    text = store.documents.text(copy)
    on_copy = {a.quote: a for a in store.annotations.for_document(copy)}
    assert set(on_copy) == {CLAIM, SPEAKER}
    claim = on_copy[CLAIM]
    assert text[claim.start : claim.end] == CLAIM
    assert claim.sentiment == "positive" and claim.note == "a third"
    assert store.analysts()[0].id == claim.analyst_id  # Ana's, as on the original
    (link,) = store.annotations.links_for_document(copy)
    assert (link.source_id, link.target_id) == (claim.id, on_copy[SPEAKER].id)
    # The original keeps its own annotations, untouched.
    assert len(store.annotations.for_document(original)) == 3
    summary = report.summary()
    assert "Not in this copy (1):" in summary and LAST in summary


def test_applying_again_adds_nothing(
    store: Store, annotated: tuple[DocumentId, DocumentId]
) -> None:
    original, copy = annotated
    apply_to_copies(store, original, analyst="Bea")
    history = len(store.history())
    again = apply_to_copies(store, original, analyst="Bea")
    ((applied),) = again.copies
    assert again.added == 0
    assert applied.report.unchanged == 2 and applied.report.links_unchanged == 1
    assert len(store.annotations.for_document(copy)) == 2
    assert len(store.history()) == history


def test_an_annotation_edited_on_the_source_is_updated_on_the_copy(
    store: Store, annotated: tuple[DocumentId, DocumentId]
) -> None:
    original, copy = annotated
    apply_to_copies(store, original, analyst="Bea")
    claim = next(a for a in store.annotations.for_document(original) if a.quote == CLAIM)
    Session(store, store.ensure_analyst("Ana")).update_annotation(claim.id, note="a third, he says")
    ((applied),) = apply_to_copies(store, original, analyst="Bea").copies
    assert (applied.report.added, applied.report.updated) == (0, 1)
    on_copy = next(a for a in store.annotations.for_document(copy) if a.quote == CLAIM)
    assert on_copy.note == "a third, he says"


def test_applying_from_a_copy_reaches_the_original_and_the_other_copies(
    store: Store, annotated: tuple[DocumentId, DocumentId]
) -> None:
    original, copy = annotated
    other = add(store, "Other copy", american(ORIGINAL))
    session = Session(store, store.ensure_analyst("Olga"))
    tag(session, copy, "Target", "the Caspian port of Aktau")
    report = apply_to_copies(store, copy, analyst="Olga", layers=["Olga"])
    assert [c.document.id for c in report.copies] == [original, other]
    assert report.annotations == 1 and report.added == 2 and report.complete


def test_applying_only_some_layers(store: Store, annotated: tuple[DocumentId, DocumentId]) -> None:
    original, copy = annotated
    report = apply_to_copies(store, original, analyst="Bea", layers=["reviewed"])
    assert report.annotations == 0 and report.copies == []
    assert store.annotations.for_document(copy) == []


def test_a_document_without_copies_has_nothing_to_apply_to(
    store: Store, original: DocumentId
) -> None:
    with pytest.raises(ValidationError, match="no syndicated copies"):
        apply_to_copies(store, original, analyst="Bea")


def test_ids_on_a_copy_come_from_the_copy_and_the_original_id() -> None:
    copy_id = copies.apply.copy_id
    first = copy_id(DocumentId("copy-1"), "annotation")
    assert first == copy_id(DocumentId("copy-1"), "annotation")
    assert first != copy_id(DocumentId("copy-2"), "annotation")
