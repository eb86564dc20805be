"""Importing annotation files into a project: placement, re-anchoring, orphans, links, atomicity."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from annotator.core.export import export
from annotator.core.importing.report import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.interchange import InterchangeReport, import_annotations, read_annotation_file
from annotator.core.interchange.report import shorten
from annotator.core.records import Annotation, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store, bulk
from support import SAMPLE

ORIGINAL = SAMPLE.read_text(encoding="utf-8")
TITLE = "Wei Fenghe in Nur-Sultan"
TYPO = "the two countries have become permanant strategic partners"
SOURCE_TEXT = ORIGINAL.replace("permanent strategic", "permanant strategic")
DELETED = "Rare protests reached Kazakh’s biggest city Almaty this January"


def add(store: Store, text: str, title: str = TITLE) -> DocumentId:
    report = ImportReport("x.txt", "text", "utf-8", False)
    extracted = ExtractedDocument(Path("x.txt"), title, text, "2022-04-26", report)
    return store.documents.add(extracted, analyst_id=None)[0].id


def tag(session: Session, doc: DocumentId, label: str, phrase: str, **kw: Any) -> Annotation:
    text = session.store.documents.text(doc)
    start = text.index(phrase)
    annotation, _ = session.create_annotation(
        document_id=doc,
        label_id=session.store.codebook.get().by_name(label).id,
        start=start,
        end=start + len(phrase),
        **kw,
    )
    return annotation


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Store]:
    """A colleague's project: one article (with a typo), four spans and three links."""
    store = Store.open(tmp_path / "colleague.sqlite")
    doc = add(store, SOURCE_TEXT)
    session = Session(store, store.ensure_analyst("Bea"))
    claim = tag(session, doc, "Claim", TYPO, sentiment="positive", note="30 years")
    speaker = tag(session, doc, "Speaker", "Tokayev", speaker_name="Kassym-Jomart Tokayev")
    target = tag(session, doc, "Target", "Kazakhstan and China")
    protest = tag(session, doc, "Claim", DELETED)
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    session.set_link(source_id=claim.id, kind="about", target_id=target.id)
    session.set_link(source_id=protest.id, kind="about", name="Almaty")
    yield store
    store.close()


def exported(store: Store, path: Path, fmt: str = "jsonl", **kw: Any) -> Path:
    export(store, path, fmt, **kw)
    return path


