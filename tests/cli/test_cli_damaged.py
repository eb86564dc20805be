"""Every command on a damaged project: a message that says so and how to restore, exit status 1,
no traceback, nothing written; `check` reports the damage as its finding."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.session import Session
from annotator.core.store import Store
from support import SAMPLE, SAMPLES

PAGE = 4096


def _checkpointed(path: Path) -> bytes:
    """The project as one file (its write-ahead log moved in), as bytes."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


#: What `list` reads: a damaged page elsewhere went unnoticed by it.
LISTED = ("sqlite_schema", "documents", "annotations", "document_copies", "meta", "labels")


def _overwrite_range(data: bytearray, rng: random.Random, _unread: list[int]) -> None:
    """Bytes 4096–12287 (pages 2 and 3: the schema's and the first tables') overwritten."""
    data[PAGE : 3 * PAGE] = rng.randbytes(2 * PAGE)


def _overwrite_four_pages(data: bytearray, rng: random.Random, _unread: list[int]) -> None:
    """Four random pages, none of them the first, overwritten."""
    for page in rng.sample(range(1, len(data) // PAGE), 4):
        data[page * PAGE : (page + 1) * PAGE] = rng.randbytes(PAGE)


def _overwrite_four_unread_pages(data: bytearray, rng: random.Random, unread: list[int]) -> None:
    """Four pages of what `list` never reads (history, search indexes…) overwritten."""
    for number in rng.sample(unread, 4):
        data[(number - 1) * PAGE : number * PAGE] = rng.randbytes(PAGE)


def _unread_pages(path: Path) -> list[int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {
            name: table for name, table in conn.execute("SELECT name, tbl_name FROM sqlite_schema")
        }
        rows = conn.execute("SELECT name, pageno FROM dbstat").fetchall()
    finally:
        conn.close()
    return sorted(
        page for name, page in rows if name not in LISTED and tables.get(name) not in LISTED
    )


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | Path]:
    """A project with two documents and two analysts' annotations, an annotation file
    exported from it and a copy to merge."""
    folder = tmp_path_factory.mktemp("sound")
    project = folder / "sound.sqlite"
    runner = CliRunner()
    for path in (SAMPLE, SAMPLES / "press-release-2024-01-09-emoji-launch.md"):
        result = runner.invoke(cli, ["import", "-q", str(path), "--db", str(project)])
        assert result.exit_code == 0, result.output
    with Store.open(project) as store:
        doc = store.documents.list()[0]
        claim = store.codebook.get().by_name("Claim").id
        for name in ("Ana", "Bea"):
            session = Session(store, store.ensure_analyst(name))
            session.create_annotation(document_id=doc.id, label_id=claim, start=0, end=6)
    exported = folder / "annotations.jsonl"
    result = runner.invoke(
        cli, ["export", "-f", "jsonl", "-o", str(exported), "--db", str(project)]
    )
    assert result.exit_code == 0, result.output
    other = folder / "colleague.sqlite"
    other.write_bytes(_checkpointed(project))
    return {"project": project, "doc": doc.id, "jsonl": exported, "other": other}


@pytest.fixture(
    params=[_overwrite_range, _overwrite_four_pages, _overwrite_four_unread_pages],
    ids=["range", "four-pages", "four-unread-pages"],
)
def damaged(request: pytest.FixtureRequest, sound: dict[str, str | Path], tmp_path: Path) -> Path:
    project = Path(sound["project"])
    data = bytearray(_checkpointed(project))
    request.param(data, random.Random(19), _unread_pages(project))
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(bytes(data))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]
    except sqlite3.DatabaseError:
        pass  # damaged all the same
    finally:
        conn.close()
    return path


COMMANDS = {
    "list": ["list"],
    "export": ["export", "-f", "csv", "-o", "{tmp}/out.csv"],
    "search": ["search", "China"],
    "backup": ["backup"],
    "merge": ["merge", "{other}"],
    "import": ["import", str(SAMPLES / "ria-style-2023-03-14-grain-corridor-ru.txt")],
    "import-annotations": ["import-annotations", "{jsonl}"],
    "report": ["report", "{doc}", "-o", "{tmp}/report.html"],
    "agreement": ["agreement"],
    "copies": ["copies"],
    "fetch": ["fetch", "http://127.0.0.1:9/article"],
}


@pytest.mark.parametrize("command", list(COMMANDS), ids=list(COMMANDS))
def test_every_command_says_the_project_is_damaged_and_how_to_restore(
    damaged: Path, sound: dict[str, str | Path], tmp_path: Path, command: str
) -> None:
    values = {key: str(value) for key, value in sound.items()}
    args = [part.format(tmp=tmp_path, **values) for part in COMMANDS[command]]
    before = damaged.read_bytes()
    result = CliRunner().invoke(cli, [*args, "--db", str(damaged), "--analyst", "Ana"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert f"{damaged} is damaged" in result.output
    assert "annotator restore" in result.output and "Nothing was changed" in result.output
    assert damaged.read_bytes() == before
    assert not Path(f"{damaged}-wal").exists() or Path(f"{damaged}-wal").stat().st_size == 0
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "report.html").exists()


def test_check_reports_the_damage_as_its_finding(damaged: Path) -> None:
    before = damaged.read_bytes()
    result = CliRunner().invoke(cli, ["check", "--db", str(damaged)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Error:" not in result.output  # the check ran: the damage is what it found
    assert "problem(s) found" in result.output and "annotator restore" in result.output
    assert "malformed" in result.output or "integrity check" in result.output
    assert damaged.read_bytes() == before


def test_backups_lists_what_there_is_to_restore(
    damaged: Path, sound: dict[str, str | Path]
) -> None:
    folder = damaged.parent / f"{damaged.stem}.backups"
    folder.mkdir()
    shutil.copyfile(
        Path(str(sound["project"])), folder / "damaged-20260101T000000000000Z-manual.sqlite"
    )
    result = CliRunner().invoke(cli, ["backups", "--db", str(damaged)])
    assert result.exit_code == 0, result.output
    assert "1 backup(s)" in result.output and " ok" in result.output
