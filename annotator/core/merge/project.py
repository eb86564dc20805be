"""Merging a colleague's project file into ours.

Their file is untrusted input. It is never written to: SQLite's backup API copies it, from a
read-only connection with `trusted_schema=OFF`, into a scratch file; every trigger and view in
the copy is dropped before anything else touches it (so nothing of theirs ever runs), and the
copy is opened as a project (refused if it is not one, upgraded if older). Its annotations then
come over exactly as a mailed JSON Lines export would: written by our exporter, read back by the
interchange reader (every value validated) and applied by `import_annotations` in one
transaction — documents matched by text, annotations by id (the later edit wins; the other
version stays in our history), re-anchored where the text differs, orphans listed by name.
Our project is backed up before the merge commits, and only if the merge changes something
(merging the same file again makes no new backup): the backup reads, from its own connection,
the last committed state, which is the project as it was before this merge.

Progress and cancel: `progress(done, total, what)` is told each stage (copying their file,
reading it document by document, merging, backing ours up); answering False cancels. Cancel
before the commit changes nothing: until then the project has not been written to, and while
the merge's transaction runs, SQLite is asked to stop (a progress handler on the merging
connection) and the transaction is rolled back.
Once committed, a merge is complete and Cancel has nothing left to stop.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core.errors import AnnotatorError, DamagedProject, NotAProject, ProjectError
from annotator.core.export import export
from annotator.core.interchange import import_annotations
from annotator.core.merge import conflicts, finished_marks
from annotator.core.merge.guard import guard
from annotator.core.merge.incoming import clean_names_and_notes, read_sifted
from annotator.core.merge.report import MergeReport
from annotator.core.merge.screening import screen_copy
from annotator.core.safety import make_backup
from annotator.core.store import Store
from annotator.core.store.connection import (
    connect_read_only,
    has_sqlite_header,
    is_not_a_database,
)

#: Called with (done, total, what is happening; total 0 when unknown); False cancels.
Progress = Callable[[int, int, str], bool]
#: SQLite virtual-machine steps between two looks at Cancel while the merge is written.
_CANCEL_CHECK_STEPS = 1_000


class MergeCancelled(AnnotatorError):
    """The merge was cancelled before its commit: the project is exactly as it was."""

    def __init__(self) -> None:
        super().__init__("Merge cancelled: nothing was merged; the project is unchanged.")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_only_copy(source: Path, target: Path) -> None:
    """Copy `source` into `target` without writing to it or running anything of it.

    Only through SQLite (a read-only connection), never `open()`: see core/store/connection.py.
    """
    if not source.is_file():
        raise ProjectError(f"Cannot read {source}: it is not a file; nothing was merged.")
    try:
        theirs = connect_read_only(source)
        copy = sqlite3.connect(target)
        try:
            theirs.backup(copy)
            copy.execute("PRAGMA trusted_schema = OFF")
            planted = copy.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')"
            ).fetchall()
            for kind, name in planted:
                copy.execute(f"DROP {kind.upper()} IF EXISTS {_quoted(name)}")
            copy.commit()
            left = copy.execute(
                "SELECT count(*) FROM sqlite_master WHERE type IN ('trigger', 'view')"
            ).fetchone()[0]
        finally:
            copy.close()
            theirs.close()
    except sqlite3.DatabaseError as exc:
        if is_not_a_database(exc) and not has_sqlite_header(source):
            raise NotAProject(
                f"{source} is not an Annotator project (not an SQLite database); "
                "nothing was merged."
            ) from exc
        raise ProjectError(f"{source} cannot be read ({exc}); nothing was merged.") from exc
    if left:
        raise ProjectError(
            f"{source} holds schema code that could not be removed; nothing was merged."
        )


def merge_project(
    store: Store, other: Path, *, analyst: str, progress: Progress | None = None
) -> MergeReport:
    """Merge the colleague's project at `other` into `store`; returns what happened.

    Raises `MergeCancelled` when `progress` answers False before the merge is committed.
    """
    other = Path(other)
    if other.resolve() == store.path.resolve():
        raise AnnotatorError("That is this project itself; choose a colleague's file.")

    def step(done: int, total: int, what: str) -> None:
        if progress is not None and not progress(done, total, what):
            raise MergeCancelled()

    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as scratch:
        step(0, 0, f"Copying {other.name}…")
        copy = Path(scratch) / "theirs.sqlite"
        _read_only_copy(other, copy)
        step(0, 0, f"Reading {other.name}…")
        try:
            theirs = Store.open(copy, create=False)
        except NotAProject as exc:
            raise NotAProject(f"{other} is not an Annotator project; nothing was merged.") from exc
        except DamagedProject as exc:  # their file, not ours: never "restore a backup" of ours
            raise ProjectError(
                f"{other} is damaged: part of it cannot be read; nothing was merged. Ask your "
                "colleague for a good copy (or one of its backups)."
            ) from exc
        except ProjectError as exc:  # e.g. from a newer Annotator: name their file, not ours
            message = str(exc).replace(str(copy), str(other))
            raise ProjectError(f"{message} Nothing was merged.") from exc
        except sqlite3.DatabaseError as exc:
            raise ProjectError(
                f"{other} is damaged or altered and cannot be read ({exc}); nothing was merged."
            ) from exc
        exported = Path(scratch) / "theirs.jsonl"

        def reading(done: int, total: int) -> bool:
            step(done, total, f"Reading {other.name}: document {done:,} of {total:,}")
            return True

        try:
            unexported = screen_copy(theirs.conn)
            marks = finished_marks.read_marks(theirs.conn)
            export(theirs, exported, "jsonl", progress=reading)
        except (sqlite3.Error, ValueError, TypeError) as exc:
            # ValueError, TypeError: values no project of ours holds (a list where text
            # belongs, JSON that is not JSON) that the exporter cannot write.
            raise ProjectError(
                f"{other} is damaged or altered and cannot be read ({exc}); nothing was merged."
            ) from exc
        finally:
            theirs.close()
        cleaned = clean_names_and_notes(exported)
        sifted, damaged = read_sifted(exported, other=other)
        # Named after their project, not our scratch file: documents made from it, messages.
        sifted = dataclasses.replace(sifted, path=other)
        parsed, guarded = guard(store, sifted, analyst=analyst)
        both = conflicts.candidates(store, sifted, refused={r.ident for r in guarded.refused})
        count = parsed.annotation_count
        step(0, 0, f"Merging {count:,} annotation(s) of {len(parsed.documents):,} document(s)…")
        try:
            with store.transaction(), _stoppable(store, progress):
                before = store.conn.total_changes
                applied = import_annotations(store, parsed, analyst_fallback=analyst)
                merger = store.ensure_analyst(analyst).id
                edited = conflicts.record(
                    store, both, copy=copy, file=other.name, analyst_id=merger
                )
                carried = finished_marks.carry(store, marks, merger=analyst)
                if store.conn.total_changes != before:
                    # Backed up only when the merge changes something (merging a file again
                    # makes no new backup). The backup reads the last committed state from its
                    # own connection: the project before this merge, which commits after it.
                    step(0, 0, "Backing up this project before merging…")
                    make_backup(store, reason="before-merge")
        except AnnotatorError:
            if progress is not None and not progress(0, 0, ""):
                raise MergeCancelled() from None  # interrupted, and rolled back
            raise
        report = MergeReport.of(other, applied)
        # The import checks again what the guard let through (and finds nothing to add).
        report.refused = [*unexported, *damaged, *guarded.refused, *applied.refused]
        report.yours = [*guarded.yours, *applied.yours]
        report.reowned = [*guarded.reowned, *applied.reowned]
        report.absent = [*guarded.absent, *applied.absent]
        report.cleaned = cleaned + applied.cleaned
        report.conflicts = edited
        report.finished = carried
        return report


@contextmanager
def _stoppable(store: Store, progress: Progress | None) -> Iterator[None]:
    """While inside, SQLite asks `progress` every few thousand steps; False interrupts the
    running statement, which fails the merge's transaction, and the store rolls it back."""
    if progress is None:
        yield
        return

    def handler() -> int:
        return 0 if progress(0, 0, "") else 1

    store.conn.set_progress_handler(handler, _CANCEL_CHECK_STEPS)
    try:
        yield
    finally:
        store.conn.set_progress_handler(None, 0)
