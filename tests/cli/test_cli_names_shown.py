"""Titles, analyst names, labels, file names and paths reach the terminal through `shown`:
escape sequences and bidi overrides are printed visibly by every command, never sent raw;
JSON on stdout stays exact once parsed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_copies import CLAIM, DECOY_TOPIC, ORIGINAL, republished, source, tag

from annotator.cli import cli
from annotator.core.ingest import import_sources
from annotator.core.session import Session
from annotator.core.store import Store

#: Recolours the screen, retitles the window, rings the bell, then reverses the line.
EVIL = "Evil\x1b[31mRED\x1b]0;pwned\x07\u202eTXT"
SHOWN = "Evil\\x1b[31mRED\\x1b]0;pwned\\x07\\u202eTXT"
RAW = ("\x1b", "\x07", "\u202e")


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, AssertionError | TypeError), result.exc_info
    assert all(char not in result.output for char in RAW), repr(result.output)
    return result.output


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """In a folder named with EVIL: a document titled EVIL (outlet EVIL) annotated by
    "Ana" and by an analyst named EVIL, its syndicated copy, and a decoy."""
    folder = tmp_path / f"dir {EVIL}"
    folder.mkdir()
    path = folder / "p.sqlite"
    with Store.open(path) as store:
        import_sources(
            store,
            [
                source(f"Second rail {EVIL}", ORIGINAL, outlet=f"Xinhua {EVIL}"),
                source("Khorgos crossing doubled", DECOY_TOPIC),
            ],
            analyst_id=None,
        )
        doc = next(d for d in store.documents.list() if d.title.startswith("Second"))
        for name in ("Ana", EVIL):
            tag(Session(store, store.ensure_analyst(name)), doc.id, "Claim", CLAIM)
    copy = tmp_path / "copy.txt"
    copy.write_text(republished(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "-q", str(copy), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _doc(project: Path) -> str:
    with Store.open(project) as store:
        return next(d.id for d in store.documents.list() if d.title.startswith("Second"))


def test_list_shows_titles_and_the_path_escaped(project: Path) -> None:
    out = invoke("list", "--db", str(project))
    assert f"Second rail {SHOWN}" in out and f"dir {SHOWN}" in out


def test_search_shows_titles_names_and_labels_escaped(project: Path) -> None:
    assert f"Second rail {SHOWN}" in invoke("search", "corridor", "--db", str(project))
    out = invoke("search", "-a", "corridor", "--db", str(project))
    assert f"Claim · {SHOWN}" in out and f"— Second rail {SHOWN}" in out


def test_search_json_is_exact_once_read(project: Path) -> None:
    out = invoke("search", "corridor", "--format", "json", "--db", str(project))
    assert f"Second rail {EVIL}" in {hit["title"] for hit in json.loads(out)}


def test_copies_show_titles_and_outlets_escaped(project: Path) -> None:
    out = invoke("copies", "--db", str(project))
    assert f"Second rail {SHOWN}" in out
    data = json.loads(invoke("copies", "--format", "json", "--db", str(project)))
    assert data[0]["original"]["title"] == f"Second rail {EVIL}"


def test_export_shows_the_file_written_escaped(project: Path) -> None:
    out = invoke("export", "-f", "csv", "-o", str(project.parent / "out.csv"), "--db", str(project))
    assert f"dir {SHOWN}" in out and "out.csv" in out


def test_report_shows_the_title_and_file_escaped(project: Path) -> None:
    output = project.parent / "report.html"
    out = invoke("report", _doc(project), "-o", str(output), "--db", str(project))
    assert f"“Second rail {SHOWN}”" in out and f"dir {SHOWN}" in out


def test_agreement_shows_analyst_names_escaped(project: Path) -> None:
    out = invoke("agreement", "--db", str(project))
    assert SHOWN in out
    written = project.parent / "agreement.json"
    out = invoke("agreement", "-f", "json", "-o", str(written), "--db", str(project))
    assert f"dir {SHOWN}" in out
    assert EVIL in _names(written.read_text(encoding="utf-8"))  # a file keeps the data exact
    assert EVIL in _names(invoke("agreement", "-f", "json", "--db", str(project)))


def _names(agreement_json: str) -> list[str]:
    return [analyst["name"] for analyst in json.loads(agreement_json)["analysts"]]


def test_merge_and_import_annotations_show_file_names_escaped(project: Path) -> None:
    other = project.parent / f"theirs {EVIL}.sqlite"
    shutil.copyfile(project, other)
    assert f"theirs {SHOWN}.sqlite" in invoke("merge", str(other), "--db", str(project))
    exported = project.parent / f"ann {EVIL}.jsonl"
    invoke("export", "-f", "jsonl", "-o", str(exported), "--db", str(project))
    assert f"ann {SHOWN}.jsonl" in invoke("import-annotations", str(exported), "--db", str(project))


def test_check_shows_titles_in_its_findings_escaped(project: Path) -> None:
    with Store.open(project) as store:
        store.conn.execute("UPDATE annotations SET quote = 'changed'")
    out = invoke("check", "--db", str(project))
    assert f"“Second rail {SHOWN}”" in out and "problem(s) found" in out


def test_backup_and_backups_show_paths_escaped(project: Path) -> None:
    assert f"dir {SHOWN}" in invoke("backup", "--db", str(project))
    out = invoke("backups", "--db", str(project))
    assert "backup(s) of" in out and f"dir {SHOWN}" in out and "manual.sqlite" in out


def test_a_missing_project_is_named_escaped(tmp_path: Path) -> None:
    out = invoke("list", "--db", str(tmp_path / f"{EVIL}.sqlite"))
    assert f"There is no project at {tmp_path / SHOWN}.sqlite" in out