def soon() -> str:
    """A time later than anything the tests made, yet not in the future (which is refused)."""
    return (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def run(store: Store, path: Path, **kw: Any) -> InterchangeReport:
    return import_annotations(store, read_annotation_file(path), analyst_fallback="Me", **kw)


def snapshot(store: Store) -> dict[str, list[Any]]:
    tables = ("documents", "analysts", "annotations", "links", "history")
    return {t: store.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


def quotes(store: Store) -> dict[str, str]:
    rows = store.conn.execute("SELECT id, quote FROM annotations").fetchall()
    return dict(rows)


def test_import_restores_document_annotations_and_links_with_their_ids(
    source: Store, fresh_store: Store, tmp_path: Path
) -> None:
    report = run(fresh_store, exported(source, tmp_path / "a.jsonl"))
    assert (report.added, report.links_added, report.orphans) == (4, 3, [])
    (doc,) = source.documents.list()
    assert fresh_store.documents.get(doc.id).text == SOURCE_TEXT  # created with the same id

    def same(store: Store, a: Annotation) -> Annotation:
        """Analyst and label by name: their ids are each project's own."""
        label = store.codebook.get().by_id(a.label_id).name
        analyst = {x.id: x.name for x in store.analysts()}[a.analyst_id]
        return dataclasses.replace(a, analyst_id=analyst, label_id=label)  # type: ignore[arg-type]

    assert [same(fresh_store, a) for a in fresh_store.annotations.for_document(doc.id)] == [
        same(source, a) for a in source.annotations.for_document(doc.id)
    ]
    links = {
        (k.id, k.kind, k.target_id, k.name) for k in source.annotations.links_for_document(doc.id)
    }
    assert {
        (k.id, k.kind, k.target_id, k.name)
        for k in fresh_store.annotations.links_for_document(doc.id)
    } == links
    creates = [e for e in fresh_store.history() if e.entity == "annotation"]
    assert len(creates) == 4 and {e.action for e in creates} == {"create"}


def test_importing_the_same_file_twice_adds_nothing(
    source: Store, fresh_store: Store, tmp_path: Path
) -> None:
    path = exported(source, tmp_path / "a.jsonl")
    run(fresh_store, path)
    before = snapshot(fresh_store)
    report = run(fresh_store, path)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 4)
    assert (report.links_added, report.links_unchanged) == (0, 3)
    assert snapshot(fresh_store) == before


def test_a_copy_with_a_paragraph_added_and_a_typo_fixed_is_reanchored(
    source: Store, fresh_store: Store, tmp_path: Path
) -> None:
    paragraph = "NUR-SULTAN, April 26 (Global Times) — Updated with the ministry's statement.\n"
    local = add(fresh_store, paragraph + ORIGINAL)
    report = run(fresh_store, exported(source, tmp_path / "a.jsonl"))
    assert len(fresh_store.documents.list()) == 1  # matched by title, not added again
    assert report.documents[0].how == "same title"
    stored = {a.quote: a for a in fresh_store.annotations.for_document(local)}
    fixed = TYPO.replace("permanant", "permanent")
    assert set(stored) == {fixed, "Tokayev", "Kazakhstan and China", DELETED}
    text = fresh_store.documents.text(local)
    assert all(text[a.start : a.end] == quote for quote, a in stored.items())
    moved = {m.quote: m for m in report.reanchored}
    assert moved[fixed].method == "fuzzy" and moved["Tokayev"].method == "quote"
    start = SOURCE_TEXT.index(TYPO)
    assert moved[fixed].old == (start, start + len(TYPO))
    assert moved[fixed].new == (stored[fixed].start, stored[fixed].end)
    assert "Re-anchored in a different text (4)" in report.summary()
    assert report.links_added == 3


def test_a_deleted_passage_is_an_orphan_listed_by_its_quote(
    source: Store, fresh_store: Store, tmp_path: Path
) -> None:
    start = ORIGINAL.index(DELETED)
    paragraph = ORIGINAL[ORIGINAL.rindex("\n", 0, start) : ORIGINAL.index("\n", start)]
    add(fresh_store, ORIGINAL.replace(paragraph, ""))
    report = run(fresh_store, exported(source, tmp_path / "a.jsonl"))
    assert report.added == 3
    (orphan,) = report.orphans
    assert (orphan.quote, orphan.document) == (DELETED, TITLE)
    assert orphan.reason == "its passage is not in this document's text"
    assert [(s.kind, s.claim) for s in report.skipped_links] == [("about", DELETED)]
    summary = report.summary()
    assert f"“{shorten(DELETED)}” in “{TITLE}”: its passage is not in this document's" in summary
    assert DELETED not in quotes(fresh_store).values()


def edit_lines(path: Path, change: Any) -> Path:
    """Rewrite each JSON line of `path` through `change(record)`."""
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    path.write_text("".join(json.dumps(change(r)) + "\n" for r in records), "utf-8")
    return path


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("label", "Villain", "label “Villain” is not in this project's codebook"),
        ("label_role", "speaker", "is a target label in this project but a speaker label"),
        ("sentiment", "furious", "Sentiment “furious” is not in the codebook"),
    ],
)
def test_annotations_the_project_cannot_hold_are_orphans_with_the_reason(
    source: Store, fresh_store: Store, tmp_path: Path, field: str, value: str, reason: str
) -> None:
    def change(record: dict[str, Any]) -> dict[str, Any]:
        if record.get("quote") == "Kazakhstan and China":
            record[field] = value
        return record

    report = run(fresh_store, edit_lines(exported(source, tmp_path / "a.jsonl"), change))
    (orphan,) = report.orphans
    assert orphan.quote == "Kazakhstan and China" and reason in orphan.reason
    assert report.added == 3 and report.links_added == 2
    (skipped,) = report.skipped_links  # the claim's "about" link pointed at it
    assert (skipped.kind, skipped.claim) == ("about", TYPO)
    assert "was not imported" in skipped.reason


