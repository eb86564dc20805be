"""`annotator done DOCUMENT` / `--undo`: the analyst's finished mark, and agreement with it."""

from __future__ import annotations

import json
from pathlib import Path

from agreement_project import build
from click.testing import CliRunner, Result

from annotator.cli import cli
from annotator.core.store import Store
from annotator.core.store.finished import finished_by

TAGS = [
    ("Ana", "First", "Claim", "China firmly opposes external forces", "negative"),
    ("Olga", "First", "Claim", "China firmly opposes external forces", "negative"),
    ("Ana", "Second", "Claim", "Kazakhstan values the partnership with China", "positive"),
]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def overall_alpha(path: Path) -> tuple[int, float]:
    result = invoke("agreement", "--db", str(path), "-f", "json")
    assert result.exit_code == 0, result.output
    pair = json.loads(result.stdout)["pairs"][0]
    return pair["documents"], pair["overall"]["alpha"]["value"]


def test_done_marks_and_undo_unmarks_and_agreement_follows(db_path: Path) -> None:
    project = build(db_path, TAGS)
    db = str(project.path)
    assert overall_alpha(project.path) == (1, 1.0)

    result = invoke("done", "Second", "--db", db, "--analyst", "Olga")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Marked “Second” as done by Olga.\n"
    documents, alpha = overall_alpha(project.path)
    assert documents == 2 and alpha < 1  # Ana tagged something Olga read and left untagged

    again = invoke("done", "Second", "--db", db, "--analyst", "Olga")
    assert again.exit_code == 0 and "already marked done by Olga" in again.stdout

    listing = invoke("done", "--db", db)
    assert listing.exit_code == 0 and listing.stdout.startswith("Second: Olga (")

    undone = invoke("done", "--undo", "Second", "--db", db, "--analyst", "Olga")
    assert undone.exit_code == 0, undone.output
    assert undone.stdout == "“Second” is no longer marked done by Olga.\n"
    assert overall_alpha(project.path) == (1, 1.0)
    with Store.open(project.path) as store:
        assert finished_by(store.conn) == {}
        actions = [e.action for e in store.history() if e.entity == "finished"]
    assert actions == ["create", "delete"]


def test_refusals(db_path: Path) -> None:
    project = build(db_path, TAGS)
    db = str(project.path)
    unknown = invoke("done", "No such title", "--db", db, "--analyst", "Olga")
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output
    assert "No such title" in unknown.output
    lonely = invoke("done", "--undo", "--db", db)
    assert lonely.exit_code == 2 and "--undo needs the DOCUMENT" in lonely.output
    not_marked = invoke("done", "--undo", "First", "--db", db, "--analyst", "Olga")
    assert not_marked.exit_code == 0 and "nothing changed" in not_marked.stdout
