"""analysis_names (migration 0015) stays what the claims CSV says through every edit: add,
relabel, link, unlink, rename, typed names, delete, undo, a label's role, merge and import;
and an existing project gets it built by the migration."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from test_store_annotations import TEXT, add_document, label

from annotator.core.export import export, export_claims_csv
from annotator.core.interchange import import_annotations, read_annotation_file
from annotator.core.merge import merge_project
from annotator.core.session import Session
from annotator.core.store import Store
from annotator.core.store.migrations import MIGRATIONS

Names = dict[str, tuple[object, ...]]


def from_csv(store: Store, tmp_path: Path) -> Names:
    """Each linked claim's own columns, speaker and target, as the claims CSV gives them."""
    path = tmp_path / "claims.csv"
    export_claims_csv(store, path, raw=True)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = {r["claim_id"]: r for r in csv.DictReader(stream)}
    linked = {r[0] for r in store.conn.execute("SELECT source_id FROM links")}
    out: Names = {}
    for id_, label_id, sentiment, analyst_id, document_id in store.conn.execute(
        "SELECT id, label_id, sentiment, analyst_id, document_id FROM annotations"
    ):
        if id_ in linked and id_ in rows:
            row = rows[id_]
            own = (label_id, sentiment, analyst_id, document_id)
            out[id_] = (*own, row["speaker"] or None, row["target"] or None)
    return out


def from_table(store: Store) -> Names:
    """The table's claim rows, names put on one line where it flags them."""
    found = store.conn.execute(
        "SELECT n.id, n.label_id, n.sentiment, n.analyst_id, n.document_id, n.speaker, "
        "n.target, n.spaced FROM analysis_names n JOIN labels lb ON lb.id = n.label_id "
        "WHERE lb.role = 'claim'"
    )
    out: Names = {}
    for *row, spaced in found:
        speaker, target = row[5], row[6]
        if spaced & 1:
            speaker = " ".join(str(speaker).split())
        if spaced & 2:
            target = " ".join(str(target).split())
        out[row[0]] = (*row[1:5], speaker, target)
    return out


def check(store: Store, tmp_path: Path) -> Names:
    expected = from_csv(store, tmp_path)
    assert from_table(store) == expected
    return expected


def tag(session: Session, doc: str, name: str, phrase: str, text: str = TEXT):  # type: ignore[no-untyped-def]
    start = text.index(phrase)
    annotation, _ = session.create_annotation(
        document_id=doc,  # type: ignore[arg-type]
        label_id=label(session.store, name),  # type: ignore[arg-type]
        start=start,
        end=start + len(phrase),
    )
    return annotation


