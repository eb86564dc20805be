"""`annotator agreement`: table, CSV and JSON, files written atomically, formulas neutralised,
and clear refusals."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from agreement_project import TAGS, Project, build
from click.testing import CliRunner, Result

from annotator.cli import cli
from annotator.core.agreement import agreement_report
from annotator.core.store import Store


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def project(db_path: Path) -> Project:
    return build(db_path)


def expected_kappa(project: Project, first: str, second: str) -> float:
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        pair = agreement_report(store).pair(ids[first], ids[second])
    assert pair is not None and pair.overall.kappa.value is not None
    return pair.overall.kappa.value


def test_table_is_aligned_and_shows_every_pair(project: Project) -> None:
    result = invoke("agreement", "--db", str(project.path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Agreement of 3 analysts (Ana, Olga, Wei): 2 of 2 documents coded by two or more, "
        "26 tokens."
    )
    header = next(line for line in lines if line.startswith("pair / label"))
    ana_olga = next(line for line in lines if line.startswith("Ana – Olga"))
    assert f"{expected_kappa(project, 'Ana', 'Olga'):.3f}" in ana_olga.split()
    # Right-aligned columns: the κ column ends where its header ends.
    kappa_end = header.index(" κ ") + 2
    assert ana_olga[:kappa_end].endswith(f"{expected_kappa(project, 'Ana', 'Olga'):.3f}")
    assert any(line.startswith("Olga – Wei") for line in lines)
    assert any(line.startswith("  Claim") for line in lines)


def test_csv_rows_parse_and_match_the_report(project: Project) -> None:
    result = invoke(
        "agreement", "--db", str(project.path), "-f", "csv", "--by", "Ana", "--by", "Olga"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("scope,analyst_a,analyst_b,label,")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["scope"], r["label"]) for r in rows] == [
        ("all", ""),
        ("all", "Claim"),
        ("all", "Speaker"),
        ("all", "Target"),
        ("pair", ""),
        ("pair", "Claim"),
        ("pair", "Speaker"),
        ("pair", "Target"),
    ]
    overall = rows[4]
    assert (overall["analyst_a"], overall["analyst_b"]) == ("Ana", "Olga")
    assert float(overall["kappa"]) == pytest.approx(expected_kappa(project, "Ana", "Olga"))
    assert float(overall["exact_f1"]) == pytest.approx(0.2)
    assert float(overall["overlap_f1"]) == pytest.approx(0.6)
    assert overall["sentiment_pairs"] == "2"
    assert rows[6]["sentiment_alpha_nominal"] == ""  # undefined: empty, not "nan"


def test_csv_neutralises_names_a_spreadsheet_would_run(db_path: Path, tmp_path: Path) -> None:
    tags = [("=HYPERLINK(1)" if t[0] == "Olga" else t[0], *t[1:]) for t in TAGS]
    project = build(db_path, tags)  # type: ignore[arg-type]
    out = tmp_path / "agreement.csv"
    result = invoke("agreement", "--db", str(project.path), "-f", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote the agreement of 3 analysts on 2 documents to {out}\n"
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    names = {r["analyst_a"] for r in rows} | {r["analyst_b"] for r in rows}
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names
    # Numbers stay numbers: a negative kappa is not mistaken for a formula.
    assert any(r["kappa"].startswith("-") for r in rows)


def test_json_holds_everything(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "agreement.json"
    result = invoke("agreement", "--db", str(project.path), "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "code points" in data["tokenisation"]
    assert [a["name"] for a in data["analysts"]] == ["Ana", "Olga", "Wei"]
    assert [a["documents_coded"] for a in data["analysts"]] == [2, 2, 1]
    pair = next(p for p in data["pairs"] if (p["first"], p["second"]) == ("Ana", "Olga"))
    assert pair["overall"]["kappa"]["value"] == pytest.approx(
        expected_kappa(project, "Ana", "Olga")
    )
    assert pair["by_label"]["Claim"]["overlap"]["f1"] == 1.0
    speaker_sentiment = pair["by_label"]["Speaker"]["sentiment"]["alpha_nominal"]
    assert speaker_sentiment["value"] is None and speaker_sentiment["reason"]
    assert data["all"]["documents"] == 2 and "Claim" in data["all"]["by_label"]


def test_scope_options(project: Project) -> None:
    result = invoke(
        "agreement",
        "--db",
        str(project.path),
        "-f",
        "json",
        "--document",
        "First",
        "--label",
        "Claim",
        "--by",
        "Wei",
        "--by",
        "Ana",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == 1 and data["labels"] == ["Claim"]
    (pair,) = data["pairs"]
    assert (pair["first"], pair["second"]) == ("Wei", "Ana")
    assert pair["overall"]["exact"]["f1"] == 1.0


def test_an_existing_file_is_replaced_whole(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "agreement.txt"
    out.write_text("old content that is longer than nothing\n" * 100, encoding="utf-8")
    assert invoke("agreement", "--db", str(project.path), "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("Agreement of 3 analysts") and "old content" not in text
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "Ana", "--by", "Zoe"], "No analyst called “Zoe” in this project"),
        (["--label", "Quote"], "No label called “Quote”"),
        (["--document", "Third"], "No document has the id or title “Third” in this project"),
        (["--by", "Ana", "--by", "Ana"], "at least two analysts"),
    ],
)
def test_refusals_name_the_problem(project: Project, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["agreement", "--db", str(project.path), *args])
    assert result.exit_code != 0
    assert message in result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a crash


def test_nothing_to_compare(db_path: Path) -> None:
    project = build(
        db_path,
        [("Ana", "First", "Claim", "China", None), ("Olga", "Second", "Claim", "China", None)],
    )
    result = CliRunner().invoke(cli, ["agreement", "--db", str(project.path)])
    assert result.exit_code == 1
    assert "Nothing to compare: no document has annotations by two or more of Ana, Olga" in (
        result.output
    )


def test_one_analyst_only(db_path: Path) -> None:
    project = build(db_path, [("Ana", "First", "Claim", "China", None)])
    result = CliRunner().invoke(cli, ["agreement", "--db", str(project.path)])
    assert result.exit_code == 1
    assert "at least two analysts; 1 analyst annotated" in result.output


def test_a_missing_project_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.sqlite"
    result = CliRunner().invoke(cli, ["agreement", "--db", str(missing)])
    assert result.exit_code == 1 and not missing.exists()


def test_new_coefficients_in_every_format(project: Project, tmp_path: Path) -> None:
    with Store.open(project.path) as store:
        report = agreement_report(store)
        ids = {a.name: a.id for a in store.analysts()}
    pair = report.pair(ids["Ana"], ids["Olga"])
    assert pair is not None
    unitizing = pair.overall.alpha_unitizing.value
    fleiss = report.group.overall.fleiss_kappa.value
    assert unitizing is not None and fleiss is not None

    data = json.loads(invoke("agreement", "--db", str(project.path), "-f", "json").stdout)
    assert data["all"]["overall"]["fleiss_kappa"]["value"] == pytest.approx(fleiss)
    assert data["all"]["documents_coded_by_all"] == 1
    assert "krippendorff_alpha_unitizing" in data["all"]["by_label"]["Claim"]
    json_pair = next(p for p in data["pairs"] if (p["first"], p["second"]) == ("Ana", "Olga"))
    assert json_pair["overall"]["krippendorff_alpha_unitizing"]["value"] == pytest.approx(unitizing)
    assert "maximum matching" in data["overlap_matching"]
    assert [a["documents_finished"] for a in data["analysts"]] == [0, 0, 0]

    rows = list(
        csv.DictReader(
            io.StringIO(invoke("agreement", "--db", str(project.path), "-f", "csv").stdout)
        )
    )
    overall = next(r for r in rows if r["scope"] == "all" and r["label"] == "")
    assert float(overall["fleiss_kappa"]) == pytest.approx(fleiss)
    ana_olga = next(
        r for r in rows if (r["analyst_a"], r["analyst_b"], r["label"]) == ("Ana", "Olga", "")
    )
    assert float(ana_olga["krippendorff_alpha_unitizing"]) == pytest.approx(unitizing)
    assert ana_olga["fleiss_kappa"] == ""  # a pair has no Fleiss' kappa

    table = invoke("agreement", "--db", str(project.path)).stdout
    assert "Fleiss' κ" in table and "αU" in table
    assert f"{fleiss:.3f}" in table and f"{unitizing:.3f}" in table

    two = json.loads(
        invoke(
            "agreement", "--db", str(project.path), "-f", "json", "--by", "Ana", "--by", "Olga"
        ).stdout
    )
    reason = two["all"]["overall"]["fleiss_kappa"]
    assert reason["value"] is None and "three or more" in reason["reason"]
