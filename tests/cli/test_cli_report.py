"""`annotator report --by/--layer`: the report limited to some layers, named as for export
(the reviewed layer by its reserved name); unknown names refused with those that exist."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli import cli
from annotator.core.attribution import DocumentAnnotations
from annotator.core.review import compare_layers
from annotator.core.session import Session
from annotator.core.store import Store
from support import SAMPLE


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def project(db_path: Path) -> Path:
    """The sample article: Ana's claim and Olga's other claim, reviewed by Mei (Ana's kept)."""
    assert invoke("import", str(SAMPLE), "--db", str(db_path), "-q").exit_code == 0
    with Store.open(db_path) as store:
        doc = store.documents.list()[0].id
        claim = store.codebook.get().by_name("Claim").id
        ana = Session(store, store.ensure_analyst("Ana"))
        olga = Session(store, store.ensure_analyst("Olga"))
        mei = Session(store, store.ensure_analyst("Mei"))
        ana.create_annotation(document_id=doc, label_id=claim, start=0, end=20)
        olga.create_annotation(document_id=doc, label_id=claim, start=40, end=60)
        state = DocumentAnnotations(
            store.annotations.for_document(doc),
            store.annotations.links_for_document(doc),
            store.codebook.get(),
        )
        items = compare_layers(state, ana.analyst.id, olga.analyst.id)
        mei.review(
            state,
            [(items[0], "first"), (items[1], "reject")],
            first_layer=ana.analyst.id,
            second_layer=olga.analyst.id,
        )
    return db_path


class _Rows(HTMLParser):
    """The cells of each row of the report's table body."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._body = True
        elif self._body and tag == "tr":
            self.rows.append([])
        elif self._body and tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def report(project: Path, out: Path, *args: str) -> tuple[Result, list[tuple[str, str]]]:
    """Run `annotator report` to HTML: the result and (number, analyst) of each row."""
    result = invoke(
        "report", "Global Times Wei Fenghe Kazakhstan", "-o", str(out), "--db", str(project), *args
    )
    if result.exit_code != 0 or not out.exists():
        return result, []
    parser = _Rows()
    parser.feed(out.read_text(encoding="utf-8"))
    return result, [(row[0], row[6]) for row in parser.rows]


def test_report_of_every_layer_by_default(project: Path, tmp_path: Path) -> None:
    result, rows = report(project, tmp_path / "all.html")
    assert result.exit_code == 0 and result.stderr == ""
    assert sorted(analyst for _n, analyst in rows) == ["Ana", "Olga", "reviewed"]


@pytest.mark.parametrize(
    ("args", "analysts"),
    [
        (("--by", "Olga"), ["Olga"]),
        (("--by", "Olga", "--by", "Ana"), ["Ana", "Olga"]),
        (("--layer", "reviewed"), ["reviewed"]),
        (("--layer", "Ana"), ["Ana"]),
        (("--by", "Olga", "--layer", "reviewed"), ["Olga", "reviewed"]),
    ],
)
def test_report_limited_to_layers(
    project: Path, tmp_path: Path, args: tuple[str, ...], analysts: list[str]
) -> None:
    result, rows = report(project, tmp_path / "r.html", *args)
    assert result.exit_code == 0, result.output
    assert sorted(analyst for _n, analyst in rows) == analysts
    assert [n for n, _a in rows] == [str(i) for i in range(1, len(rows) + 1)]  # renumbered


def test_pdf_report_limited_to_a_layer(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = invoke(
        "report",
        "Global Times Wei Fenghe Kazakhstan",
        "-o",
        str(out),
        "--layer",
        "reviewed",
        "--db",
        str(project),
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_unknown_analyst_or_layer_is_refused_with_the_names_that_exist(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    result, _ = report(project, out, "--by", "Bob")
    assert result.exit_code == 1
    assert "No analyst called “Bob” in this project (there are: Ana, Mei, Olga" in result.output
    result, _ = report(project, out, "--layer", "nobody")
    assert result.exit_code == 1 and "No layer called “nobody”" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_help_shows_by_and_layer() -> None:
    text = " ".join(invoke("report", "--help").output.split())
    assert "--by ANALYST" in text and "--layer NAME" in text