def test_a_later_modified_version_replaces_an_earlier_one_and_not_the_reverse(
    source: Store, fresh_store: Store, tmp_path: Path
) -> None:
    path = exported(source, tmp_path / "a.jsonl")
    run(fresh_store, path)

    def retime(note: str, modified: str) -> Any:
        def change(record: dict[str, Any]) -> dict[str, Any]:
            if record.get("quote") == TYPO:
                record.update(note=note, modified=modified)
            return record

        return change

    report = run(fresh_store, edit_lines(path, retime("newer", soon())))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 3)
    assert (
        fresh_store.conn.execute(
            "SELECT count(*) FROM annotations WHERE note = 'newer'"
        ).fetchone()[0]
        == 1
    )
    report = run(fresh_store, edit_lines(path, retime("older", "2000-01-01T00:00:00.000Z")))
    assert (report.updated, report.unchanged) == (0, 4)
    assert (
        fresh_store.conn.execute(
            "SELECT count(*) FROM annotations WHERE note = 'older'"
        ).fetchone()[0]
        == 0
    )


def test_a_failure_midway_leaves_the_project_unchanged(
    source: Store, fresh_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(fresh_store, "Another article.", title="Other")
    before = snapshot(fresh_store)
    # One annotation a batch: two are written (with their history) before the third fails.
    monkeypatch.setattr(bulk, "BATCH_ROWS", 1)
    original = bulk.AnnotationWriter.flush
    calls = []

    def flush(self: bulk.AnnotationWriter) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk unplugged")
        original(self)

    monkeypatch.setattr(bulk.AnnotationWriter, "flush", flush)
    with pytest.raises(OSError, match="disk unplugged"):
        run(fresh_store, exported(source, tmp_path / "a.jsonl"))
    assert len(calls) == 3
    assert snapshot(fresh_store) == before  # no document, analyst, annotation or history entry
    assert not fresh_store.conn.in_transaction


def test_a_file_without_text_needs_the_document_in_the_project(
    source: Store, fresh_store: Store, tmp_path: Path
) -> None:
    report = run(fresh_store, exported(source, tmp_path / "a.jsonl", include_text=False))
    assert report.added == 0 and len(report.orphans) == 4
    assert {o.reason for o in report.orphans} == {
        "no document in this project has its text or title"
    }
    assert fresh_store.documents.list() == []
    assert "no document with this text, id, address or title in the project" in report.summary()


def test_w3c_annotations_find_the_same_text_and_restore_links(
    source: Store, fresh_store: Store, tmp_path: Path
) -> None:
    local = add(fresh_store, SOURCE_TEXT, title="A different title")
    path = exported(source, tmp_path / "a.json", "w3c")
    report = run(fresh_store, path)
    assert (report.added, report.links_added, report.reanchored) == (4, 3, [])
    assert report.documents[0].how == "same text"
    assert quotes(fresh_store) == quotes(source)
    links = {
        (k.kind, k.target_id, k.name) for k in fresh_store.annotations.links_for_document(local)
    }
    (doc,) = source.documents.list()
    assert links == {
        (k.kind, k.target_id, k.name) for k in source.annotations.links_for_document(doc.id)
    }
    again = run(fresh_store, path)
    assert (again.added, again.unchanged, again.links_added, again.links_unchanged) == (0, 4, 0, 3)


def test_w3c_annotations_can_be_put_onto_a_chosen_copy_of_the_text(
    source: Store, fresh_store: Store, tmp_path: Path
) -> None:
    local = add(fresh_store, "Preface.\n" + ORIGINAL, title="My copy")
    add(fresh_store, "Another article.", title="Other")
    report = run(fresh_store, exported(source, tmp_path / "a.json", "w3c"), onto=local)
    assert report.documents[0].how == "chosen" and report.added == 4
    assert len(report.reanchored) == 4 and report.links_added == 3
    text = fresh_store.documents.text(local)
    assert all(
        text[a.start : a.end] == a.quote for a in fresh_store.annotations.for_document(local)
    )
    # Imported again without choosing: the annotations are found where they went.
    again = run(fresh_store, tmp_path / "a.json")
    assert (again.added, again.unchanged, again.orphans) == (0, 4, [])


def test_a_more_recent_link_of_the_same_kind_in_the_project_is_kept(
    source: Store, fresh_store: Store, tmp_path: Path
) -> None:
    path = exported(source, tmp_path / "a.jsonl")
    run(fresh_store, path)
    claim = next(
        a
        for a in fresh_store.annotations.for_document(source.documents.list()[0].id)
        if a.quote == TYPO
    )
    Session(fresh_store, fresh_store.ensure_analyst("Me")).set_link(
        source_id=claim.id, kind="said_by", name="Xi Jinping"
    )
    report = run(fresh_store, path)
    (skipped,) = report.skipped_links
    assert skipped.kind == "said_by" and "more recent “said_by” link" in skipped.reason
    said = [k for k in fresh_store.annotations.links_touching(claim.id) if k.kind == "said_by"]
    assert [k.name for k in said] == ["Xi Jinping"]

    # A link made later in the file than the project's wins, and replaces it.
    def later(record: dict[str, Any]) -> dict[str, Any]:
        for link in record.get("links", []):
            link["created"] = soon()
        return record

    report = run(fresh_store, edit_lines(path, later))
    assert report.links_added == 1 and report.skipped_links == []
    said = [k for k in fresh_store.annotations.links_touching(claim.id) if k.kind == "said_by"]
    assert [(k.name, k.target_id is not None) for k in said] == [(None, True)]


def test_reimporting_your_own_w3c_export_changes_no_link(fresh_store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from test_store_annotations import TEXT, add_document, label

    from annotator.core.export import export
    from annotator.core.interchange import import_annotations, read_annotation_file
    from annotator.core.session import Session

    doc = add_document(fresh_store)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim, _ = session.create_annotation(
        document_id=doc, label_id=label(fresh_store, "Claim"), start=15, end=50
    )
    start = TEXT.index("Wei Fenghe")
    speaker, _ = session.create_annotation(
        document_id=doc, label_id=label(fresh_store, "Speaker"), start=start, end=start + 10
    )
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    session.set_link(source_id=claim.id, kind="about", name="NATO")
    session.update_annotation(claim.id, note="edited after linking")
    links_before = fresh_store.annotations.links_for_document(doc)
    history_before = len(fresh_store.history())
    out = tmp_path / "mine.jsonld"
    export(fresh_store, out, "w3c")
    report = import_annotations(fresh_store, read_annotation_file(out), analyst_fallback="Ana")
    assert report.complete, report.summary()
    assert report.links_added == 0 and report.links_unchanged == 2
    assert fresh_store.annotations.links_for_document(doc) == links_before
    assert len(fresh_store.history()) == history_before


def test_a_newer_version_with_another_label_drops_links_it_cannot_carry(
    fresh_store, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import json

    from test_store_annotations import TEXT, add_document, label

    from annotator.core.export import export
    from annotator.core.interchange import import_annotations, read_annotation_file
    from annotator.core.session import Session

    doc = add_document(fresh_store)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim, _ = session.create_annotation(
        document_id=doc, label_id=label(fresh_store, "Claim"), start=15, end=50
    )
    start = TEXT.index("Wei Fenghe")
    speaker, _ = session.create_annotation(
        document_id=doc, label_id=label(fresh_store, "Speaker"), start=start, end=start + 10
    )
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    out = tmp_path / "colleague.jsonl"
    export(fresh_store, out, "jsonl")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for line in lines:  # the colleague relabelled the speaker span as a target, later
        if line.get("id") == speaker.id:
            line.update(label="Target", label_role="target", modified=soon())
        if line.get("id") == claim.id:
            line["links"] = []
    out.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    # Imported by another analyst: a file never changes the importing analyst's own annotations.
    report = import_annotations(fresh_store, read_annotation_file(out), analyst_fallback="Bea")
    assert (
        fresh_store.codebook.get().by_id(fresh_store.annotations.get(speaker.id).label_id).name
        == "Target"
    )
    assert fresh_store.annotations.links_for_document(doc) == []  # no said_by to a target
    assert not report.complete and "no longer allows" in report.summary()


def test_an_annotation_deleted_here_later_is_not_brought_back(fresh_store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from test_store_annotations import add_document, label

    from annotator.core.export import export
    from annotator.core.interchange import import_annotations, read_annotation_file
    from annotator.core.session import Session

    doc = add_document(fresh_store)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim, _ = session.create_annotation(
        document_id=doc, label_id=label(fresh_store, "Claim"), start=15, end=50
    )
    out = tmp_path / "old.jsonl"
    export(fresh_store, out, "jsonl")
    session.delete_annotation(claim.id)
    report = import_annotations(fresh_store, read_annotation_file(out), analyst_fallback="Ana")
    assert fresh_store.annotations.find(claim.id) is None
    assert report.added == 0 and not report.complete
    assert "deleted in this project" in report.summary()


# -- what the source says about itself, and the page map ---------------------------------------

URL = "https://www.globaltimes.cn/page/202204/1260000.shtml"
META = {"outlet": "Global Times", "author": "Liu Xin; Yang Sheng", "url": URL, "language": "en"}


def add_sourced(store: Store, text: str, title: str = TITLE, **meta: str) -> DocumentId:
    """An article as the web and PDF importers add it, each paragraph a page."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n" and i + 1 < len(text)]
    extracted = ExtractedDocument(
        Path("x.pdf"),
        title,
        text,
        "2022-04-26",
        ImportReport("x.pdf", "pdf", "pdf", False),
        meta=SourceMeta(title=title, **meta),
        page_starts=starts,
    )
    summary, created = store.documents.add(extracted, analyst_id=None)
    assert created
    return summary.id


@pytest.fixture
def sourced(tmp_path: Path) -> Iterator[Store]:
    """A colleague's project whose article came from a web page, with a page map."""
    store = Store.open(tmp_path / "sourced.sqlite")
    doc = add_sourced(store, SOURCE_TEXT, **META)
    session = Session(store, store.ensure_analyst("Bea"))
    tag(session, doc, "Claim", TYPO, sentiment="positive")
    yield store
    store.close()


def test_a_document_added_from_the_file_keeps_its_source_and_page_map(
    sourced: Store, fresh_store: Store, tmp_path: Path
) -> None:
    report = run(fresh_store, exported(sourced, tmp_path / "a.jsonl"))
    assert report.complete and report.documents[0].how == "created"
    (theirs,) = sourced.documents.list()
    ours = fresh_store.documents.get(theirs.id)
    assert (ours.outlet, ours.author, ours.url, ours.language) == tuple(META.values())
    assert ours.page_starts == sourced.documents.get(theirs.id).page_starts
    assert len(ours.page_starts) > 3
    (claim,) = fresh_store.annotations.for_document(ours.id)
    assert ours.page_at(claim.start) == sourced.documents.get(theirs.id).page_at(claim.start)


def test_a_document_matched_to_ours_keeps_our_metadata(
    sourced: Store, fresh_store: Store, tmp_path: Path
) -> None:
    mine = add_sourced(fresh_store, SOURCE_TEXT, outlet="Our outlet", language="en-GB")
    report = run(fresh_store, exported(sourced, tmp_path / "a.jsonl"))
    assert report.documents[0].how == "same text" and report.added == 1
    ours = fresh_store.documents.get(mine)
    assert (ours.outlet, ours.author, ours.url, ours.language) == ("Our outlet", "", "", "en-GB")
    assert len(fresh_store.documents.list()) == 1


@pytest.mark.parametrize("fmt", ["jsonl", "w3c"])
def test_a_document_is_found_by_its_address_when_its_text_differs(
    sourced: Store, fresh_store: Store, tmp_path: Path, fmt: str
) -> None:
    # The same page fetched again, its typo fixed since, filed under another title here.
    mine = add_sourced(fresh_store, ORIGINAL, title="GT: Wei in Kazakhstan", url=URL)
    report = run(fresh_store, exported(sourced, tmp_path / f"a.{fmt}", fmt))
    assert report.documents[0].how == "same address" and report.added == 1
    assert "same web address, different text: re-anchored" in report.summary()
    (claim,) = fresh_store.annotations.for_document(mine)
    assert claim.quote == TYPO.replace("permanant", "permanent")
    assert [d.id for d in fresh_store.documents.list()] == [mine]


def test_two_articles_of_one_file_sharing_a_title_each_keep_their_own_annotations(
    fresh_store: Store, tmp_path: Path
) -> None:
    """ "Daily briefing" twice: the second is not taken for the first, just added from the
    same file, because of its title."""
    colleague = Store.open(tmp_path / "briefings.sqlite")
    session = Session(colleague, colleague.ensure_analyst("Bea"))
    texts = [
        "Daily briefing\nThe spokesman said the talks went well on Monday.",
        "Daily briefing\nThe spokesman said the talks went well on Tuesday, again.",
    ]
    for text in texts:
        doc = add(colleague, text, title="Daily briefing")
        tag(session, doc, "Claim", "the talks went well")
    report = run(fresh_store, exported(colleague, tmp_path / "briefings.jsonl"))
    colleague.close()
    assert report.added == 2 and not report.orphans
    documents = fresh_store.documents.list()
    assert len(documents) == 2
    for summary in documents:
        (annotation,) = fresh_store.annotations.for_document(summary.id)
        assert annotation.quote == "the talks went well"
