"""The quick check before a command runs once per change of the file: a project that passed it
and that nothing changed since is not read whole again; another program's write, a file put in
its place, or damage found while reading makes the next command check again. A command's own
writes keep a checked project checked."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.safety import check, verified
from annotator.core.session import Session
from annotator.core.store import Store
from support import SAMPLE, SAMPLES


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every quick check made, by the path it read."""
    made: list[Path] = []
    real = check._quick_checked

    def counted(path: Path) -> tuple[str | None, bool]:
        made.append(path)
        return real(path)

    monkeypatch.setattr(check, "_quick_checked", counted)
    return made


@pytest.fixture
def project(db_path: Path) -> Path:
    """A project made by another program (not by a command): never checked yet."""
    with Store.open(db_path) as store:
        store.ensure_analyst("Ana")
    return db_path


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_second_command_on_an_unchanged_project_skips_the_check(
    project: Path, checks: list[Path]
) -> None:
    run("list", "--db", str(project))
    assert checks == [project]
    run("list", "--db", str(project))
    run("export", "-f", "csv", "-o", str(project.parent / "out.csv"), "--db", str(project))
    assert checks == [project]


def test_another_programs_write_makes_the_next_command_check_again(
    project: Path, checks: list[Path]
) -> None:
    run("list", "--db", str(project))
    with Store.open(project) as store:  # the window, another program
        store.ensure_analyst("Bea")
    run("list", "--db", str(project))
    assert checks == [project, project]
    run("list", "--db", str(project))
    assert len(checks) == 2


def test_a_write_the_window_keeps_in_its_log_makes_the_next_command_check(
    project: Path, checks: list[Path]
) -> None:
    run("list", "--db", str(project))
    window = Store.open(project)  # open all along: its writes stay in the -wal
    try:
        doc = run("import", "-q", str(SAMPLE), "--db", str(project))
        assert "Imported 1" in doc
        run("list", "--db", str(project))
        assert len(checks) == 1  # the import's own write kept it checked
        with window.transaction():
            window.set_meta("window", "was here")
        run("list", "--db", str(project))
        assert len(checks) == 2
    finally:
        window.close()


def test_a_commands_own_writes_keep_the_project_checked(project: Path, checks: list[Path]) -> None:
    run("list", "--db", str(project))
    run("import", "-q", str(SAMPLES / "press-release-2024-01-09-emoji-launch.md"),
        "--db", str(project))  # fmt: skip
    with Store.open(project) as store:
        doc = store.documents.list()[0]
        claim = store.codebook.get().by_name("Claim").id
        Session(store, store.ensure_analyst("Ana")).create_annotation(
            document_id=doc.id, label_id=claim, start=0, end=4
        )
    run("list", "--db", str(project))  # changed by another program: checked
    out = project.parent / "a.jsonl"
    run("export", "-f", "jsonl", "-o", str(out), "--db", str(project))
    run("import-annotations", str(out), "--db", str(project), "--analyst", "Bea")
    run("backup", "--db", str(project))
    run("list", "--db", str(project))
    assert checks == [project, project]


def test_a_file_put_in_its_place_is_checked(project: Path, checks: list[Path]) -> None:
    run("list", "--db", str(project))
    copy = project.parent / "copy.sqlite"
    shutil.copyfile(project, copy)
    copy.replace(project)  # same bytes, same size: another file all the same
    run("list", "--db", str(project))
    assert checks == [project, project]


def test_damage_made_after_a_check_is_found_by_the_next_command(
    project: Path, checks: list[Path]
) -> None:
    run("list", "--db", str(project))
    data = bytearray(project.read_bytes())
    data[4096 : 3 * 4096] = bytes(2 * 4096)
    project.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["list", "--db", str(project)])
    assert result.exit_code == 1
    assert f"{project} is damaged" in result.output and "annotator restore" in result.output
    again = CliRunner().invoke(cli, ["list", "--db", str(project)])
    assert again.exit_code == 1 and len(checks) == 3  # damage is never remembered as sound


def test_damage_found_while_reading_forgets_the_check(project: Path, checks: list[Path]) -> None:
    run("list", "--db", str(project))
    assert verified.is_remembered(verified.identity(project))
    from annotator.core.store.documents import Documents

    def unreadable(self: Documents) -> list[object]:
        raise sqlite3.DatabaseError("database disk image is malformed")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Documents, "list", unreadable)
        result = CliRunner().invoke(cli, ["list", "--db", str(project)])
    assert result.exit_code == 1 and "damaged" in result.output
    assert not verified.is_remembered(verified.identity(project))
    run("list", "--db", str(project))
    assert len(checks) == 2


def test_a_passing_check_command_counts_as_the_quick_check(
    project: Path, checks: list[Path]
) -> None:
    assert "no problems found" in run("check", "--db", str(project))
    run("list", "--db", str(project))
    assert checks == []


def test_a_lost_or_unreadable_record_only_means_checking_again(
    project: Path, checks: list[Path]
) -> None:
    run("list", "--db", str(project))
    record = verified.cache_dir() / "checked-projects.json"
    record.write_text("{not json", encoding="utf-8")
    run("list", "--db", str(project))
    assert len(checks) == 2
    record.unlink()
    run("list", "--db", str(project))
    assert len(checks) == 3
