"""backup, backups, restore and check on the command line: output and exit codes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.safety import backup_dir_for
from annotator.core.store import Store


def invoke(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def project(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        store.ensure_analyst("Ana")
    return db_path


@pytest.mark.parametrize("command", [["backup"], ["backups"], ["restore"], ["check"]])
def test_help(command: list[str]) -> None:
    code, out = invoke(*command, "--help")
    assert code == 0 and "Usage:" in out and "--db" in out


def test_backup_then_backups_lists_it(project: Path) -> None:
    code, out = invoke("backup", "--db", str(project))
    assert code == 0, out
    made = Path(out.strip().splitlines()[-1])
    assert made.is_file() and made.parent == backup_dir_for(project)
    code, out = invoke("backups", "--db", str(project))
    assert code == 0
    assert "1 backup(s)" in out and str(made) in out and "manual" in out and " ok" in out


def test_backups_when_there_are_none(project: Path) -> None:
    code, out = invoke("backups", "--db", str(project))
    assert code == 0 and "No backups" in out and str(backup_dir_for(project)) in out


def test_backup_of_a_missing_project_fails_without_creating_it(tmp_path: Path) -> None:
    absent = tmp_path / "absent.sqlite"
    code, out = invoke("backup", "--db", str(absent))
    assert code == 1 and "no project" in out
    assert not absent.exists()


def test_restore_with_yes(project: Path) -> None:
    _, out = invoke("backup", "--db", str(project))
    made = out.strip().splitlines()[-1]
    with Store.open(project) as store:
        store.ensure_analyst("Bea")
    code, out = invoke("restore", made, "--db", str(project), "--yes")
    assert code == 0, out
    assert "previous version was saved as" in out
    saved = Path(out.split("saved as ")[1].split()[0])
    assert saved.is_file() and saved.name.endswith("-before-restore.sqlite")
    with Store.open(project, create=False) as store:
        assert [a.name for a in store.analysts()] == ["Ana"]


def test_restore_asks_and_a_no_changes_nothing(project: Path) -> None:
    _, out = invoke("backup", "--db", str(project))
    made = out.strip().splitlines()[-1]
    with Store.open(project) as store:
        store.ensure_analyst("Bea")
    code, out = invoke("restore", made, "--db", str(project), input="n\n")
    assert code == 1 and "Replace" in out and "Aborted" in out
    with Store.open(project, create=False) as store:
        assert [a.name for a in store.analysts()] == ["Ana", "Bea"]
    code, out = invoke("restore", made, "--db", str(project), input="y\n")
    assert code == 0 and "Restored" in out


def test_restore_refuses_a_file_that_is_not_a_project(project: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.sqlite"
    notes.write_text("my notes")
    before = project.read_bytes()
    code, out = invoke("restore", str(notes), "--db", str(project), "--yes")
    assert code == 1 and "not an SQLite database" in out and "untouched" in out
    assert project.read_bytes() == before
    assert not backup_dir_for(project).exists()


def test_restore_over_a_damaged_project(project: Path) -> None:
    _, out = invoke("backup", "--db", str(project))
    made = out.strip().splitlines()[-1]
    project.write_bytes(b"SQLite format 3\x00" + b"\xee" * 3000)
    code, out = invoke("check", "--db", str(project))
    assert code == 1
    code, out = invoke("restore", made, "--db", str(project), "--yes")
    assert code == 0, out
    saved = Path(out.split("saved as ")[1].split()[0])
    assert saved.read_bytes() == b"SQLite format 3\x00" + b"\xee" * 3000
    code, out = invoke("check", "--db", str(project))
    assert code == 0 and "no problems found" in out


def test_check_reports_problems_with_exit_1(project: Path) -> None:
    code, out = invoke("check", "--db", str(project))
    assert code == 0 and "no problems found" in out
    conn = sqlite3.connect(project)
    conn.execute("UPDATE meta SET value = 'not json' WHERE key = 'sentiments'")
    conn.commit()
    conn.close()
    code, out = invoke("check", "--db", str(project))
    assert code == 1 and "sentiment values cannot be read" in out and "1 problem(s)" in out


def test_check_of_a_missing_project_fails_without_creating_it(tmp_path: Path) -> None:
    code, out = invoke("check", "--db", str(tmp_path / "absent.sqlite"))
    assert code == 1 and "no project" in out
    assert not (tmp_path / "absent.sqlite").exists()


def _damage_documents_table(path: Path) -> None:
    """A project that opens (its schema is intact) but whose documents cannot be read."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    at = (root[0] - 1) * size
    data[at : at + 100] = b"\xde\xad" * 50
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "command",
    [["list"], ["export", "-f", "csv", "-o", "{tmp}/out.csv"], ["search", "China"], ["check"]],
    ids=["list", "export", "search", "check"],
)
def test_a_damaged_project_gets_a_message_pointing_to_restore_not_a_traceback(
    project: Path, tmp_path: Path, command: list[str]
) -> None:
    from support import SAMPLE

    assert invoke("import", "--db", str(project), str(SAMPLE))[0] == 0
    _damage_documents_table(project)
    before = project.read_bytes()
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    result = CliRunner().invoke(cli, [*args, "--db", str(project)])
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, sqlite3.Error), result.exception  # no traceback
    assert "annotator restore" in result.output
    if command != ["check"]:
        assert "is damaged" in result.output and str(project) in result.output
    assert project.read_bytes() == before  # nothing written to it
    assert not (tmp_path / "out.csv").exists()


