"""A small project three analysts tagged, for the agreement tests of every layer.

Ana and Olga coded both documents; Wei coded only the first (the second is missing for him).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotator.core.importing import ExtractedDocument, ImportReport
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.store import Store

FIRST = "China firmly opposes external forces, said Wei Fenghe on Monday. Tokayev thanked Beijing."
SECOND = "Kazakhstan values the partnership with China, Tokayev said."

#: (analyst, document, label, quote, sentiment)
TAGS = [
    ("Ana", "First", "Claim", "China firmly opposes external forces", "negative"),
    ("Ana", "First", "Speaker", "Wei Fenghe", None),
    ("Ana", "First", "Target", "Beijing", None),
    ("Olga", "First", "Claim", "firmly opposes external forces", "negative"),
    ("Olga", "First", "Speaker", "Wei Fenghe", None),
    ("Olga", "First", "Target", "Tokayev", None),
    ("Wei", "First", "Claim", "China firmly opposes external forces", "neutral"),
    ("Ana", "Second", "Claim", "Kazakhstan values the partnership with China", "positive"),
    ("Ana", "Second", "Speaker", "Tokayev", None),
    ("Olga", "Second", "Claim", "Kazakhstan values the partnership", "positive"),
    ("Olga", "Second", "Target", "China", None),
]


@dataclass(frozen=True)
class Project:
    path: Path
    documents: dict[str, DocumentId]


def add_document(store: Store, text: str, title: str) -> DocumentId:
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


def tag(
    store: Store,
    analyst: str,
    document_id: DocumentId,
    label: str,
    quote: str,
    sentiment: str | None = None,
) -> None:
    text = store.documents.text(document_id)
    start = text.index(quote)
    Session(store, store.ensure_analyst(analyst)).create_annotation(
        document_id=document_id,
        label_id=store.codebook.get().by_name(label).id,
        start=start,
        end=start + len(quote),
        sentiment=sentiment,
    )


def build(path: Path, tags: list[tuple[str, str, str, str, str | None]] = TAGS) -> Project:
    with Store.open(path) as store:
        documents = {
            "First": add_document(store, FIRST, "First"),
            "Second": add_document(store, SECOND, "Second"),
        }
        for analyst, document, label, quote, sentiment in tags:
            tag(store, analyst, documents[document], label, quote, sentiment)
    return Project(path, documents)


def tag_in_reviewed_layer(store: Store, project: Project) -> None:
    """One speaker span (“Wei Fenghe” in the first document) in the reviewed layer."""
    text = store.documents.text(project.documents["First"])
    start = text.index("Wei Fenghe")
    store.annotations.put(
        store.annotations.new(
            document_id=project.documents["First"],
            analyst_id=store.reviewed_layer().id,
            label_id=store.codebook.get().by_name("Speaker").id,
            start=start,
            end=start + 10,
        ),
        analyst_id=None,
    )
