"""A project path with nothing there (a typing error in --db): only the window and the imports
make a new project, and say so on stderr; every other command refuses, naming the path, and
leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.store import Store
from support import SAMPLE

REFUSING = {
    "list": ["list"],
    "export": ["export", "-f", "csv", "-o", "{tmp}/out.csv"],
    "search": ["search", "China"],
    "backup": ["backup"],
    "backups": ["backups"],
    "check": ["check"],
    "merge": ["merge", "{tmp}/other.sqlite"],
    "report": ["report", "anything", "-o", "{tmp}/report.html"],
    "agreement": ["agreement"],
    "copies": ["copies"],
    "copies --apply": ["copies", "anything", "--apply"],
}


@pytest.mark.parametrize("command", list(REFUSING), ids=list(REFUSING))
def test_a_missing_project_is_refused_with_its_path(tmp_path: Path, command: str) -> None:
    typo = tmp_path / "typo.sqlite"
    args = [part.format(tmp=tmp_path) for part in REFUSING[command]]
    result = CliRunner().invoke(cli, [*args, "--db", str(typo)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert f"There is no project at {typo} (no such file)" in result.stderr
    assert "annotator import" in result.stderr  # how to make one
    assert not list(tmp_path.iterdir())  # no project, log or backups folder left behind


def test_an_empty_file_is_refused_and_left_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    result = CliRunner().invoke(cli, ["list", "--db", str(empty)])
    assert result.exit_code == 1
    assert f"There is no project at {empty} (the file is empty)" in result.stderr
    assert empty.stat().st_size == 0


def test_import_creates_the_project_and_says_so(tmp_path: Path) -> None:
    new = tmp_path / "sub" / "new.sqlite"
    result = CliRunner().invoke(cli, ["import", "-q", str(SAMPLE), "--db", str(new)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Created a new project at {new}\n"
    with Store.open(new, create=False) as store:
        assert len(store.documents.list()) == 1
    again = CliRunner().invoke(cli, ["import", "-q", str(SAMPLE), "--db", str(new)])
    assert "Created" not in again.stderr  # only when it was made


def test_importing_annotations_creates_the_project_and_says_so(tmp_path: Path) -> None:
    source = tmp_path / "a.sqlite"
    CliRunner().invoke(cli, ["import", "-q", str(SAMPLE), "--db", str(source)])
    out = tmp_path / "a.jsonl"
    CliRunner().invoke(cli, ["export", "-f", "jsonl", "-o", str(out), "--db", str(source)])
    new = tmp_path / "b.sqlite"
    result = CliRunner().invoke(cli, ["import-annotations", str(out), "--db", str(new)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Created a new project at {new}\n"


def test_a_new_project_that_keeps_nothing_is_not_left_behind(tmp_path: Path) -> None:
    new = tmp_path / "fetched.sqlite"
    # Nothing listens on port 9: the address fails, nothing is imported.
    result = CliRunner().invoke(cli, ["fetch", "http://127.0.0.1:9/a", "--db", str(new)])
    assert f"Created a new project at {new}\n" in result.stderr
    assert "Nothing was kept, so the new project" in result.stderr
    assert not new.exists() and not list(tmp_path.glob("fetched.sqlite*"))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"type": "document"\n', encoding="utf-8")
    other = tmp_path / "other.sqlite"
    result = CliRunner().invoke(cli, ["import-annotations", str(broken), "--db", str(other)])
    assert result.exit_code != 0 and not other.exists()


def test_backups_of_a_lost_project_are_never_removed_with_an_empty_new_one(
    tmp_path: Path,
) -> None:
    project = tmp_path / "lost.sqlite"
    CliRunner().invoke(cli, ["import", "-q", str(SAMPLE), "--db", str(project)])
    assert CliRunner().invoke(cli, ["backup", "--db", str(project)]).exit_code == 0
    for leftover in tmp_path.glob("lost.sqlite*"):
        if leftover.is_file():
            leftover.unlink()  # the project is lost; its backups folder stays
    backups = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert backups and any(backups[0].iterdir())
    CliRunner().invoke(cli, ["fetch", "http://127.0.0.1:9/a", "--db", str(project)])
    assert backups[0].exists() and any(backups[0].iterdir())


def test_restore_brings_a_lost_project_back(tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite"
    CliRunner().invoke(cli, ["import", "-q", str(SAMPLE), "--db", str(project)])
    CliRunner().invoke(cli, ["backup", "--db", str(project)])
    project.unlink()
    listed = CliRunner().invoke(cli, ["backups", "--db", str(project)])
    assert listed.exit_code == 0 and "manual.sqlite" in listed.output
    backup = next(p for p in (tmp_path / "p.backups").iterdir() if "manual" in p.name)
    result = CliRunner().invoke(cli, ["restore", str(backup), "-y", "--db", str(project)])
    assert result.exit_code == 0, result.output
    assert "1 document(s)" in CliRunner().invoke(cli, ["list", "--db", str(project)]).output
