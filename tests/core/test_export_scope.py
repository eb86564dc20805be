"""Export filters and order, the same for every format; plus the varied project other export
tests share (`Project`, `build_project`, `exported_ids`)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from test_store_annotations import add_document, tag

from annotator.core.errors import ValidationError
from annotator.core.export import ExportFilter, export
from annotator.core.export.scope import Scope
from annotator.core.importing import ExtractedDocument, ImportReport
from annotator.core.records import Annotation, AnnotationId, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store

FORMATS = ("csv", "claims", "jsonl", "w3c")

TEXT_A = (
    'Global Times – China firmly opposes "external forces", said Wei Fenghe on Monday.\n'
    "=SUM(1,2) is no formula; -5% neither; @everyone +7 either.\n"
    "Tokayev said Kazakhstan 🇰🇿 values the partnership with 中国 and الصين.\n"
    "<b>Bold</b> & <script>alert(1)</script> stays text, said the\n  spokesman."
)
TEXT_B = "新华社：王毅表示，中方坚定支持哈萨克斯坦。قال المتحدث إن الصين تدعم كازاخستان."
TEXT_C = "An older article nobody has tagged yet."


def span(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def add(store: Store, text: str, title: str, published: str | None) -> DocumentId:
    report = ImportReport(
        source="x", format="text", encoding="utf-8", encoding_detected=False, repairs=[]
    )
    extracted = ExtractedDocument(
        source=Path(f"corpus/{title}.txt"),
        title=title,
        text=text,
        published=published,
        report=report,
    )
    summary, _ = store.documents.add(extracted, analyst_id=None)
    return summary.id


@dataclass
class Project:
    store: Store
    docs: dict[str, DocumentId] = field(default_factory=dict)
    spans: dict[str, Annotation] = field(default_factory=dict)

    def ids(self, *names: str) -> set[str]:
        return {self.spans[name].id for name in names}


def build_project(store: Store) -> Project:
    """Three documents, three analysts (one non-Latin), every label, links to spans and names,
    sentiment or not, notes with commas, quotes, newlines and formula starts."""
    p = Project(store)
    p.docs["A"] = add(store, TEXT_A, "Wei Fenghe in Astana", "2022-04-26")
    p.docs["B"] = add(store, TEXT_B, "王毅谈哈萨克斯坦", None)
    p.docs["C"] = add(store, TEXT_C, "Older", "2021-01-01")
    ana = Session(store, store.ensure_analyst("Ana"))
    olga = Session(store, store.ensure_analyst("Olga Petrova"))
    lei = Session(store, store.ensure_analyst("李雷"))

    def put(key: str, who: Session, doc: str, label: str, fragment: str, **kw: object) -> None:
        text = {"A": TEXT_A, "B": TEXT_B}[doc]
        p.spans[key] = tag(who, p.docs[doc], label, *span(text, fragment), **kw)

    quoted = 'China firmly opposes "external forces"'
    put("claim", ana, "A", "Claim", quoted, sentiment="negative", note='Core, "verbatim";\nline 2')
    put("wei", ana, "A", "Speaker", "Wei Fenghe", speaker_name="Minister Wei Fenghe")
    put("forces", olga, "A", "Target", "external forces")
    put("formula", olga, "A", "Claim", "=SUM(1,2) is no formula", note="=1+1")
    put("minus", olga, "A", "Target", "-5%")
    put("at", ana, "A", "Claim", "@everyone +7 either", sentiment="mixed", note="+ and - and @")
    put("tokayev", lei, "A", "Speaker", "Tokayev")
    scripts = "Kazakhstan 🇰🇿 values the partnership with 中国 and الصين"
    put("emoji", lei, "A", "Claim", scripts, sentiment="positive")
    put("markup", ana, "A", "Claim", "<b>Bold</b> & <script>alert(1)</script> stays text")
    put("spokesman", ana, "A", "Speaker", "the\n  spokesman")
    put("wangyi", lei, "B", "Speaker", "王毅")
    put("cjk", lei, "B", "Claim", "中方坚定支持哈萨克斯坦", sentiment="positive", note="注：原文")
    put("arabic", olga, "B", "Claim", "الصين تدعم كازاخستان", sentiment="neutral")
    put("zhongfang", olga, "B", "Target", "中方")  # starts where "cjk" does, ends first
    # ... and has the larger id, so that only ordering by end (before id) puts it first.
    last = "ffffffff-ffff-4fff-bfff-ffffffffffff"
    store.conn.execute(
        "UPDATE annotations SET id = ? WHERE id = ?", [last, p.spans["zhongfang"].id]
    )
    p.spans["zhongfang"] = dataclasses.replace(p.spans["zhongfang"], id=AnnotationId(last))
    link = ana.set_link
    link(source_id=p.spans["claim"].id, kind="said_by", target_id=p.spans["wei"].id)
    link(source_id=p.spans["claim"].id, kind="about", target_id=p.spans["forces"].id)
    olga.set_link(source_id=p.spans["formula"].id, kind="said_by", name="=HYPERLINK(x)")
    olga.set_link(source_id=p.spans["formula"].id, kind="about", target_id=p.spans["minus"].id)
    link(source_id=p.spans["at"].id, kind="said_by", name='Anonymous, "a source"')
    lei.set_link(source_id=p.spans["emoji"].id, kind="said_by", target_id=p.spans["tokayev"].id)
    lei.set_link(source_id=p.spans["emoji"].id, kind="about", name="China")
    link(source_id=p.spans["markup"].id, kind="said_by", target_id=p.spans["spokesman"].id)
    lei.set_link(source_id=p.spans["cjk"].id, kind="said_by", target_id=p.spans["wangyi"].id)
    # Fixed dates, so that the date filters have something to tell apart.
    for number, annotation in enumerate(p.spans.values()):
        stamp = f"2024-03-{1 + number:02}T12:00:00.000Z"
        store.conn.execute(
            "UPDATE annotations SET created = ?, modified = ? WHERE id = ?",
            ["2024-02-01T08:00:00.000Z", stamp, annotation.id],
        )
    return p


@pytest.fixture
def project(fresh_store: Store) -> Project:
    return build_project(fresh_store)


def exported_ids(path: Path, fmt: str) -> list[str]:
    """Annotation ids in the order the file lists them, whatever its format."""
    if fmt in ("csv", "claims"):
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        return [row["annotation_id" if fmt == "csv" else "claim_id"] for row in rows]
    if fmt == "jsonl":
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return [r["id"] for r in records if r["type"] == "annotation"]
    items = json.loads(path.read_text(encoding="utf-8"))["first"]["items"]
    return [item["id"].removeprefix("urn:uuid:") for item in items]


CLAIMS = ("claim", "formula", "at", "emoji", "markup", "cjk", "arabic")


def run(project: Project, tmp_path: Path, fmt: str, **filter_args: object) -> set[str]:
    path = tmp_path / f"out.{fmt}"
    export(project.store, path, fmt, filter=ExportFilter(**filter_args))  # type: ignore[arg-type]
    return set(exported_ids(path, fmt))


def expect(project: Project, fmt: str, *names: str) -> set[str]:
    """What `fmt` should hold of these annotations: the claims table keeps only claims."""
    return project.ids(*(n for n in names if fmt != "claims" or n in CLAIMS))


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_filter_exports_every_annotation(project: Project, tmp_path: Path, fmt: str) -> None:
    assert run(project, tmp_path, fmt) == expect(project, fmt, *project.spans)


@pytest.mark.parametrize("fmt", FORMATS)
def test_filter_by_analysts(project: Project, tmp_path: Path, fmt: str) -> None:
    got = run(project, tmp_path, fmt, analysts=("Olga Petrova", "李雷"))
    mine = [
        k for k, a in project.spans.items() if a.analyst_id != project.spans["claim"].analyst_id
    ]
    assert got == expect(project, fmt, *mine)


@pytest.mark.parametrize("fmt", FORMATS)
def test_filter_by_labels(project: Project, tmp_path: Path, fmt: str) -> None:
    got = run(project, tmp_path, fmt, labels=("Speaker", "Target"))
    speakers_and_targets = ("wei", "forces", "minus", "tokayev", "spokesman", "wangyi", "zhongfang")
    assert got == expect(project, fmt, *speakers_and_targets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_filter_by_document_id_title_or_id_prefix(
    project: Project, tmp_path: Path, fmt: str
) -> None:
    in_b = ("wangyi", "cjk", "arabic", "zhongfang")
    assert run(project, tmp_path, fmt, documents=(project.docs["B"],)) == expect(
        project, fmt, *in_b
    )
    assert run(project, tmp_path, fmt, documents=("王毅谈哈萨克斯坦",)) == expect(
        project, fmt, *in_b
    )
    assert run(project, tmp_path, fmt, documents=(project.docs["B"][:8],)) == expect(
        project, fmt, *in_b
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_date_range_is_inclusive_on_modified_or_created(
    project: Project, tmp_path: Path, fmt: str
) -> None:
    # modified: 2024-03-01 for the 1st annotation, -02 for the 2nd, ... (build_project)
    names = list(project.spans)
    got = run(project, tmp_path, fmt, since=date(2024, 3, 2), until=date(2024, 3, 4))
    assert got == expect(project, fmt, *names[1:4])
    assert run(project, tmp_path, fmt, until=date(2024, 3, 1)) == expect(project, fmt, names[0])
    everything = expect(project, fmt, *names)
    created = {"since": date(2024, 2, 1), "until": date(2024, 2, 1), "date_field": "created"}
    assert run(project, tmp_path, fmt, **created) == everything
    assert run(project, tmp_path, fmt, since=date(2024, 3, 20)) == set()


def test_filters_combine(project: Project, tmp_path: Path) -> None:
    got = run(
        project,
        tmp_path,
        "csv",
        analysts=("Ana", "李雷"),
        labels=("Claim",),
        documents=("Wei Fenghe in Astana",),
        since=date(2024, 3, 3),
    )
    assert got == project.ids("at", "emoji", "markup")


def test_unknown_names_are_refused_listing_the_known_ones(project: Project) -> None:
    people_then_layer = "Ana, Olga Petrova, 李雷, the reviewed layer “reviewed”"
    with pytest.raises(ValidationError, match=f"No analyst called “Bob”.*{people_then_layer}"):
        Scope(project.store, ExportFilter(analysts=("Bob",)))
    with pytest.raises(ValidationError, match=f"No layer called “Bob”.*{people_then_layer}"):
        Scope(project.store, ExportFilter(layers=("Bob",)))
    with pytest.raises(ValidationError, match="No label called “Quote”.*Claim, Speaker, Target"):
        Scope(project.store, ExportFilter(labels=("Quote",)))
    with pytest.raises(ValidationError, match="No document has the id or title “Nowhere”"):
        Scope(project.store, ExportFilter(documents=("Nowhere",)))


def test_a_date_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="ends"):
        ExportFilter(since=date(2024, 3, 2), until=date(2024, 3, 1))
    with pytest.raises(ValidationError, match="modified or created"):
        ExportFilter(date_field="imported")


def test_names_are_sql_parameters_not_sql(fresh_store: Store, tmp_path: Path) -> None:
    doc = add_document(fresh_store)
    tag(Session(fresh_store, fresh_store.ensure_analyst("O'Brien")), doc, "Claim", 0, 6)
    tag(Session(fresh_store, fresh_store.ensure_analyst("x') OR 1=1 --")), doc, "Claim", 7, 12)
    path = tmp_path / "o.csv"
    export(fresh_store, path, "csv", filter=ExportFilter(analysts=("O'Brien",)))
    assert len(exported_ids(path, "csv")) == 1


def test_each_document_is_read_through_its_index(project: Project) -> None:
    scope = Scope(project.store, ExportFilter(analysts=("Ana",), labels=("Claim",)))
    plan = project.store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT a.id FROM annotations a "
        f"WHERE a.document_id = :document_id{scope.condition}",
        {**scope.params, "document_id": project.docs["A"]},
    ).fetchall()
    # Either index that has document_id narrows the search; never a scan of the table.
    assert all("SCAN" not in row[-1] for row in plan), plan
    assert any("INDEX" in row[-1] and "document_id=?" in row[-1] for row in plan), plan


@pytest.mark.parametrize("fmt", FORMATS)
def test_order_is_documents_by_date_title_id_then_annotations_by_start_end_id(
    project: Project, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"o.{fmt}"
    export(project.store, path, fmt)
    ids = exported_ids(path, fmt)
    annotations = [a for a in project.spans.values() if a.id in ids]
    # Document A is dated, B is not (undated last); C has no annotations.
    rank = {project.docs["A"]: 0, project.docs["B"]: 1}
    wanted = sorted(annotations, key=lambda a: (rank[a.document_id], a.start, a.end, a.id))
    assert ids == [a.id for a in wanted]


@pytest.mark.parametrize("fmt", FORMATS)
def test_exporting_twice_gives_identical_bytes(project: Project, tmp_path: Path, fmt: str) -> None:
    first, second = tmp_path / f"1.{fmt}", tmp_path / f"2.{fmt}"
    export(project.store, first, fmt)
    export(project.store, second, fmt)
    assert first.read_bytes() == second.read_bytes()
