"""`annotator copies`: groups as a table and JSON, --apply with its report, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_copies import (
    CLAIM,
    DECOY_TOPIC,
    LAST,
    ORIGINAL,
    SPEAKER,
    republished,
    source,
    tag,
)

from annotator.cli import cli
from annotator.core.ingest import import_sources
from annotator.core.session import Session
from annotator.core.store import Store

#: A text file's title is its first line.
COPY = "Steppe Gazette — Business"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def project(db_path: Path, tmp_path: Path) -> Path:
    """The original (annotated) and a decoy imported with their outlets; the copy through
    `annotator import`."""
    with Store.open(db_path) as store:
        import_sources(
            store,
            [
                source("Second rail corridor opens", ORIGINAL, outlet="Xinhua",
                       published="2024-03-14"),
                source("Khorgos crossing doubled", DECOY_TOPIC, outlet="Astana Times"),
            ],
            analyst_id=None,
        )  # fmt: skip
        doc = next(d for d in store.documents.list() if d.title.startswith("Second"))
        session = Session(store, store.ensure_analyst("Ana"))
        claim = tag(session, doc.id, "Claim", CLAIM, sentiment="positive")
        speaker = tag(session, doc.id, "Speaker", SPEAKER)
        session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
        tag(session, doc.id, "Claim", LAST)
    copy = tmp_path / "2024-03-15 New rail corridor to Europe.txt"
    copy.write_text(republished(), encoding="utf-8")
    code, out = invoke("import", "--db", str(db_path), "-q", str(copy))
    assert code == 0, out
    return db_path


def test_help_names_the_options() -> None:
    code, out = invoke("copies", "--help")
    assert code == 0
    for option in ("--apply", "--layer", "--format", "table|json", "--db", "--analyst"):
        assert option in out


def test_groups_as_a_table(project: Path) -> None:
    code, out = invoke("copies", "--db", str(project))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "DATE", "OUTLET", "SIMILAR", "CHARS", "TITLE"]
    assert "2024-03-14" in lines[1] and "Xinhua" in lines[1] and "original" in lines[1]
    assert lines[1].endswith("Second rail corridor opens")
    assert "2024-03-15" in lines[2] and f"└ {COPY}" in lines[2]
    assert "%" in lines[2]
    assert lines[-1] == "1 group(s), 1 copy"
    assert "Khorgos crossing doubled" not in out


def test_groups_as_json(project: Path) -> None:
    code, out = invoke("copies", "--db", str(project), "--format", "json")
    assert code == 0, out
    (group,) = json.loads(out)
    assert group["original"]["title"] == "Second rail corridor opens"
    assert group["original"]["outlet"] == "Xinhua"
    (copy,) = group["copies"]
    assert copy["title"] == COPY
    assert 0.85 < copy["similarity"] <= 1 and copy["found_at"]


def test_one_documents_group_and_none(project: Path) -> None:
    code, out = invoke("copies", COPY, "--db", str(project))
    assert code == 0 and "Second rail corridor opens" in out
    code, out = invoke("copies", "Khorgos crossing doubled", "--db", str(project))
    assert code == 1 and "No syndicated copies found." in out
    code, out = invoke("copies", "Khorgos crossing doubled", "--db", str(project), "--format",
                       "json")  # fmt: skip
    assert code == 1 and json.loads(out) == []


def test_unknown_document_and_usage_errors(project: Path) -> None:
    code, out = invoke("copies", "No such article", "--db", str(project))
    assert code == 1 and "matches no document" in out
    code, out = invoke("copies", "--apply", "--db", str(project))
    assert code == 2 and "--apply needs the DOCUMENT" in out
    code, out = invoke("copies", "--layer", "Ana", "--db", str(project))
    assert code == 2


def test_a_project_without_copies(db_path: Path) -> None:
    Store.open(db_path).close()
    code, out = invoke("copies", "--db", str(db_path))
    assert code == 1 and "No syndicated copies found." in out


def test_apply_lists_what_a_copy_lacks_and_adds_nothing_twice(project: Path) -> None:
    args = ("copies", "Second rail corridor opens", "--apply", "--db", str(project))
    code, out = invoke(*args, "--analyst", "Bea")
    assert code == 1, out  # the trimmed paragraph's claim could not be placed
    assert "2 added" in out and "links: 1 added" in out
    assert "Not in this copy (1):" in out and LAST in out
    code, out = invoke(*args, "--analyst", "Bea", "--format", "json")
    assert code == 1
    report = json.loads(out)
    (copy,) = report["copies"]
    assert (copy["added"], copy["unchanged"], copy["links_unchanged"]) == (0, 2, 1)
    assert [o["quote"] for o in copy["orphans"]] == [LAST]
    assert report["annotations"] == 3 and report["complete"] is False


def test_apply_of_a_layer_that_is_complete_exits_0(project: Path) -> None:
    with Store.open(project) as store:
        doc = next(d for d in store.documents.list() if d.title.startswith("Second"))
        tag(Session(store, store.ensure_analyst("Olga")), doc.id, "Target", "Kazakhstan")
    code, out = invoke("copies", doc.id[:8], "--apply", "--layer", "Olga", "--db", str(project))
    assert code == 0, out
    assert "1 added" in out
    code, out = invoke("copies", "Khorgos crossing doubled", "--apply", "--db", str(project))
    assert code == 1 and "has no syndicated copies" in out
