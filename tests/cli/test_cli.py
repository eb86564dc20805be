"""The command line: version, help, import with reports and exit codes, list, headless message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import __version__
from annotator.cli import cli
from annotator.core.preferences import remember_analyst
from annotator.core.store import Store
from support import SAMPLE


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_version() -> None:
    code, out = invoke("--version")
    assert code == 0 and __version__ in out


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and __version__ in result.stdout


@pytest.mark.parametrize("command", [[], ["open"], ["import"], ["list"]])
def test_help_everywhere(command: list[str]) -> None:
    code, out = invoke(*command, "--help")
    assert code == 0
    assert "Usage:" in out and "--db" in out


def test_import_sample_prints_report_with_the_repair(db_path: Path) -> None:
    code, out = invoke("import", str(SAMPLE), "--db", str(db_path), "--analyst", "Ana")
    assert code == 0, out
    assert "Ă©" in out and "é" in out  # the repair, before and after
    assert "Imported 1 document(s)." in out
    code, out = invoke("list", "--db", str(db_path))
    assert code == 0
    assert "1 document(s)" in out and "2022-04-26" in out


def test_importing_the_same_text_twice_adds_nothing(db_path: Path) -> None:
    invoke("import", str(SAMPLE), "--db", str(db_path))
    code, out = invoke("import", str(SAMPLE), "--db", str(db_path))
    assert code == 0
    assert "Imported 0 document(s)." in out and "Already in the project" in out
    _, listing = invoke("list", "--db", str(db_path))
    assert "1 document(s)" in listing


def test_db_option_before_the_command_and_environment_variable(tmp_path: Path) -> None:
    db = tmp_path / "env.sqlite"
    code, _ = invoke("import", str(SAMPLE), env={"ANNOTATOR_DB": str(db)})
    assert code == 0 and db.exists()
    code, out = invoke("--db", str(db), "list")
    assert code == 0 and "1 document(s)" in out


def test_missing_file_exits_nonzero_naming_the_file(db_path: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    code, out = invoke("import", str(missing), "--db", str(db_path))
    assert code == 1
    assert "nowhere.txt" in out and "Traceback" not in out


def test_folder_import_continues_past_bad_files_and_lists_them(
    db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("First article\nText of the first article.", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "sub" / "b.md").write_text("# Second\nBody text here.", encoding="utf-8")
    code, out = invoke("import", str(folder), "--db", str(db_path))
    assert code == 1
    assert "Imported 2 document(s)." in out
    assert "empty.txt" in out and "binary.txt" in out
    _, listing = invoke("list", "--db", str(db_path))
    assert "2 document(s)" in listing


def test_not_a_project_gives_a_message_not_a_traceback(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("hello", encoding="utf-8")
    code, out = invoke("list", "--db", str(bogus))
    assert code == 1
    assert "not an Annotator project" in out and "Traceback" not in out
    assert bogus.read_text(encoding="utf-8") == "hello"


def test_window_without_a_display_explains_instead_of_aborting(db_path: Path) -> None:
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}
    code, out = invoke("--db", str(db_path), env=env)
    assert code == 1
    assert "needs a graphical display" in out
    assert "annotator import" in out


def test_import_is_attributed_to_the_analyst_remembered_from_first_start(db_path: Path) -> None:
    remember_analyst("Olga Petrova")
    invoke("import", str(SAMPLE), "--db", str(db_path))
    with Store.open(db_path) as store:
        assert [a.name for a in store.analysts()] == ["Olga Petrova"]
        assert store.history()[-1].analyst_id == store.analysts()[0].id


def test_a_save_failure_midway_keeps_earlier_documents_and_says_so(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core.errors import ProjectError
    from annotator.core.store.documents import Documents

    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"Article {n}\nBody {n}.", encoding="utf-8")
    real_add = Documents.add
    calls: list[int] = []

    def failing_add(self, extracted, *, analyst_id):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise ProjectError("The disk is full: this change was not saved.")
        return real_add(self, extracted, analyst_id=analyst_id)

    monkeypatch.setattr(Documents, "add", failing_add)
    code, out = invoke("import", str(folder), "--db", str(db_path))
    assert code == 1
    assert "Imported 2 document(s)." in out and "Stopped: The disk is full" in out
    monkeypatch.setattr(Documents, "add", real_add)
    _, listing = invoke("list", "--db", str(db_path))
    assert "2 document(s)" in listing


def test_import_progress_is_for_a_terminal_and_never_a_bare_word(
    db_path: Path, tmp_path: Path
) -> None:
    import os
    import pty

    for n in range(3):
        (tmp_path / f"a{n}.txt").write_text(f"Article {n}\nText {n}.\n", encoding="utf-8")
    command = [sys.executable, "-m", "annotator", "--db", str(db_path), "import", "--quiet"]
    # Scripts and logs (stderr not a terminal) get only the real messages.
    piped = subprocess.run(
        [*command, str(tmp_path / "a0.txt"), str(tmp_path / "a1.txt")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert piped.returncode == 0, piped.stderr
    # Scripts and logs get only the real messages: here that a new project was made.
    assert "Importing" not in piped.stderr
    assert piped.stderr == f"Created a new project at {db_path}\n"
    # On a terminal the line is redrawn in place and ends saying what was done.
    leader, follower = pty.openpty()
    shown = subprocess.run(
        [*command, str(tmp_path / "a2.txt"), str(tmp_path / "a0.txt")],
        stdout=subprocess.PIPE,
        stderr=follower,
        timeout=60,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert shown.returncode == 0
    text = seen.decode()
    assert "Importing: file 1 of 2" in text and text.rstrip().endswith("Read 2 files.")


def test_an_unexpected_error_is_one_plain_line_with_the_details_kept_in_a_file(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core.store.documents import Documents

    def broken(self: Documents) -> list[object]:
        raise RuntimeError("boom in the listing")

    Store.open(db_path).close()
    monkeypatch.setattr(Documents, "list", broken)
    result = CliRunner().invoke(cli, ["--db", str(db_path), "list"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "did not expect (RuntimeError: boom in the listing)" in result.output
    kept = Path(result.output.rsplit("written to ", 1)[1].strip().rstrip("."))
    details = kept.read_text(encoding="utf-8")
    assert "Traceback" in details and "boom in the listing" in details
    kept.unlink()
