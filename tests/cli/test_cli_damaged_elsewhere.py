"""A damaged file is named as the file it is: the project opened from the window or at start,
and a colleague's file given to merge (never "your project is damaged: restore a backup")."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.errors import DamagedProject
from annotator.core.ingest import import_paths
from annotator.core.store import Store
from support import SAMPLE

PAGE = 4096


def damaged_copy(tmp_path: Path, name: str) -> Path:
    """A project holding the sample, with bytes 4096–12287 overwritten."""
    path = tmp_path / name
    with Store.open(path) as store:
        import_paths(store, [SAMPLE], analyst_id=store.ensure_analyst("Bo").id)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    data[PAGE : 3 * PAGE] = random.Random(7).randbytes(2 * PAGE)
    path.write_bytes(bytes(data))
    return path


def test_opening_a_damaged_project_names_it_as_damaged(tmp_path: Path) -> None:
    path = damaged_copy(tmp_path, "mine.sqlite")
    with pytest.raises(DamagedProject, match="mine.sqlite is damaged"):
        Store.open(path)


def test_merging_a_damaged_colleague_file_names_their_file_not_ours(tmp_path: Path) -> None:
    ours = tmp_path / "ours.sqlite"
    with Store.open(ours) as store:
        import_paths(store, [SAMPLE], analyst_id=store.ensure_analyst("Ana").id)
    before = ours.read_bytes()
    theirs = damaged_copy(tmp_path, "bob.sqlite")
    result = CliRunner().invoke(cli, ["merge", str(theirs), "--db", str(ours)])
    assert result.exit_code == 1
    message = result.output
    assert "bob.sqlite" in message and "nothing was merged" in message
    assert "ours.sqlite is damaged" not in message and "Traceback" not in message
    assert "restore" not in message.lower()  # nothing of ours to restore
    assert ours.read_bytes() == before
