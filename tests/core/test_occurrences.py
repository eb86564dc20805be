"""Tag every occurrence: exact, case- and accent-insensitive, whole words, known aliases;
applied in one undoable step. Speaker alias suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import ValidationError
from annotator.core.importing.report import ExtractedDocument, ImportReport, SourceMeta
from annotator.core.occurrences import find_occurrences, fold_text, speaker_forms
from annotator.core.records import DocumentId
from annotator.core.session import Session
from annotator.core.speaker_aliases import suggest_alias_groups
from annotator.core.store import Store


def add(store: Store, title: str, text: str) -> DocumentId:
    extracted = ExtractedDocument(
        source=Path(f"{title}.txt"),
        title=title,
        text=text,
        published="2022-05-01",
        report=ImportReport(f"{title}.txt", "text", "utf-8", False),
        meta=SourceMeta(outlet="Outlet"),
    )
    return store.documents.add(extracted, analyst_id=None)[0].id


def role_label(store: Store, role: str) -> str:
    return next(lb.id for lb in store.codebook.get().labels if lb.role == role)


def test_folding_keeps_a_map_back_to_code_points() -> None:
    assert fold_text("Wei Fenghe") == ("wei fenghe", None)
    folded, origin = fold_text("Straße Zoë 🚀 Wałęsa")
    assert folded == "strasse zoe 🚀 walesa"
    assert origin is not None and origin[folded.index("zoe")] == "Straße Zoë".index("Z")


def test_occurrences_are_exact_case_and_accent_insensitive_on_whole_words(
    fresh_store: Store,
) -> None:
    store = fresh_store
    one = add(store, "One", "Wei Fenghe met Zoë. WEI FENGHE left; weight rose. Then wei\nfenghe.")
    two = add(store, "Two", "Defence chief Wéi Fēnghé spoke to Lech Wałęsa’s aides.")
    add(store, "Three", "Nothing about him here, only Fenghe Wei reversed.")
    hits = find_occurrences(store, ["wei fenghe"])
    assert [(h.document_id, h.quote) for h in hits] == [
        (one, "Wei Fenghe"),
        (one, "WEI FENGHE"),
        (one, "wei\nfenghe"),
        (two, "Wéi Fēnghé"),
    ]
    text = store.documents.get(two).text
    assert all(store.documents.get(h.document_id).text[h.start : h.end] == h.quote for h in hits)
    assert hits[3].before == "Defence chief " and hits[3].after.startswith(" spoke")
    assert text[hits[3].start : hits[3].end] == "Wéi Fēnghé"
    assert [h.quote for h in find_occurrences(store, ["walesa's"])] == ["Wałęsa’s"]
    assert find_occurrences(store, ["wei"], document_ids=[two])[0].quote == "Wéi"  # not "weight"
    with pytest.raises(ValidationError, match="no letters"):
        find_occurrences(store, ["—"])
    with pytest.raises(ValidationError, match="Select or type"):
        find_occurrences(store, ["  "])


def test_aliases_are_found_longest_first_and_a_speaker_name_brings_its_forms(
    fresh_store: Store,
) -> None:
    store = fresh_store
    text = "Minister of National Defense Wei Fenghe said so. Later Gen. Wei repeated it. Wei left."
    doc = add(store, "Seed", text)
    session = Session(store, store.ensure_analyst("Ana"))
    speaker = role_label(store, "speaker")
    spans = []
    for quote in ("Minister of National Defense Wei Fenghe", "Gen. Wei", "Wei left"):
        start = text.index(quote)
        end = start + (3 if quote == "Wei left" else len(quote))
        spans.append(
            session.create_annotation(document_id=doc, label_id=speaker, start=start, end=end)[0]
        )
    [group] = suggest_alias_groups(store)
    assert group.canonical == "Minister of National Defense Wei Fenghe"
    assert group.aliases == ("Wei", "Gen. Wei")
    assert set(group.spans) == {a.id for a in spans}

    session.name_speakers(list(group.spans), "Wei Fenghe")
    assert {store.annotations.get(a.id).speaker_name for a in spans} == {"Wei Fenghe"}
    forms = speaker_forms(store, "wei fenghe")
    assert forms[0] == "Minister of National Defense Wei Fenghe" and "Gen. Wei" in forms
    hits = find_occurrences(store, forms)
    assert [h.quote for h in hits] == [
        "Minister of National Defense Wei Fenghe", "Gen. Wei", "Wei"
    ]  # fmt: skip
    assert all(h.tagged for h in hits)  # each is a speaker span already
    session.undo()
    assert {store.annotations.get(a.id).speaker_name for a in spans} == {None}


def test_an_ambiguous_short_name_is_not_suggested(fresh_store: Store) -> None:
    store = fresh_store
    text = "Wei Fenghe and Wei Jianguo met; Wei spoke."
    doc = add(store, "Two Weis", text)
    session = Session(store, store.ensure_analyst("Ana"))
    speaker = role_label(store, "speaker")
    for quote in ("Wei Fenghe", "Wei Jianguo", "Wei spoke"):
        start = text.index(quote)
        end = start + (3 if quote == "Wei spoke" else len(quote))
        session.create_annotation(document_id=doc, label_id=speaker, start=start, end=end)
    assert suggest_alias_groups(store) == []


def test_ticked_occurrences_are_tagged_in_one_undoable_step(fresh_store: Store) -> None:
    store = fresh_store
    docs = [
        add(store, f"D{i}", f"Report {i}: Wei Fenghe visited. Wei Fenghe spoke.") for i in range(3)
    ]
    session = Session(store, store.ensure_analyst("Ana"))
    speaker = role_label(store, "speaker")
    hits = find_occurrences(store, ["Wei Fenghe"])
    assert len(hits) == 6 and not any(h.tagged for h in hits)
    ticked = [h for i, h in enumerate(hits) if i != 1]
    made, change = session.tag_many(
        [(h.document_id, h.start, h.end) for h in ticked],
        label_id=speaker,
        speaker_name="Wei Fenghe",
    )
    assert len(made) == 5 and change.document_id == docs[0]
    # The open document's views take in only its own spans; the others are named apart.
    assert change.touched == {a.id for a in made if a.document_id == docs[0]}
    assert change.elsewhere == {a.id for a in made if a.document_id != docs[0]}
    assert session.undo_description() == "Tag 5 passages as Speaker"
    assert [h.tagged for h in find_occurrences(store, ["Wei Fenghe"])] == [
        True, False, True, True, True, True
    ]  # fmt: skip
    session.undo()
    assert not any(h.tagged for h in find_occurrences(store, ["Wei Fenghe"]))
    assert all(store.annotations.find(a.id) is None for a in made)
