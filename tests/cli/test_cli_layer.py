"""`annotator export --layer`: the reviewed layer by its reserved name, analysts' layers as with
--by, repeatable, and a union with --by; unknown layers refused with the layers listed."""

from __future__ import annotations

import csv
import json
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


def export(project: Path, out: Path, *args: str, fmt: str = "csv") -> Result:
    return invoke("export", "-f", fmt, "-o", str(out), "--db", str(project), *args)


def layers(path: Path) -> list[tuple[str, str]]:
    """(analyst, reviewed_by) of each exported row."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [(r["analyst"], r["reviewed_by"]) for r in csv.DictReader(fh)]


def test_layer_reviewed_exports_only_the_reviewed_layer(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    result = export(project, out, "--layer", "reviewed")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote 1 annotation to {out}\n"
    assert layers(out) == [("reviewed", "Mei")]
    jsonl = tmp_path / "r.jsonl"
    assert export(project, jsonl, "--layer", "reviewed", fmt="jsonl").exit_code == 0
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    kinds = [r["type"] for r in records]
    assert kinds == ["document", "annotation", "review_decision", "review_decision"]
    assert records[1]["layer"] == "reviewed"


def test_layer_with_an_analysts_name_is_by(project: Path, tmp_path: Path) -> None:
    by, layer = tmp_path / "by.csv", tmp_path / "layer.csv"
    assert export(project, by, "--by", "Ana").exit_code == 0
    assert export(project, layer, "--layer", "Ana").exit_code == 0
    assert layer.read_bytes() == by.read_bytes()
    assert layers(layer) == [("Ana", "")]


def test_layers_repeat_and_combine_with_by_as_a_union(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "u.csv"
    assert export(project, out, "--layer", "reviewed", "--by", "Olga").exit_code == 0
    assert sorted(layers(out)) == [("Olga", ""), ("reviewed", "Mei")]
    assert export(project, out, "--layer", "reviewed", "--layer", "Ana").exit_code == 0
    assert sorted(layers(out)) == [("Ana", ""), ("reviewed", "Mei")]
    assert export(project, out, "--layer", "Ana", "--by", "Ana").exit_code == 0
    assert layers(out) == [("Ana", "")]  # named twice, exported once


def test_layer_by_any_name_of_the_reviewed_layer_and_its_namesake(
    project: Path, tmp_path: Path
) -> None:
    # An analyst called "reviewed" (from before the layer existed): --by reaches the person,
    # --layer reviewed still the layer, also by its own name.
    with Store.open(project) as store:
        store.conn.execute("UPDATE analysts SET name = 'reviewed layer' WHERE id = 'reviewed'")
        store.conn.execute("UPDATE analysts SET name = 'reviewed' WHERE name = 'Olga'")
    out = tmp_path / "n.csv"
    assert export(project, out, "--layer", "reviewed").exit_code == 0
    assert layers(out) == [("reviewed layer", "Mei")]
    assert export(project, out, "--layer", "reviewed layer").exit_code == 0
    assert layers(out) == [("reviewed layer", "Mei")]
    assert export(project, out, "--by", "reviewed").exit_code == 0
    assert layers(out) == [("reviewed", "")]


def test_an_unknown_layer_is_refused_listing_the_layers(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = export(project, out, "--layer", "final")
    assert result.exit_code == 1 and not out.exists()
    # (Importing the article named whoever ran it, too: the analysts come from the project.)
    assert "No layer called “final” in this project (there are: Ana, Mei, Olga, " in result.output
    assert result.output.rstrip().endswith(", the reviewed layer “reviewed”).")
    by = export(project, out, "--by", "Bob")
    assert by.exit_code == 1 and "the reviewed layer “reviewed”" in by.output


def test_help_explains_layer() -> None:
    text = " ".join(invoke("export", "--help").output.split())
    assert "--layer NAME" in text and "“reviewed” for the reviewed layer" in text