def _bobs_project(path: Path, phrases: tuple[str, ...]) -> list[str]:
    """Bob's project: the sample article with a claim on each phrase; their ids."""
    from support import SAMPLE

    assert invoke("import", "--db", str(path), str(SAMPLE))[0] == 0
    with Store.open(path) as store:
        doc = store.documents.list()[0]
        text = store.documents.get(doc.id).text
        bob = store.ensure_analyst("Bob")
        claim = store.codebook.get().by_name("Claim").id
        ids = []
        for phrase in phrases:
            start = text.index(phrase)
            record = store.annotations.new(
                document_id=doc.id,
                analyst_id=bob.id,
                label_id=claim,
                start=start,
                end=start + len(phrase),
            )
            store.annotations.put(record, analyst_id=bob.id)
            ids.append(record.id)
        return ids


def test_merge_skips_and_lists_a_damaged_record_and_merges_the_rest(
    project: Path, tmp_path: Path
) -> None:
    bob = tmp_path / "bob.sqlite"
    good, bad = _bobs_project(bob, ("Bilateral relations", "Wang Yi"))
    raw = sqlite3.connect(bob)
    raw.execute("PRAGMA ignore_check_constraints = ON")
    raw.execute("UPDATE annotations SET start = -1 WHERE id = ?", [bad])
    raw.commit()
    raw.close()
    code, out = invoke("merge", str(bob), "--db", str(project))
    assert code == 1 and "Traceback" not in out, out
    assert "1 added" in out
    assert "Not merged from bob.sqlite (1):" in out
    assert f"annotation {bad}" in out and "“Wang Yi”" in out
    assert "theirs.jsonl" not in out and "line 2" not in out
    with Store.open(project) as store:
        assert store.annotations.find(good) is not None and store.annotations.find(bad) is None


def test_merge_of_an_altered_file_is_refused_with_a_message_not_a_traceback(
    project: Path, tmp_path: Path
) -> None:
    bob = tmp_path / "bob.sqlite"
    _bobs_project(bob, ("Bilateral relations",))
    raw = sqlite3.connect(bob)
    raw.execute(
        "INSERT INTO review_decisions SELECT 'x', d.id, a.id, '2020-01-01', 'first', a.id, "
        "a.id, 'not json', '[]' FROM documents d, analysts a LIMIT 1"
    )
    raw.commit()
    raw.close()
    code, out = invoke("merge", str(bob), "--db", str(project))
    assert code == 1 and "Traceback" not in out
    assert str(bob) in out and "nothing was merged" in out


def _dailies(project: Path) -> list[Path]:
    return sorted(backup_dir_for(project).glob("*-daily.sqlite"))


def test_a_command_that_writes_makes_the_days_backup_of_the_project_before_it(
    project: Path,
) -> None:
    from support import SAMPLE, SAMPLES

    code, out = invoke("import", "-q", str(SAMPLE), "--db", str(project))
    assert code == 0, out
    (daily,) = _dailies(project)
    assert "backup" not in out  # made quietly: `annotator backups` lists it
    conn = sqlite3.connect(f"file:{daily}?mode=ro", uri=True)
    try:  # the project as it was before the import
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (0,)
        assert ("Ana",) in conn.execute("SELECT name FROM analysts").fetchall()
    finally:
        conn.close()
    other = SAMPLES / "press-release-2024-01-09-emoji-launch.md"
    assert invoke("import", "-q", str(other), "--db", str(project))[0] == 0
    assert _dailies(project) == [daily]  # once per day
    code, out = invoke("backups", "--db", str(project))
    assert "daily" in out and " ok" in out


@pytest.mark.parametrize(
    "command", [["list"], ["check"], ["search", "China"], ["backups"]], ids=lambda c: c[0]
)
def test_a_command_that_only_reads_makes_no_daily_backup(project: Path, command: list[str]) -> None:
    invoke(*command, "--db", str(project))
    assert _dailies(project) == []


def test_a_failed_daily_backup_is_said_and_the_command_goes_on(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core import safety
    from support import SAMPLE

    def full(_source: object) -> None:
        raise safety.BackupError("Not enough space on the disk to back up; nothing was changed.")

    monkeypatch.setattr(safety, "daily_backup", full)
    code, out = invoke("import", "-q", str(SAMPLE), "--db", str(project))
    assert code == 0, out
    assert "Today's automatic backup failed: Not enough space" in out
    assert "Imported 1 document(s)" in out
