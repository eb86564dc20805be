"""`annotator recurrences`: a claim's restatements in other documents, as JSON and a table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.session import Session
from annotator.core.store import Store
from support import SAMPLE

CLAIM = "China firmly opposes external forces deliberately instigating a “color revolution”"
RESTATED = (
    "Officials met on Tuesday. In Kazakhstan, external forces deliberately instigating a "
    "'colour revolution' are something China firmly opposes, the ministry said. Trade grew."
)
DECOY = "Traders said external forces weighed on the market in Kazakhstan this week."


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def project(db_path: Path, tmp_path: Path) -> tuple[Path, str]:
    (tmp_path / "restated.txt").write_text(RESTATED, encoding="utf-8")
    (tmp_path / "decoy.txt").write_text(DECOY, encoding="utf-8")
    files = [str(SAMPLE), str(tmp_path / "restated.txt"), str(tmp_path / "decoy.txt")]
    code, out = invoke("import", "--db", str(db_path), "-q", *files)
    assert code == 0, out
    with Store.open(db_path) as store:
        doc = next(d for d in store.documents.list() if "Wei" in d.title)
        text = store.documents.text(doc.id)
        start = text.index(CLAIM)
        claim, _ = Session(store, store.ensure_analyst("Ana")).create_annotation(
            document_id=doc.id,
            label_id=store.codebook.get().by_name("Claim").id,
            start=start,
            end=start + len(CLAIM),
        )
    return db_path, claim.id


def test_json_hits_carry_the_passage_and_its_score(project: tuple[Path, str]) -> None:
    db_path, claim_id = project
    code, out = invoke("recurrences", "--db", str(db_path), claim_id, "-f", "json")
    assert code == 0, out
    hits = json.loads(out)
    assert len(hits) == 1
    hit = hits[0]
    assert set(hit) == {"document_id", "document_title", "start", "end", "quote", "score"}
    assert hit["document_title"] == "Restated"
    assert RESTATED[hit["start"] : hit["end"]] == hit["quote"]
    assert hit["quote"].startswith("In Kazakhstan, external forces")
    assert 0.6 <= hit["score"] <= 1


def test_text_claims_and_the_table(project: tuple[Path, str]) -> None:
    db_path, _claim_id = project
    code, out = invoke(
        "recurrences",
        "--db",
        str(db_path),
        "external forces instigating a colour revolution",
        "-n",
        "5",
    )
    assert code == 0, out
    assert "Restated" in out and "Decoy" not in out
    assert "passage(s)" in out


def test_nothing_found_exits_1_and_a_wordless_claim_is_a_usage_error(
    project: tuple[Path, str],
) -> None:
    db_path, _claim_id = project
    code, out = invoke("recurrences", "--db", str(db_path), "grain corridor tariffs", "-f", "json")
    assert (code, json.loads(out)) == (1, [])
    result = CliRunner().invoke(cli, ["recurrences", "--db", str(db_path), "the"])
    assert result.exit_code == 2
    assert "no words" in result.output
    assert "Traceback" not in result.output


def test_min_score_is_checked(project: tuple[Path, str]) -> None:
    db_path, claim_id = project
    result = CliRunner().invoke(cli, ["recurrences", "--db", str(db_path), claim_id, "-s", "2"])
    assert result.exit_code == 2
