"""Helpers for the .qdpx tests: a project with every kind of thing a .qdpx carries, the
schema check, and a reading of a .qdpx that ignores ids (which differ between projects)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from annotator.core.importing import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.session import Session
from annotator.core.store import Store

SCHEMA = Path(__file__).resolve().parent.parent / "qdpx" / "Project-mrt2019.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}
#: Emoji (astral: two UTF-16 units, one code point) and CJK before the spans.
TEXT = (
    "Breaking 🚀🎉 news: 王毅 said relations are “excellent” 中国外交部.\n"
    "Critics 😟 said the policy harms Kazakhstan. 😀 End."
)


def add_document(store: Store, text: str = TEXT, **meta: str) -> str:
    extracted = ExtractedDocument(
        source=Path("article.txt"),
        title=meta.get("title", "Emoji and 中文 article"),
        text=text,
        published=meta.get("published", "2024-03-01"),
        report=ImportReport("article.txt", "text", "utf-8", False),
        meta=SourceMeta(
            outlet=meta.get("outlet", "Global Times"),
            url=meta.get("url", "https://example.org/a"),
            author=meta.get("author", "Li Wei"),
        ),
    )
    summary, _ = store.documents.add(extracted, analyst_id=None)
    return summary.id


def rich_project(store: Store) -> str:
    """One document with a claim (sentiment, note, a comment by Olga) linked to a speaker span
    (with a canonical name) and to a typed target name, and Olga's target span."""
    doc = add_document(store)
    labels = {label.name: label.id for label in store.codebook.get().labels}
    ana = Session(store, store.ensure_analyst("Ana"))
    olga = Session(store, store.ensure_analyst("Olga"))

    def span(part: str) -> tuple[int, int]:
        start = TEXT.index(part)
        return start, start + len(part)

    s, e = span("王毅")
    speaker, _ = ana.create_annotation(
        document_id=doc, label_id=labels["Speaker"], start=s, end=e, speaker_name="Wang Yi"
    )
    s, e = span("relations are “excellent” 中国外交部")
    claim, _ = ana.create_annotation(
        document_id=doc,
        label_id=labels["Claim"],
        start=s,
        end=e,
        sentiment="positive",
        note="Quoted 🙂 verbatim",
    )
    ana.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    ana.set_link(source_id=claim.id, kind="about", name="China–Kazakhstan 关系")
    olga.add_comment(claim.id, "Agree 👍")
    s, e = span("Kazakhstan")
    olga.create_annotation(document_id=doc, label_id=labels["Target"], start=s, end=e)
    s, e = span("😀 End")
    olga.create_annotation(
        document_id=doc, label_id=labels["Claim"], start=s, end=e, sentiment="negative"
    )
    return doc


def validate(qdpx: Path) -> etree._Element:
    """project.qde of `qdpx`, checked against the REFI-QDA schema (fails the test if not)."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    with zipfile.ZipFile(qdpx) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    schema.assertValid(root)
    return root


def content(store: Store) -> dict[str, Any]:
    """Everything a round trip must keep, by name and text rather than id."""
    names = {a.id: a.name for a in store.layers()}
    labels = {label.id: label for label in store.codebook.get().labels}
    annotations: dict[str, Any] = {}
    links = []
    comments = []
    by_id = {}
    for doc in store.documents.list():
        full = store.documents.get(doc.id)
        for a in store.annotations.for_document(doc.id):
            key = (full.title, names[a.analyst_id], labels[a.label_id].name, a.start, a.end)
            by_id[a.id] = key
            annotations[repr(key)] = (
                a.quote,
                a.sentiment,
                a.note,
                a.speaker_name,
                a.created,
                a.modified,
            )
            comments += [
                (repr(key), names[c.author_id], c.body, c.created)
                for c in store.comments.thread(a.id)
            ]
        for link in store.annotations.links_for_document(doc.id):
            links.append((link.kind, by_id.get(link.source_id), link.target_id, link.name))
    links = [(k, s, by_id.get(t) if t else None, n) for k, s, t, n in links]
    documents = [
        (d.title, d.published, d.outlet, d.author, d.url, store.documents.text(d.id))
        for d in store.documents.list()
    ]
    return {
        "documents": documents,
        "annotations": annotations,
        "links": sorted(map(repr, links)),
        "comments": sorted(map(repr, comments)),
        "analysts": sorted(a.name for a in store.analysts()),
        "labels": [(lb.name, lb.role, lb.color) for lb in labels.values()],
        "sentiments": store.codebook.get().sentiments,
    }


def write_qdpx(path: Path, xml: str | bytes, files: dict[str, bytes] | None = None) -> Path:
    """A .qdpx with this project.qde and these other members (name → bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml if isinstance(xml, bytes) else xml.encode("utf-8"))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


def project_state(store: Store) -> tuple[Any, ...]:
    """What an import could change: documents, annotations, analysts, codebook, comments."""
    conn = store.conn
    return tuple(
        conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("documents", "annotations", "analysts", "labels", "comments", "links")
    ) + (store.meta("sentiments"),)
