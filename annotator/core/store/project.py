"""The project store: one SQLite file with documents, analysts, codebook, annotations, history."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core.errors import DamagedProject, ProjectError, ValidationError, is_damage
from annotator.core.records import REVIEWED_LAYER_ID, Analyst, AnalystId, new_id, now_iso
from annotator.core.store import deferred_upkeep, history
from annotator.core.store.annotations import Annotations
from annotator.core.store.codebook_repo import CodebookRepo
from annotator.core.store.comments import Comments
from annotator.core.store.connection import begin_write, open_connection
from annotator.core.store.database import Database
from annotator.core.store.documents import Documents
from annotator.core.store.reviews import ReviewDecisions


def _save_failure(exc: sqlite3.Error, path: Path) -> ProjectError:
    text = str(exc)
    if is_damage(exc):
        return DamagedProject.found_while_reading(path, exc)
    if "full" in text:
        return ProjectError(
            "The disk is full: this change was not saved and the project is unchanged. "
            "Free some space and try again."
        )
    if "locked" in text or "busy" in text:
        return ProjectError(
            "The project is busy in another window or process: this change was not saved. "
            "Try again in a moment."
        )
    if "readonly" in text or "read-only" in text:
        return ProjectError(
            "The project file is read-only: this change was not saved. "
            "Check the file's permissions or open a copy."
        )
    return ProjectError(f"This change could not be saved ({text}); the project is unchanged.")


class Store:
    """An open project. Every write happens inside `transaction()`: one user action, one commit."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.db = Database(conn)
        self.codebook = CodebookRepo(self)
        self.documents = Documents(self)
        self.annotations = Annotations(self)
        self.comments = Comments(self)
        self.reviews = ReviewDecisions(self)
        #: Called once, before this store's first write transaction (the command line's
        #: daily backup: made only by a command that writes, of the project before it does).
        self.before_first_write: Callable[[], object] | None = None

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Store:
        """Open or create the project at `path`; refuses files that are not projects, and
        names a damaged one (DamagedProject), whatever SQLite finds unreadable first."""
        try:
            return cls._open(Path(path), create=create)
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise DamagedProject.found_while_reading(path, exc) from exc
            raise

    @classmethod
    def _open(cls, path: Path, *, create: bool) -> Store:
        store = cls(open_connection(path, create=create), path)
        try:
            # Only a new project is written to here: opening one never waits for (or fails
            # because of) another program's write, so reading commands run during an import.
            if store._needs_setup():
                with store.transaction():
                    if store.meta("project_id") is None:
                        store.set_meta("project_id", new_id())
                        store.set_meta("created", now_iso())
                    store.codebook.ensure_default()
            if store.conn.execute("SELECT 1 FROM deferred_upkeep LIMIT 1").fetchone():
                # A large load was killed before it rebuilt its indexes and triggers.
                deferred_upkeep.put_back_abandoned(store)
        except BaseException:
            store.close()
            raise
        return store

    def _needs_setup(self) -> bool:
        return (
            self.meta("project_id") is None
            or self.conn.execute("SELECT 1 FROM labels LIMIT 1").fetchone() is None
        )

    def close(self) -> None:
        self.conn.close()

    def data_version(self) -> int:
        """Changes whenever another connection (a second window, the CLI) commits."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic unit of work; nested calls become savepoints of the outer one."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        if self.before_first_write is not None:
            hook, self.before_first_write = self.before_first_write, None
            hook()
        try:
            # IMMEDIATE takes the write lock up front, so a second process waits instead of
            # failing half-way through the action.
            begin_write(self.conn, self.path)
        except sqlite3.Error as exc:
            raise _save_failure(exc, self.path) from exc
        try:
            yield self.db
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.IntegrityError):
                raise ValidationError(f"Refused: {exc}.") from exc
            raise _save_failure(exc, self.path) from exc
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    # -- project metadata -------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    # -- analysts ---------------------------------------------------------------------------

    def ensure_analyst(self, name: str) -> Analyst:
        """The analyst with this name, created on first use."""
        name = " ".join(name.split())
        if not name:
            raise ValidationError("The analyst's name cannot be empty.")
        row = self.conn.execute("SELECT id, name FROM analysts WHERE name = ?", [name]).fetchone()
        if row and row[0] == REVIEWED_LAYER_ID:
            raise ValidationError(
                f"“{name}” is the name of the reviewed layer; please choose another name."
            )
        if row:
            return Analyst(AnalystId(row[0]), row[1])
        analyst = Analyst(AnalystId(new_id()), name)
        with self.transaction():
            self.db.table("analysts").insert({"id": analyst.id, "name": name, "created": now_iso()})
            history.record(
                self.db,
                analyst_id=analyst.id,
                action="create",
                entity="analyst",
                entity_id=analyst.id,
                after={"name": name},
            )
        return analyst

    def analysts(self) -> list[Analyst]:
        """The people who work on the project (not the reviewed layer)."""
        rows = self.conn.execute(
            "SELECT id, name FROM analysts WHERE id != ? ORDER BY name", [REVIEWED_LAYER_ID]
        ).fetchall()
        return [Analyst(AnalystId(r[0]), r[1]) for r in rows]

    def layers(self) -> list[Analyst]:
        """Every layer of annotations: each analyst's, then the reviewed layer."""
        return [*self.analysts(), self.reviewed_layer()]

    def reviewed_layer(self) -> Analyst:
        row = self.conn.execute(
            "SELECT name FROM analysts WHERE id = ?", [REVIEWED_LAYER_ID]
        ).fetchone()
        return Analyst(AnalystId(REVIEWED_LAYER_ID), row[0] if row else "reviewed")

    def history(self, *, entity_id: str | None = None) -> list[history.HistoryEntry]:
        return history.entries(self.db, entity_id=entity_id)
