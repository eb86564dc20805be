"""Merging a colleague's project file into ours.

Their file is untrusted input. It is never written to: SQLite's backup API copies it, from a
read-only connection with `trusted_schema=OFF`, into a scratch file; every trigger and view in
the copy is dropped before anything else touches it (so nothing of theirs ever runs), and the
copy is opened as a project (refused if it is not one, upgraded if older). Its annotations then
come over exactly as a mailed JSON Lines export would: written by our exporter, read back by the
interchange reader (every value validated) and applied by `import_annotations` in one
transaction — documents matched by text, annotations by id (the later edit wins; the other
version stays in our history), re-anchored where the text differs, orphans listed by name.
Our project is backed up first.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from annotator.core.errors import AnnotatorError, NotAProject, ProjectError
from annotator.core.export import export
from annotator.core.interchange import InterchangeReport, import_annotations, read_annotation_file
from annotator.core.safety import make_backup
from annotator.core.store import Store
from annotator.core.store.connection import SQLITE_HEADER


def _read_only_copy(source: Path, target: Path) -> None:
    """Copy `source` into `target` without writing to it or running anything of it."""
    try:
        with source.open("rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise NotAProject(
                    f"{source} is not an Annotator project (not an SQLite database); "
                    "nothing was merged."
                )
    except OSError as exc:
        raise ProjectError(f"Cannot read {source}: {exc.strerror or exc}.") from exc
    try:
        theirs = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        theirs.execute("PRAGMA trusted_schema = OFF")
        copy = sqlite3.connect(target)
        try:
            theirs.backup(copy)
            planted = copy.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')"
            ).fetchall()
            for kind, name in planted:
                copy.execute(f'DROP {kind.upper()} IF EXISTS "{name.replace(chr(34), "")}"')
            copy.commit()
        finally:
            copy.close()
            theirs.close()
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{source} cannot be read ({exc}); nothing was merged.") from exc


def merge_project(store: Store, other: Path, *, analyst: str) -> InterchangeReport:
    """Merge the colleague's project at `other` into `store`; returns what happened."""
    other = Path(other)
    if other.resolve() == store.path.resolve():
        raise AnnotatorError("That is this project itself; choose a colleague's file.")
    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as scratch:
        copy = Path(scratch) / "theirs.sqlite"
        _read_only_copy(other, copy)
        try:
            theirs = Store.open(copy, create=False)
        except NotAProject as exc:
            raise NotAProject(f"{other} is not an Annotator project; nothing was merged.") from exc
        except ProjectError as exc:  # e.g. from a newer Annotator: name their file, not ours
            message = str(exc).replace(str(copy), str(other))
            raise ProjectError(f"{message} Nothing was merged.") from exc
        exported = Path(scratch) / "theirs.jsonl"
        try:
            export(theirs, exported, "jsonl")
        except sqlite3.Error as exc:
            raise ProjectError(
                f"{other} is damaged or altered and cannot be read ({exc}); nothing was merged."
            ) from exc
        finally:
            theirs.close()
        parsed = read_annotation_file(exported)
        make_backup(store, reason="before-merge")
        return import_annotations(store, parsed, analyst_fallback=analyst)
