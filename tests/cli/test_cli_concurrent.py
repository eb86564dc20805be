"""Commands while another program writes to the project (a long import in a second terminal,
a window saving): reading commands read, writing commands wait their turn and say so."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.store import Store
from support import SAMPLE, SAMPLES

#: The other program gives up on its own after this long, so a test never hangs.
HOLD_AT_MOST = 120

_WRITER = textwrap.dedent(
    """
    import sqlite3, sys, threading
    conn = sqlite3.connect(sys.argv[1], isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO meta (key, value) VALUES ('other program', 'was here')")
    print("writing", flush=True)
    line = []
    reader = threading.Thread(target=lambda: line.append(sys.stdin.readline()), daemon=True)
    reader.start()
    reader.join(float(sys.argv[2]))
    conn.execute("COMMIT")
    """
)


@contextmanager
def another_program_writing(project: Path) -> Iterator[subprocess.Popen[str]]:
    """A process holding the project's write lock (an open write transaction) until the
    block ends, then committing."""
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(project), str(HOLD_AT_MOST)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
        yield writer
    finally:
        finish(writer)


def finish(writer: subprocess.Popen[str]) -> None:
    if writer.poll() is None:
        assert writer.stdin is not None
        writer.stdin.write("done\n")
        writer.stdin.flush()
        writer.wait(timeout=60)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project.sqlite"
    result = CliRunner().invoke(cli, ["import", "-q", str(SAMPLE), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


READING = {
    "list": (["list"], "1 document(s)"),
    "export": (["export", "-f", "csv", "-o", "{tmp}/out.csv"], "Wrote"),
    "search": (["search", "Kazakhstan"], "Kazakhstan"),
    "check": (["check"], "no problems found"),
    "backup": (["backup"], "Backed up"),
}


@pytest.mark.parametrize("command", list(READING), ids=list(READING))
def test_reading_commands_read_while_another_program_writes(
    project: Path, tmp_path: Path, command: str
) -> None:
    args, expected = READING[command]
    args = [part.format(tmp=tmp_path) for part in args]
    with another_program_writing(project):
        result = CliRunner().invoke(cli, [*args, "--db", str(project)])
        assert result.exit_code == 0, result.output
        assert expected in result.output and "busy" not in result.output


def test_opening_a_project_during_another_programs_write_takes_no_lock(project: Path) -> None:
    with another_program_writing(project), Store.open(project, create=False) as store:
        assert len(store.documents.list()) == 1
        assert not store.conn.in_transaction


def test_a_writing_command_waits_for_the_other_write_and_says_so(project: Path) -> None:
    second = SAMPLES / "press-release-2024-01-09-emoji-launch.md"
    with another_program_writing(project) as writer:
        importing = subprocess.Popen(
            [sys.executable, "-m", "annotator", "import", "-q", str(second), "--db", str(project)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert importing.stderr is not None
            said = importing.stderr.readline()  # ends with the import if it does not wait
            assert "Waiting for another program writing to" in said, said
            finish(writer)
            out, err = importing.communicate(timeout=HOLD_AT_MOST)
        finally:
            if importing.poll() is None:
                importing.kill()
                importing.wait()
    assert importing.returncode == 0, out + err
    assert "Imported 1 document(s)" in out
    with Store.open(project, create=False) as store:
        assert len(store.documents.list()) == 2
        assert store.meta("other program") == "was here"  # both writes kept
