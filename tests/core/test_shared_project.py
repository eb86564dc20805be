"""One project used by several connections of one process (the window and its background jobs)
and by another process (the command line) at the same time.

POSIX drops *all* of a process's fcntl locks on a file when *any* descriptor of that file is
closed. A stray `open()`/`close()` of the project in the window's process (to read the header,
copy it, check it) therefore silently releases the locks SQLite holds for the window's
connection: the command line then believes it is alone, checkpoints and deletes the write-ahead
log, and the window goes on writing into an orphaned log. These tests fail if any way of opening,
checking or backing up a project touches the file other than through SQLite.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.core.safety import daily_backup, list_backups, make_backup
from annotator.core.safety.check import check_project, quick_check
from annotator.core.store import Store
from support import SAMPLE

#: A second process: open the project as the command line does, count, optionally write, close.
_OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from annotator.core.store import Store
    path, write = sys.argv[1], sys.argv[2] == "write"
    with Store.open(path) as store:
        if write:
            store.ensure_analyst("Other process")
        print(store.conn.execute("SELECT count(*) FROM analysts").fetchone()[0])
    """
)


def _other_process(path: Path, *, write: bool = False) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, str(path), "write" if write else "read"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


def _analysts(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM analysts").fetchone()[0])


IN_PROCESS_USES: dict[str, Callable[[Path], object]] = {
    "open a second store": lambda path: Store.open(path).close(),
    "open without create": lambda path: Store.open(path, create=False).close(),
    "daily backup": daily_backup,
    "backup": lambda path: make_backup(path, reason="manual"),
    "list backups": list_backups,
    "quick check": quick_check,
}


@pytest.mark.parametrize("use", list(IN_PROCESS_USES), ids=list(IN_PROCESS_USES))
def test_other_uses_in_the_process_keep_the_open_connections_locks(
    db_path: Path, use: str
) -> None:
    window = Store.open(db_path)
    try:
        window.ensure_analyst("Window")
        make_backup(db_path, reason="manual")  # so that listing backups opens one
        IN_PROCESS_USES[use](db_path)
        # The command line, meanwhile, opens and closes the project: it must see that the window
        # still uses it, and leave the write-ahead log alone.
        seen_by_other = _other_process(db_path)
        assert Path(f"{db_path}-wal").exists(), "the log was removed under the open window"
        window.ensure_analyst("Window, later")
        assert _other_process(db_path) == seen_by_other + 1, "the window wrote to a lost log"
        assert _other_process(db_path, write=True) == seen_by_other + 2
        window.conn.execute("SELECT 1").fetchall()
        assert _analysts(window) == seen_by_other + 2
    finally:
        window.close()
    with Store.open(db_path) as store:
        assert check_project(store).ok
        assert _analysts(store) == seen_by_other + 2


def test_importing_and_exporting_in_process_keep_the_open_connections_locks(
    db_path: Path, tmp_path: Path
) -> None:
    from annotator.core.export import export
    from annotator.core.ingest import import_paths

    window = Store.open(db_path)
    try:
        window.ensure_analyst("Window")
        with Store.open(db_path) as job:  # a background job's own connection
            import_paths(job, [SAMPLE], analyst_id=window.ensure_analyst("Job").id)
            export(job, tmp_path / "out.csv", "csv")
        before = _other_process(db_path)
        window.ensure_analyst("Window, later")
        assert _other_process(db_path) == before + 1
    finally:
        window.close()
