"""Checking a project: SQLite's own checks plus the rules Annotator relies on.

Read-only: one read transaction, nothing is written. Each document's text is read once and its
annotations are checked against it, so a project of a million annotations takes seconds.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import DamagedProject
from annotator.core.records import LINK_KINDS
from annotator.core.safety import verified
from annotator.core.store import APPLICATION_ID, SCHEMA_VERSION
from annotator.core.store.connection import (
    connect_read_only,
    has_sqlite_header,
    is_not_a_database,
    is_unreadable,
)

if TYPE_CHECKING:
    from annotator.core.store.project import Store

#: Which label role the target of each link kind must have.
_TARGET_ROLE = {"said_by": "speaker", "about": "target"}
#: Foreign keys the app's own rules report with clearer messages.
_COVERED = {("annotations", "documents"), ("annotations", "labels"), ("links", "annotations")}


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    documents: int = 0
    annotations: int = 0
    links: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        checked = (
            f"Checked {self.documents} document(s), {self.annotations} annotation(s), "
            f"{self.links} link(s)"
        )
        if self.ok:
            return f"{checked}: no problems found."
        return f"{checked}: {len(self.problems)} problem(s) found."


def _quoted(text: str, limit: int = 40) -> str:
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"


def check_project(store: Store) -> CheckReport:
    """Integrity, foreign keys, offsets, quotes, links, labels and sentiment values."""
    conn = store.conn
    report = CheckReport()
    own_transaction = not conn.in_transaction
    if own_transaction:
        conn.execute("BEGIN")  # deferred: a consistent snapshot, no write lock
    try:
        _check(conn, report)
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"The database could not be read to the end: {exc}.")
    finally:
        if own_transaction and conn.in_transaction:
            conn.execute("ROLLBACK")
    return report


def _check_sqlite(conn: sqlite3.Connection, problems: list[str]) -> None:
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        problems += [f"SQLite integrity check: {row}" for row in rows]


def _check(conn: sqlite3.Connection, report: CheckReport) -> None:
    problems = report.problems
    _check_sqlite(conn, problems)
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check").fetchall():
        if (table, parent) in _COVERED:
            continue
        problems.append(f"Table {table}, row {rowid}: refers to a missing row of {parent}.")

    labels = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, name, role FROM labels")}
    row = conn.execute("SELECT value FROM meta WHERE key = 'sentiments'").fetchone()
    try:
        sentiments = set(json.loads(row[0])) if row else set()
    except (ValueError, TypeError):
        problems.append("The codebook's sentiment values cannot be read.")
        sentiments = set()

    titles: dict[str, str] = {}
    documents = conn.execute("SELECT id, title, char_count FROM documents ORDER BY rowid")
    for doc_id, title, char_count in documents.fetchall():
        report.documents += 1
        titles[doc_id] = title
        (text,) = conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        where = f"document {_quoted(title)} ({doc_id})"
        if len(text) != char_count:
            problems.append(
                f"Document {_quoted(title)} ({doc_id}): stored length {char_count} but its text "
                f"has {len(text)} characters."
            )
        annotations = conn.execute(
            'SELECT id, label_id, start, "end", quote, sentiment FROM annotations '
            "WHERE document_id = ?",
            [doc_id],
        )
        for ann_id, label_id, start, end, quote, sentiment in annotations:
            report.annotations += 1
            what = f"Annotation {ann_id} in {where}"
            if not (0 <= start < end <= len(text)):
                problems.append(
                    f"{what}: offsets {start}–{end} are outside the text (0–{len(text)})."
                )
            elif text[start:end] != quote:
                problems.append(
                    f"{what}: stored quote {_quoted(quote)} differs from the text at "
                    f"{start}–{end}, {_quoted(text[start:end])}."
                )
            if label_id not in labels:
                problems.append(f"{what}: label {label_id} is not in the codebook.")
            if sentiment is not None and sentiment not in sentiments:
                problems.append(f"{what}: sentiment {_quoted(sentiment)} is not in the codebook.")

    orphans = conn.execute(
        "SELECT a.id, a.document_id FROM annotations a "
        "LEFT JOIN documents d ON d.id = a.document_id WHERE d.id IS NULL"
    )
    for ann_id, doc_id in orphans:
        report.annotations += 1
        problems.append(f"Annotation {ann_id}: its document {doc_id} does not exist.")

    links = conn.execute(
        "SELECT l.id, l.kind, l.source_id, l.target_id, l.name, "
        "s.id, s.label_id, s.document_id, t.id, t.label_id, t.document_id "
        "FROM links l LEFT JOIN annotations s ON s.id = l.source_id "
        "LEFT JOIN annotations t ON t.id = l.target_id"
    )
    for (
        link_id,
        kind,
        source_id,
        target_id,
        name,
        s_id,
        s_label,
        s_doc,
        t_id,
        t_label,
        t_doc,
    ) in links:
        report.links += 1
        what = f"Link {link_id}"
        if kind not in LINK_KINDS:
            problems.append(f"{what}: unknown kind {kind!r}.")
        if s_id is None:
            problems.append(f"{what}: its source annotation {source_id} does not exist.")
        else:
            what = f"Link {link_id} from annotation {source_id}"
            role = labels.get(s_label, (None, None))[1]
            if s_label in labels and role != "claim":
                problems.append(f"{what}: the source is not a claim (its role is {role}).")
        if target_id is None:
            if name is None:
                problems.append(f"{what}: it has neither a target annotation nor a name.")
            continue
        if t_id is None:
            problems.append(f"{what}: its target annotation {target_id} does not exist.")
            continue
        wanted = _TARGET_ROLE.get(kind)
        role = labels.get(t_label, (None, None))[1]
        if wanted and t_label in labels and role != wanted:
            problems.append(
                f"{what}: a {kind} link must point to a {wanted} span; annotation {target_id} "
                f"is a {role or 'plain'} span."
            )
        if s_id is not None and s_doc != t_doc:
            problems.append(f"{what}: its target annotation {target_id} is in another document.")


def check_file(path: Path) -> CheckReport | None:
    """`check_project` on a read-only connection of its own, for a project of this version.

    Nothing is written and no write elsewhere is waited for; a project too damaged to open
    gets its damage as the check's finding. None when the file is no project of the current
    schema version (not a project, unreadable, older or newer): open it with `Store.open`,
    which says what it is or upgrades it, and check that.
    """
    try:
        conn = connect_read_only(path)
    except sqlite3.Error:
        return None
    try:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if is_unreadable(exc) or (is_not_a_database(exc) and not has_sqlite_header(path)):
                return None
            return CheckReport(problems=[f"The project cannot be read at all: {exc}."])
        if app_id != APPLICATION_ID or version > SCHEMA_VERSION:
            return None
        report = CheckReport()
        try:
            conn.execute("BEGIN")  # one snapshot, however long a write elsewhere takes
            if version == SCHEMA_VERSION:
                _check(conn, report)
            else:  # Annotator's rules need the upgrade first; damage is found without it
                _check_sqlite(conn, report.problems)
        except sqlite3.DatabaseError as exc:
            report.problems.append(f"The database could not be read to the end: {exc}.")
        return None if version < SCHEMA_VERSION and report.ok else report
    finally:
        conn.close()


def damage_found(path: Path) -> str | None:
    """What SQLite's quick check finds wrong with the project at `path`, or None: sound, or
    not a project at all (opening it says so). A pass over the whole file: about a second
    per gigabyte once the file is in the system's cache."""
    return _quick_checked(path)[0]