def test_the_table_follows_every_edit_and_undo(fresh_store: Store, tmp_path: Path) -> None:
    store = fresh_store
    session = Session(store, store.ensure_analyst("Ana"))
    text = TEXT + " Said Minister\n  Wang\u3000Yi."
    doc = add_document(store, text)
    claim = tag(session, doc, "Claim", "China firmly opposes external forces", text)
    other = tag(session, doc, "Claim", "Kazakhstan 🇰🇿 values the partnership", text)
    speaker = tag(session, doc, "Speaker", "Wei Fenghe", text)
    spaced = tag(session, doc, "Speaker", "Minister\n  Wang\u3000Yi", text)
    target = tag(session, doc, "Target", "China", text)
    assert check(store, tmp_path) == {}  # nothing linked yet

    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    session.set_link(source_id=claim.id, kind="about", target_id=target.id)
    session.set_link(source_id=other.id, kind="said_by", target_id=spaced.id)
    names = check(store, tmp_path)
    assert names[claim.id][4:] == ("Wei Fenghe", "China")
    assert names[other.id][4] == "Minister Wang Yi"

    session.update_annotation(claim.id, sentiment="negative")  # the claim's own columns
    assert check(store, tmp_path)[claim.id][1] == "negative"
    session.name_speakers([speaker.id], "General Wei Fenghe")  # rename the span
    assert check(store, tmp_path)[claim.id][4] == "General Wei Fenghe"
    session.set_link(source_id=other.id, kind="about", name="NATO")  # a typed name
    assert check(store, tmp_path)[other.id][5] == "NATO"
    session.update_annotation(speaker.id, label_id=label(store, "Claim"))  # no speaker now
    assert check(store, tmp_path)[claim.id][4] is None
    session.undo()
    assert check(store, tmp_path)[claim.id][4] == "General Wei Fenghe"
    session.set_link(source_id=claim.id, kind="said_by")  # unlink
    assert check(store, tmp_path)[claim.id][4] is None
    session.undo()
    session.delete_annotation(target.id)  # the span goes, and its link with it
    assert check(store, tmp_path)[claim.id][5] is None
    session.undo()
    assert check(store, tmp_path)[claim.id][5] == "China"
    session.delete_annotation(claim.id)
    assert claim.id not in check(store, tmp_path)
    session.undo()
    assert check(store, tmp_path)[claim.id][4:] == ("General Wei Fenghe", "China")

    speaker_label = label(store, "Speaker")  # a label's role: its spans stop naming
    store.conn.execute("UPDATE labels SET role = 'claim' WHERE id = ?", [speaker_label])
    assert check(store, tmp_path)[claim.id][4] is None
    store.conn.execute("UPDATE labels SET role = 'speaker' WHERE id = ?", [speaker_label])
    assert check(store, tmp_path)[claim.id][4] == "General Wei Fenghe"
    store.conn.execute(  # a link rewritten in place (as a sync may)
        "UPDATE links SET target_id = ? WHERE source_id = ? AND kind = 'said_by'",
        [spaced.id, claim.id],
    )
    assert check(store, tmp_path)[claim.id][4] == "Minister Wang Yi"


def test_merged_and_imported_claims_are_named(fresh_store: Store, tmp_path: Path) -> None:
    theirs = Store.open(tmp_path / "ben.sqlite")
    doc = add_document(theirs)
    ben = Session(theirs, theirs.ensure_analyst("Ben"))
    claim = tag(ben, doc, "Claim", "China firmly opposes external forces")
    speaker = tag(ben, doc, "Speaker", "Wei Fenghe")
    ben.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    ben.set_link(source_id=claim.id, kind="about", name="NATO")
    export(theirs, tmp_path / "ben.jsonl", "jsonl")
    theirs.close()
    merge_project(fresh_store, tmp_path / "ben.sqlite", analyst="Ana")
    assert check(fresh_store, tmp_path)[claim.id][4:] == ("Wei Fenghe", "NATO")

    other = Store.open(tmp_path / "other.sqlite")
    report = import_annotations(
        other, read_annotation_file(tmp_path / "ben.jsonl"), analyst_fallback="Ana"
    )
    assert report.complete, report.summary()
    names = check(other, tmp_path)
    assert [n[4:] for n in names.values()] == [("Wei Fenghe", "NATO")]
    other.close()


def test_the_migration_builds_the_table_for_an_existing_project(
    fresh_store: Store, tmp_path: Path
) -> None:
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    doc = add_document(fresh_store)
    claim = tag(session, doc, "Claim", "China firmly opposes external forces")
    speaker = tag(session, doc, "Speaker", "Wei Fenghe")
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    expected = check(fresh_store, tmp_path)
    fresh_store.close()
    conn = sqlite3.connect(fresh_store.path)  # back to 0014: no table, no triggers
    version = next(m.version for m in MIGRATIONS if m.name == "0015_analysis_names")
    conn.executescript(
        "DROP TABLE analysis_names; "
        # and the tables of the migrations after it
        + "DROP TABLE deferred_upkeep; DROP TABLE hub_held_names; "
        + "".join(
            f"DROP TRIGGER {name}; "
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'analysis_names_%'"
            ).fetchall()
        )
        + f"PRAGMA user_version = {version - 1};"
    )
    conn.close()
    again = Store.open(fresh_store.path, create=False)  # upgraded again: built from the rows
    assert from_table(again) == expected
    again.close()
