"""A team on a fresh hub (an admin, two analysts, a reviewer) and small projects to sync."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from annotator.core.hub import grant, init_hub
from annotator.core.importing import ExtractedDocument, ImportReport
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store

PASSWORD = "correct-horse-battery"
ARTICLE = (
    "China firmly opposes external forces, said Wei Fenghe on Monday. "
    "Tokayev thanked Beijing for its support."
)


@dataclass(frozen=True)
class Team:
    admin: str  # the superuser's URL (with its password)

    def url(self, login: str, *, password: bool = False) -> str:
        """The login's URL, without its password (PGPASSWORD gives it) unless asked."""
        parts = urlsplit(self.admin)
        host = parts.netloc.rsplit("@", 1)[1]
        user = f"{login}:{PASSWORD}" if password else login
        return urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, ""))


def make_team(admin_url: str) -> Team:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        init_hub(conn)
        grant(conn, "anna", PASSWORD, False)
        grant(conn, "ben", PASSWORD, False)
        grant(conn, "rita", PASSWORD, True)
    return Team(admin_url)


def add_document(store: Store, text: str = ARTICLE, title: str = "Wei Fenghe") -> DocumentId:
    report = ImportReport(
        source=f"{title}.txt",
        format="text",
        encoding="utf-8",
        encoding_detected=False,
        repairs=[],
        warnings=[],
    )
    extracted = ExtractedDocument(
        source=Path(f"{title}.txt"), title=title, text=text, published=None, report=report
    )
    summary, _ = store.documents.add(extracted, analyst_id=None)
    return summary.id


def tag(store: Store, analyst: str, document_id: DocumentId, label: str, quote: str) -> str:
    text = store.documents.text(document_id)
    start = text.index(quote)
    annotation, _ = Session(store, store.ensure_analyst(analyst)).create_annotation(
        document_id=document_id,
        label_id=store.codebook.get().by_name(label).id,
        start=start,
        end=start + len(quote),
    )
    return annotation.id


def layer(store: Store, analyst: str) -> set[tuple[str, str]]:
    """(label name, quote) of every annotation in the analyst's layer."""
    rows = store.conn.execute(
        "SELECT l.name, a.quote FROM annotations a JOIN labels l ON l.id = a.label_id "
        "JOIN analysts p ON p.id = a.analyst_id WHERE p.name = ?",
        [analyst],
    ).fetchall()
    return {(r[0], r[1]) for r in rows}