def _quick_checked(path: Path) -> tuple[str | None, bool]:
    """(what is wrong or None, whether the file is a project this check passed)."""
    if not path.is_file():
        return None, False
    try:
        conn = connect_read_only(path)
    except sqlite3.Error:
        return None, False
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return None, False
        rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.DatabaseError as exc:
        if is_unreadable(exc) or (is_not_a_database(exc) and not has_sqlite_header(path)):
            return None, False
        return str(exc), False
    finally:
        conn.close()
    return (None, True) if rows == ["ok"] else ("; ".join(rows), False)


def refuse_if_damaged(path: Path, *, before_checking: Callable[[], object] | None = None) -> bool:
    """Raise `DamagedProject` (what is wrong, how to restore) if the quick check fails.

    A file that passed it and that nothing changed since (see `verified`) is not checked
    again; `before_checking` is called when it is about to be. True when the project is
    known sound now: the command may then keep it so once it has written to it.
    """
    before = verified.identity(path)
    if verified.is_remembered(before):
        return True
    if before_checking is not None:
        before_checking()
    problem, sound = _quick_checked(path)
    if problem is not None:
        verified.forget(path)
        raise DamagedProject(
            f"{path} is damaged: SQLite's quick check found {problem}. Nothing was changed. "
            "`annotator check` (File ▸ Check project) lists what is wrong; restore the newest "
            "good backup with File ▸ Restore from backup…, or `annotator backups` and "
            "`annotator restore BACKUP` (the damaged file is kept)."
        )
    if sound and verified.identity(path) == before:  # no write elsewhere during the check
        verified.remember(before)
        return True
    return False


def quick_check(path: Path) -> str:
    """SQLite's `PRAGMA quick_check` on its own read-only connection: "ok", or what is wrong.

    Meant to run in a background thread right after opening, so a large project opens at once.
    """
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    return "; ".join(str(r[0]) for r in rows[:5])
