"""`annotator summary`, `annotator chart` and `annotator report --corpus`: the same counts as
the Analysis view, as a table, CSV and JSON; charts and the corpus report written; bad input
refused with a message."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_analysis_counts import build_corpus

from annotator.cli import cli
from annotator.core.analysis import AnalysisFilter, pivot
from annotator.core.store import Store


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def project(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        build_corpus(store)
    return db_path


def test_summary_json_is_a_list_of_rows_with_one_key_per_field_and_count(project: Path) -> None:
    code, out = invoke(
        "summary", "--db", str(project), "--by", "speaker", "--by", "sentiment", "-f", "json"
    )
    assert code == 0, out
    rows = json.loads(out)
    assert {"speaker": "Wei Fenghe", "sentiment": "negative", "count": 4} in rows
    assert {"speaker": None, "sentiment": None, "count": 1} in rows
    with Store.open(project) as store:
        expected = pivot(store, ("speaker", "sentiment"), AnalysisFilter())
    assert [r["count"] for r in rows] == [r.count for r in expected.rows]


def test_summary_takes_the_query_layer_and_dates(project: Path) -> None:
    db = ("--db", str(project))
    code, out = invoke("summary", *db, "-f", "json", "target:kazakhstan", "--by", "sentiment")
    assert json.loads(out) == [{"sentiment": "negative", "count": 1}]
    code, out = invoke("summary", *db, "-f", "json", "--layer", "reviewed")
    assert json.loads(out) == [{"speaker": "Wei Fenghe", "count": 1}]
    code, out = invoke("summary", *db, "-f", "json", "--by", "month", "--since", "2022-05-01")
    assert json.loads(out) == [{"month": "2022-05", "count": 2}]
    code, out = invoke("summary", *db, "-f", "json", "--by", "label", "--all-labels")
    assert {"label": "Speaker", "count": 3} in json.loads(out)


def test_summary_table_shows_titles_totals_and_the_layer_note(project: Path) -> None:
    code, out = invoke("summary", "--db", str(project), "--by", "document")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["document", "count"]
    assert lines[1].split() == ["April", "4"]
    assert "7 annotations in 3 rows." in out
    assert "reviewed layer among them" in out


def test_summary_csv_to_a_file_neutralises_formulas(project: Path, tmp_path: Path) -> None:
    with Store.open(project) as store:
        store.conn.execute("UPDATE links SET name = '=HYPERLINK(1)' WHERE name = 'Wei Fenghe'")
    path = tmp_path / "speakers.csv"
    code, out = invoke("summary", "--db", str(project), "-f", "csv", "-o", str(path))
    assert code == 0, out
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["speaker", "count"]
    assert ["'=HYPERLINK(1)", "3"] in rows


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("label:Nope",), "No label “Nope”"),
        (("--layer", "Nobody"), "No analyst or layer “Nobody”"),
        (('"open',), "quotation mark"),
    ],
)
def test_summary_refuses_bad_filters_with_a_message(
    project: Path, args: tuple[str, ...], message: str
) -> None:
    code, out = invoke("summary", "--db", str(project), *args)
    assert code == 1 and message in out and "Traceback" not in out


def test_summary_refuses_an_unknown_field(project: Path) -> None:
    code, out = invoke("summary", "--db", str(project), "--by", "colour")
    assert code == 2 and "colour" in out


@pytest.mark.parametrize("kind", ["timeline", "heatmap", "bars"])
def test_chart_writes_each_kind(project: Path, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.svg"
    code, out = invoke("chart", kind, "--db", str(project), "-o", str(path))
    assert code == 0, out
    assert path.read_text("utf-8").lstrip().startswith("<?xml")


def test_chart_refuses_a_wrong_suffix_and_a_one_field_heatmap(
    project: Path, tmp_path: Path
) -> None:
    code, out = invoke("chart", "bars", "--db", str(project), "-o", str(tmp_path / "c.txt"))
    assert code == 1 and ".png, .svg or .pdf" in out
    code, out = invoke(
        "chart", "heatmap", "--by", "speaker", "--db", str(project), "-o", str(tmp_path / "c.png")
    )
    assert code == 1 and "two --by" in out
    assert list(tmp_path.glob("c.*")) == []


@pytest.mark.parametrize("suffix", [".html", ".pdf"])
def test_corpus_report_is_written(project: Path, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"corpus{suffix}"
    code, out = invoke("report", "--corpus", "--db", str(project), "-o", str(path))
    assert code == 0, out
    assert "Wrote the corpus report (7 annotations)" in out
    data = path.read_bytes()
    if suffix == ".pdf":
        assert data.startswith(b"%PDF")
    else:
        text = data.decode("utf-8")
        assert "<svg" in text and "Wei Fenghe" in text and "Speakers by sentiment" in text


def test_corpus_report_escapes_names_in_html(project: Path, tmp_path: Path) -> None:
    with Store.open(project) as store:
        store.conn.execute("UPDATE links SET name = '<script>x</script>' WHERE name = 'Wei Fenghe'")
    path = tmp_path / "corpus.html"
    code, out = invoke("report", "--corpus", "--db", str(project), "-o", str(path))
    assert code == 0, out
    assert "<script>" not in path.read_text("utf-8")


def test_report_needs_a_document_or_corpus(project: Path, tmp_path: Path) -> None:
    code, out = invoke("report", "--db", str(project), "-o", str(tmp_path / "r.html"))
    assert code == 2 and "--corpus" in out


def test_chart_heatmap_of_labels_occurring_together(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core import analysis

    drawn: list[analysis.Pivot] = []
    monkeypatch.setattr(analysis, "draw_heatmap", lambda _figure, counted: drawn.append(counted))
    path = str(tmp_path / "labels.svg")
    for within in ("sentence", "document"):
        code, out = invoke(
            "chart", "heatmap", "--by", "label", "--by", "label", "--within", within,
            "--db", str(project), "-o", path,
        )  # fmt: skip
        assert code == 0, out
    code, out = invoke(
        "chart", "heatmap", "--by", "label", "--by", "label", "--label", "Claim",
        "--db", str(project), "-o", path,
    )  # fmt: skip
    assert code == 0, out
    with Store.open(project, create=False) as store:
        every = AnalysisFilter(label=None)
        assert drawn[0] == analysis.cooccurrence(store, "sentence", every)
        assert drawn[1] == analysis.cooccurrence(store, "document", every)
        assert drawn[2] == analysis.cooccurrence(store, "document", AnalysisFilter())
    assert len({row.keys[0] for row in drawn[0].rows}) > 1  # every label by default
    assert {row.keys for row in drawn[2].rows} == {("Claim", "Claim")}


def test_chart_within_is_for_labels_occurring_together(project: Path, tmp_path: Path) -> None:
    code, out = invoke(
        "chart", "heatmap", "--within", "sentence", "--db", str(project),
        "-o", str(tmp_path / "c.png"),
    )  # fmt: skip
    assert code == 1 and "--by label --by label" in out
    assert list(tmp_path.glob("c.*")) == []
