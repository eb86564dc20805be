"""Annotations CSV and claims CSV: columns, names of linked spans, RFC 4180 quoting read back by
csv and pandas, Excel's byte-order mark, and formula neutralising (with --raw to turn it off)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas
import pytest
from test_export_scope import Project, build_project
from test_store_annotations import add_document, tag

from annotator.core.export import (
    ANNOTATION_COLUMNS,
    CLAIM_COLUMNS,
    export_annotations_csv,
    export_claims_csv,
    neutralise,
)
from annotator.core.importing.report import ExtractedDocument, ImportReport, Original, SourceMeta
from annotator.core.records import Annotation, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store.export_table import SPACES

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def project(fresh_store: Store) -> Project:
    return build_project(fresh_store)


def rows(path: Path) -> dict[str, dict[str, str]]:
    """Rows by id, read with the csv module as Excel-minded tools do (BOM stripped)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {row.get("annotation_id") or row["claim_id"]: row for row in csv.DictReader(fh)}


def test_annotations_csv_has_the_columns_and_one_row_per_annotation(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "a.csv"
    result = export_annotations_csv(project.store, path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert tuple(header) == ANNOTATION_COLUMNS
    assert set(rows(path)) == {a.id for a in project.spans.values()}
    assert result.count == len(project.spans) and result.documents == 2
    assert result.summary() == f"Wrote {len(project.spans)} annotations to {path}"


def test_annotation_rows_carry_names_of_linked_spans(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    export_annotations_csv(project.store, path, raw=True)
    got = rows(path)
    s = project.spans
    claim = got[s["claim"].id]
    assert claim["speaker"] == "Minister Wei Fenghe"  # the speaker span's canonical name
    assert claim["target"] == "external forces"  # the target span's quote
    assert (claim["document_title"], claim["source"]) == (
        "Wei Fenghe in Astana",
        "corpus/Wei Fenghe in Astana.txt",
    )
    assert (claim["analyst"], claim["label"], claim["sentiment"]) == ("Ana", "Claim", "negative")
    assert (claim["start"], claim["end"]) == (str(s["claim"].start), str(s["claim"].end))
    assert claim["created"] == "2024-02-01T08:00:00.000Z"
    assert claim["modified"] == "2024-03-01T12:00:00.000Z"
    assert got[s["at"].id]["speaker"] == 'Anonymous, "a source"'  # a typed name
    assert got[s["emoji"].id]["target"] == "China"
    # A speaker span without a canonical name is named by its quote, on one line.
    assert got[s["markup"].id]["speaker"] == "the spokesman"
    assert got[s["spokesman"].id]["speaker"] == "the spokesman"
    assert got[s["wei"].id]["speaker"] == "Minister Wei Fenghe"  # a speaker span's own name
    assert got[s["forces"].id]["target"] == got[s["forces"].id]["speaker"] == ""
    assert got[s["arabic"].id]["speaker"] == got[s["markup"].id]["sentiment"] == ""


def test_claims_csv_is_one_row_per_claim_with_speaker_target_and_sentiment(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    result = export_claims_csv(project.store, path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == CLAIM_COLUMNS
    got = rows(path)
    claims = ("claim", "formula", "at", "emoji", "markup", "cjk", "arabic")
    assert set(got) == project.ids(*claims)
    assert result.summary() == f"Wrote {len(claims)} claims to {path}"
    cjk = got[project.spans["cjk"].id]
    assert (cjk["speaker"], cjk["target"], cjk["sentiment"]) == ("王毅", "", "positive")
    assert (cjk["published"], cjk["document_title"]) == ("", "王毅谈哈萨克斯坦")
    assert got[project.spans["claim"].id]["published"] == "2022-04-26"


def test_quotes_with_commas_quotes_and_newlines_survive_csv_and_pandas(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "a.csv"
    export_annotations_csv(project.store, path)
    stored = {a.id: project.store.annotations.get(a.id) for a in project.spans.values()}
    frame = pandas.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    by_csv = rows(path)
    for annotation in stored.values():
        if annotation.quote[0] in "=+-@":
            continue  # neutralised: see the formula tests
        from_pandas = frame[frame["annotation_id"] == annotation.id].iloc[0]
        assert from_pandas["quote"] == by_csv[annotation.id]["quote"] == annotation.quote
        if annotation.note and annotation.note[0] not in "=+-@":
            assert from_pandas["note"] == by_csv[annotation.id]["note"] == annotation.note
    assert "\n" in stored[project.spans["claim"].id].note
    assert "\n" in stored[project.spans["spokesman"].id].quote


def test_rows_end_in_crlf_and_fields_are_quoted_only_when_needed(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "a.csv"
    export_annotations_csv(project.store, path, bom=False)
    data = path.read_bytes()
    assert data.startswith(b"annotation_id,document_id,") and data.endswith(b"\r\n")
    # RFC 4180: embedded quotes doubled, the field quoted; a line break inside stays as stored.
    assert b'"China firmly opposes ""external forces"""' in data
    assert b'"Core, ""verbatim"";\nline 2"' in data
    assert b",Ana," in data  # plain fields are not quoted


def test_utf8_with_bom_by_default_and_without_on_request(project: Project, tmp_path: Path) -> None:
    with_bom, without = tmp_path / "bom.csv", tmp_path / "plain.csv"
    export_annotations_csv(project.store, with_bom)
    export_annotations_csv(project.store, without, bom=False)
    assert with_bom.read_bytes().startswith(BOM + b"annotation_id")
    assert without.read_bytes().startswith(b"annotation_id")
    assert with_bom.read_bytes()[len(BOM) :] == without.read_bytes()
    text = without.read_bytes().decode("utf-8")  # strict: the file is valid UTF-8
    for script in ("🇰🇿", "中国", "الصين", "李雷", "Petrova"):
        assert script in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_starting_a_formula_are_neutralised_unless_raw(
    fresh_store: Store, tmp_path: Path, start: str
) -> None:
    doc = add_document(fresh_store)
    session = Session(fresh_store, fresh_store.ensure_analyst(f"{start}analyst"))
    claim = tag(session, doc, "Claim", 0, 6, note=f"{start}cmd|' /C calc'!A0")
    speaker = tag(session, doc, "Speaker", 7, 12, speaker_name="plain")
    session.set_link(source_id=claim.id, kind="about", name=f"{start}HYPERLINK()")
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    for table in (export_annotations_csv, export_claims_csv):
        safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
        table(fresh_store, safe)
        table(fresh_store, raw, raw=True)
        row, raw_row = rows(safe)[claim.id], rows(raw)[claim.id]
        # Names are stored whitespace-normalised, so a tab or CR can only start a note.
        for column in ("note", "target", "analyst") if start.strip() else ("note",):
            assert raw_row[column].startswith(start)
            assert row[column] == "'" + raw_row[column]
        assert row["speaker"] == raw_row["speaker"] == "plain"  # no formula start: unchanged


def test_titles_sources_and_span_names_are_neutralised_too(
    project: Project, tmp_path: Path
) -> None:
    store = project.store
    doc = add_document(store, "-12 dead, said =the minister= today.")
    store.conn.execute("UPDATE documents SET title = '=cmd()', source = '@x' WHERE id = ?", [doc])
    session = Session(store, store.ensure_analyst("Ana"))
    claim = tag(session, doc, "Claim", 0, 8)
    speaker = tag(session, doc, "Speaker", 15, 28)
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    path = tmp_path / "a.csv"
    export_annotations_csv(store, path)
    row = rows(path)[claim.id]
    assert (row["document_title"], row["source"]) == ("'=cmd()", "'@x")
    assert (row["quote"], row["speaker"]) == ("'-12 dead", "'=the minister")
    assert rows(path)[speaker.id]["speaker"] == "'=the minister"


def test_span_names_go_on_one_line_as_in_the_window(fresh_store: Store, tmp_path: Path) -> None:
    spaces = "a\u00a0b c\u3000d\u2028e\tf  g"
    doc = add_document(fresh_store, f"Said {spaces} today.")
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    start = 5
    speaker = tag(session, doc, "Speaker", start, start + len(spaces))
    claim = tag(session, doc, "Claim", 0, 4)
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    path = tmp_path / "a.csv"
    export_annotations_csv(fresh_store, path)
    assert rows(path)[claim.id]["speaker"] == " ".join(spaces.split()) == "a b c d e f g"


def test_a_claim_with_two_links_of_one_kind_stays_one_row_naming_the_newer(
    project: Project, tmp_path: Path
) -> None:
    # The store keeps one link per kind; two windows racing could still leave two.
    claim = project.spans["claim"]
    project.store.conn.execute(
        "INSERT INTO links (id, source_id, kind, target_id, name, analyst_id, created) "
        "VALUES ('zz', ?, 'said_by', NULL, 'Newer Name', ?, '2999-01-01T00:00:00.000Z')",
        [claim.id, claim.analyst_id],
    )
    path = tmp_path / "a.csv"
    export_annotations_csv(project.store, path)
    ids = [row["annotation_id"] for row in csv.DictReader(io.StringIO(path.read_text("utf-8-sig")))]
    assert ids.count(claim.id) == 1
    assert rows(path)[claim.id]["speaker"] == "Newer Name"


@pytest.mark.parametrize("start", [" =", "\u00a0 +", "\uff1d", "\uff20"])
def test_formulas_behind_spaces_and_full_width_operators_are_neutralised(
    fresh_store: Store, tmp_path: Path, start: str
) -> None:
    doc = add_document(fresh_store)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = tag(session, doc, "Claim", 0, 6, note=f'{start}HYPERLINK("http://x")')
    for table in (export_annotations_csv, export_claims_csv):
        path = tmp_path / "safe.csv"
        table(fresh_store, path)
        assert rows(path)[claim.id]["note"] == f'\'{start}HYPERLINK("http://x")'
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


# -- what the source says about itself, and pages ----------------------------------------------

PAGED_TEXT = "Page one: the minister spoke.\nPage two: the talks.\nPage three: a claim here."


def add_sourced(
    store: Store,
    text: str = PAGED_TEXT,
    *,
    pages: bool = True,
    title: str = "Statement",
    published: str | None = "2022-04-26",
    **meta: str,
) -> DocumentId:
    """A document as the importers of web pages and PDFs add it: metadata, page map, original.
    With `pages`, each line of `text` is a page."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"] if pages else []
    extracted = ExtractedDocument(
        source=Path(f"{title}.pdf"),
        title=title,
        text=text,
        published=published,
        report=ImportReport(f"{title}.pdf", "pdf", "pdf", False),
        meta=SourceMeta(title=title, **meta),
        page_starts=starts,
        original=Original(b"%PDF-1.4 fake", "application/pdf", f"{title}.pdf"),
    )
    summary, created = store.documents.add(extracted, analyst_id=None)
    assert created
    return summary.id


SOURCE = {
    "outlet": "Xinhua",
    "author": "Li Wei; Wang Fang",
    "url": "https://english.news.cn/20220426/abc.htm",
    "language": "en",
}


def test_source_columns_sit_beside_the_document_and_page_beside_the_offsets() -> None:
    for columns, after in ((ANNOTATION_COLUMNS, "source"), (CLAIM_COLUMNS, "published")):
        at = columns.index(after) + 1
        assert columns[at : at + 4] == ("outlet", "author", "url", "language")
        assert columns[columns.index("end") + 1] == "page"


def test_both_tables_carry_the_source_and_the_page_of_each_annotation(
    fresh_store: Store, tmp_path: Path
) -> None:
    doc = add_sourced(fresh_store, **SOURCE)
    plain = add_document(fresh_store)  # a text file: no metadata, no pages
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    first = tag(session, doc, "Claim", 0, 8)
    # Starting on the last character of page two and running into page three: page two.
    boundary = PAGED_TEXT.index("Page three") - 1
    across = tag(session, doc, "Claim", boundary - 5, boundary + 6)
    last = tag(session, doc, "Claim", PAGED_TEXT.index("a claim"), len(PAGED_TEXT))
    unpaged = tag(session, plain, "Claim", 0, 6)
    for table in (export_annotations_csv, export_claims_csv):
        path = tmp_path / "a.csv"
        table(fresh_store, path)
        got = rows(path)
        for column, value in SOURCE.items():
            assert got[first.id][column] == value
            assert got[unpaged.id][column] == ""
        pages = {a.id: got[a.id]["page"] for a in (first, across, last, unpaged)}
        assert pages == {first.id: "1", across.id: "2", last.id: "3", unpaged.id: ""}
        document = fresh_store.documents.get(doc)
        assert [document.page_at(a.start) for a in (first, across, last)] == [1, 2, 3]


def test_source_cells_are_neutralised_unless_raw(fresh_store: Store, tmp_path: Path) -> None:
    doc = add_sourced(
        fresh_store,
        outlet='=HYPERLINK("http://x")',
        author="@everyone",
        url="+1-555-0100",
        language="-x",
        pages=False,
    )
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = tag(session, doc, "Claim", 0, 8)
    for table in (export_annotations_csv, export_claims_csv):
        safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
        table(fresh_store, safe)
        table(fresh_store, raw, raw=True)
        row, raw_row = rows(safe)[claim.id], rows(raw)[claim.id]
        for column in ("outlet", "author", "url", "language"):
            assert raw_row[column][0] in "=@+-"
            assert row[column] == "'" + raw_row[column]
        assert row["page"] == ""


def test_a_span_name_that_starts_a_formula_once_on_one_line_is_neutralised(
    fresh_store: Store, tmp_path: Path
) -> None:
    doc = add_document(fresh_store, "Said\n=1+1 today.")
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    speaker = tag(session, doc, "Speaker", 4, 9)  # "\n=1+1": a formula once the break goes
    claim = tag(session, doc, "Claim", 10, 15)
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    for table in (export_annotations_csv, export_claims_csv):
        safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
        table(fresh_store, safe)
        table(fresh_store, raw, raw=True)
        assert rows(safe)[claim.id]["speaker"] == "'=1+1"
        assert rows(raw)[claim.id]["speaker"] == "=1+1"
    export_annotations_csv(fresh_store, tmp_path / "a.csv")
    assert rows(tmp_path / "a.csv")[speaker.id]["speaker"] == "'=1+1"


@pytest.mark.parametrize("table", [export_annotations_csv, export_claims_csv])
def test_the_tables_read_all_documents_in_one_pass_not_one_query_each(
    fresh_store: Store, tmp_path: Path, table: object
) -> None:
    assert callable(table)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))

    def add_coded(n: int) -> None:
        published = "2022-04-26" if n % 3 else None  # dated and undated documents
        text = f"Claim number {n} of many."
        doc = add_sourced(fresh_store, text, title=f"T{n}", pages=bool(n % 2), published=published)
        tag(session, doc, "Claim", 0, 5)

    def statements() -> int:
        seen: list[str] = []
        fresh_store.conn.set_trace_callback(seen.append)
        try:
            table(fresh_store, tmp_path / "x.csv")
        finally:
            fresh_store.conn.set_trace_callback(None)
        return len(seen)

    add_coded(0)
    one = statements()
    for n in range(1, 8):
        add_coded(n)
    assert statements() == one
    assert len(rows(tmp_path / "x.csv")) == 8


def test_the_stores_list_of_spaces_is_pythons() -> None:
    # The table query leaves a quote to Python only when it holds one of these: a space the
    # list missed would leave a name on two lines in SQL, unnoticed.
    spaces = {chr(c) for c in range(0x110000) if chr(c).isspace()} - {" "}
    assert set(SPACES) == spaces


def test_names_already_on_one_line_and_names_put_on_one_line_read_alike(
    fresh_store: Store, tmp_path: Path
) -> None:
    text = "Said =Wei  Fenghe and = Olga today. Speaker :Li  "
    doc = add_document(fresh_store, text)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))

    def at(quote: str, role: str) -> Annotation:
        start = text.index(quote)
        return tag(session, doc, role, start, start + len(quote))

    spaced = at("=Wei  Fenghe", "Speaker")  # two spaces in a row
    plain = at("= Olga", "Target")
    trailing = at(":Li ", "Speaker")  # ends in a space
    claim = tag(session, doc, "Claim", 0, 4)
    session.set_link(source_id=claim.id, kind="said_by", target_id=spaced.id)
    session.set_link(source_id=claim.id, kind="about", target_id=plain.id)
    path = tmp_path / "a.csv"
    export_annotations_csv(fresh_store, path)
    got = rows(path)
    assert (got[claim.id]["speaker"], got[claim.id]["target"]) == ("'=Wei Fenghe", "'= Olga")
    assert got[spaced.id]["speaker"] == "'=Wei Fenghe"
    assert got[trailing.id]["speaker"] == ":Li"
