"""The codebook: the default one, its validation, and editing it (CodebookRepo.save)."""

from __future__ import annotations

import dataclasses

import pytest
from test_store_annotations import add_document, label, tag

from annotator.core.codebook import LabelDraft, load_default_codebook, validate_labels
from annotator.core.errors import ValidationError
from annotator.core.records import LabelId
from annotator.core.session import Session
from annotator.core.store import Store, history


def test_new_project_has_the_default_codebook(fresh_store: Store) -> None:
    codebook = fresh_store.codebook.get()
    assert [(lb.name, lb.role, lb.shortcut) for lb in codebook.labels] == [
        ("Claim", "claim", "1"),
        ("Speaker", "speaker", "2"),
        ("Target", "target", "3"),
    ]
    assert all(lb.color.startswith("#") and lb.description for lb in codebook.labels)
    assert codebook.sentiments == ("positive", "negative", "neutral", "mixed")


def test_reopening_does_not_seed_the_codebook_twice(db_path) -> None:  # type: ignore[no-untyped-def]
    Store.open(db_path).close()
    with Store.open(db_path) as store:
        assert len(store.codebook.get().labels) == 3


def test_conflicting_shortcuts_are_refused_with_both_label_names() -> None:
    labels, sentiments = load_default_codebook()
    labels[2] = {**labels[2], "shortcut": "1"}
    with pytest.raises(ValidationError, match="Shortcut 1 is used by both “Claim” and “Target”"):
        validate_labels(labels, sentiments)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "claim"}, "label names must differ"),
        ({"color": "red"}, "#rrggbb"),
        ({"role": "villain"}, "unknown role"),
        ({"name": "  "}, "needs a name"),
    ],
)
def test_invalid_labels_are_refused(change: dict[str, str], message: str) -> None:
    labels, sentiments = load_default_codebook()
    labels[1] = {**labels[1], **change}
    with pytest.raises(ValidationError, match=message):
        validate_labels(labels, sentiments)


def test_duplicate_sentiments_are_refused() -> None:
    labels, _ = load_default_codebook()
    with pytest.raises(ValidationError, match="distinct"):
        validate_labels(labels, ["positive", "positive"])


# -- editing the codebook (CodebookRepo.save) -----------------------------------------------


def drafts(store: Store) -> list[LabelDraft]:
    return [LabelDraft.of(lb) for lb in store.codebook.get().labels]


def snapshot(store: Store) -> tuple[list[tuple[object, ...]], str | None, int]:
    """Everything a refused save must leave untouched: label rows, sentiments, history."""
    rows = store.conn.execute("SELECT * FROM labels ORDER BY id").fetchall()
    seq = store.conn.execute("SELECT count(*) FROM history").fetchone()[0]
    return rows, store.meta("sentiments"), seq


@pytest.fixture
def session(fresh_store: Store) -> Session:
    return Session(fresh_store, fresh_store.ensure_analyst("Ana"))


def test_save_reorders_labels_by_list_order_and_keeps_ids(fresh_store: Store) -> None:
    before = fresh_store.codebook.get()
    saved = fresh_store.codebook.save(
        drafts(fresh_store)[::-1], list(before.sentiments), analyst_id=None
    )
    assert [lb.name for lb in saved.labels] == ["Target", "Speaker", "Claim"]
    assert [lb.position for lb in saved.labels] == [0, 1, 2]
    assert [lb.id for lb in saved.labels] == [lb.id for lb in before.labels[::-1]]


def test_rename_keeps_the_id_and_annotations_follow(session: Session) -> None:
    store = session.store
    doc = add_document(store)
    annotation = tag(session, doc, "Claim", 0, 6)
    edited = drafts(store)
    edited[0] = dataclasses.replace(edited[0], name="Assertion")
    store.codebook.save(edited, ["positive", "negative", "neutral", "mixed"], analyst_id=None)
    stored = store.annotations.get(annotation.id)
    assert stored.label_id == annotation.label_id
    assert store.codebook.get().by_id(stored.label_id).name == "Assertion"
    assert [lb.name for lb in store.codebook.get().labels] == ["Assertion", "Speaker", "Target"]


def test_two_labels_can_swap_names_in_one_save(fresh_store: Store) -> None:
    before = fresh_store.codebook.get()
    claim, speaker, target = drafts(fresh_store)
    swapped = [
        dataclasses.replace(claim, name="Target"),
        speaker,
        dataclasses.replace(target, name="Claim"),
    ]
    after = fresh_store.codebook.save(swapped, list(before.sentiments), analyst_id=None)
    assert after.by_name("Target").id == claim.id
    assert after.by_name("Target").role == "claim"
    assert after.by_name("Claim").id == target.id


def test_a_new_label_may_take_the_name_of_a_renamed_or_removed_one(fresh_store: Store) -> None:
    claim, speaker, target = drafts(fresh_store)
    new = [
        dataclasses.replace(claim, name="Assertion"),
        speaker,
        LabelDraft(None, "Claim", None, "", "#123456", ""),
        LabelDraft(None, "Target", None, "", "#654321", ""),
    ]
    after = fresh_store.codebook.save(new, [], analyst_id=None)
    assert after.by_name("Assertion").id == claim.id
    assert after.by_name("Claim").id not in (claim.id, target.id)
    assert after.by_name("Target").id != target.id


def test_adding_a_label_creates_it_at_its_position(fresh_store: Store) -> None:
    new = LabelDraft(None, "  Quote  source ", None, "4", "#ABCDEF", " Where from ")
    edited = drafts(fresh_store)
    edited.insert(1, new)
    after = fresh_store.codebook.save(edited, ["positive"], analyst_id=None)
    added = after.labels[1]
    assert (added.name, added.role, added.shortcut, added.color, added.description) == (
        "Quote source",
        None,
        "4",
        "#abcdef",
        "Where from",
    )
    assert added.id and added.id not in {d.id for d in edited}
    assert [lb.position for lb in after.labels] == [0, 1, 2, 3]
    assert after.sentiments == ("positive",)


def test_conflicting_shortcuts_are_refused_and_nothing_changes(fresh_store: Store) -> None:
    before = snapshot(fresh_store)
    edited = drafts(fresh_store)
    edited[0] = dataclasses.replace(edited[0], name="Assertion")
    edited[2] = dataclasses.replace(edited[2], shortcut="1")
    with pytest.raises(
        ValidationError, match="Shortcut 1 is used by both “Assertion” and “Target”"
    ):
        fresh_store.codebook.save(edited, ["positive"], analyst_id=None)
    assert snapshot(fresh_store) == before
    assert fresh_store.codebook.get().by_id(edited[0].id).name == "Claim"


@pytest.mark.parametrize("key", ["a", "F2", "10", " ", "+"])
def test_a_shortcut_must_be_one_digit(key: str) -> None:
    labels, sentiments = load_default_codebook()
    labels[0] = {**labels[0], "shortcut": key}
    with pytest.raises(ValidationError, match="single digit 0–9 or none"):
        validate_labels(labels, sentiments)


def test_no_shortcut_and_digit_zero_are_allowed(fresh_store: Store) -> None:
    edited = drafts(fresh_store)
    edited[0] = dataclasses.replace(edited[0], shortcut="")
    edited[1] = dataclasses.replace(edited[1], shortcut="0")
    after = fresh_store.codebook.save(edited, [], analyst_id=None)
    assert [lb.shortcut for lb in after.labels] == ["", "0", "3"]


def test_removing_a_used_label_is_refused_with_its_count(session: Session) -> None:
    store = session.store
    doc = add_document(store)
    tag(session, doc, "Speaker", 0, 6)
    tag(session, doc, "Speaker", 10, 16)
    before = snapshot(store)
    claim, _speaker, target = drafts(store)
    with pytest.raises(
        ValidationError,
        match="Cannot remove label “Speaker”: 2 annotations use it. Relabel or delete them first",
    ):
        store.codebook.save([claim, target], ["positive"], analyst_id=None)
    assert snapshot(store) == before
    assert [lb.name for lb in store.codebook.get().labels] == ["Claim", "Speaker", "Target"]


def test_removing_an_unused_label_works_and_is_recorded(session: Session) -> None:
    store = session.store
    tag(session, add_document(store), "Claim", 0, 6)
    claim, speaker, target = drafts(store)
    after = store.codebook.save([claim, speaker], ["positive"], analyst_id=session.analyst.id)
    assert [lb.name for lb in after.labels] == ["Claim", "Speaker"]
    [entry] = store.history(entity_id=target.id)[1:]
    assert (entry.action, entry.entity, entry.analyst_id) == ("delete", "label", session.analyst.id)
    assert entry.before is not None and entry.before["name"] == "Target"
    assert entry.after is None


def test_role_of_a_used_label_cannot_change(session: Session) -> None:
    store = session.store
    tag(session, add_document(store), "Target", 0, 6)
    before = snapshot(store)
    edited = drafts(store)
    edited[2] = dataclasses.replace(edited[2], role="speaker")
    with pytest.raises(
        ValidationError, match="Cannot change the role of label “Target”: 1 annotation"
    ):
        store.codebook.save(edited, ["positive", "negative", "neutral", "mixed"], analyst_id=None)
    assert snapshot(store) == before


def test_a_sentiment_value_in_use_cannot_be_removed_or_renamed(session: Session) -> None:
    store = session.store
    tag(session, add_document(store), "Claim", 0, 6, sentiment="negative")
    before = snapshot(store)
    for values in (["positive", "neutral"], ["positive", "adverse", "neutral"]):
        with pytest.raises(
            ValidationError,
            match="Cannot remove sentiment “negative”: 1 annotation uses it",
        ):
            store.codebook.save(drafts(store), values, analyst_id=None)
        assert snapshot(store) == before
    after = store.codebook.save(drafts(store), ["negative", "hopeful"], analyst_id=None)
    assert after.sentiments == ("negative", "hopeful")


@pytest.mark.parametrize("values", [["positive", "positive"], ["positive", "  "]])
def test_sentiment_values_must_be_non_empty_and_distinct(
    fresh_store: Store, values: list[str]
) -> None:
    with pytest.raises(ValidationError, match="non-empty and distinct"):
        fresh_store.codebook.save(drafts(fresh_store), values, analyst_id=None)


def test_a_codebook_without_labels_is_refused(fresh_store: Store) -> None:
    with pytest.raises(ValidationError, match="at least one label"):
        fresh_store.codebook.save([], ["positive"], analyst_id=None)
    assert len(fresh_store.codebook.get().labels) == 3


def test_saving_records_label_and_sentiment_changes_in_history(session: Session) -> None:
    store = session.store
    analyst = session.analyst.id
    claim, speaker, target = drafts(store)
    new = LabelDraft(None, "Frame", None, "", "#000000", "")
    after = store.codebook.save(
        [dataclasses.replace(claim, name="Assertion"), speaker, target, new],
        ["positive", "negative"],
        analyst_id=analyst,
    )
    renamed = store.history(entity_id=claim.id)[-1]
    assert (renamed.action, renamed.entity, renamed.analyst_id) == ("update", "label", analyst)
    assert renamed.before is not None and renamed.before["name"] == "Claim"
    assert renamed.after is not None and renamed.after["name"] == "Assertion"
    created = store.history(entity_id=after.by_name("Frame").id)
    assert [(e.action, e.entity) for e in created] == [("create", "label")]
    assert created[0].after is not None and created[0].after["position"] == 3
    # Unchanged labels get no entry: only their seeding.
    assert len(store.history(entity_id=speaker.id)) == 1
    [values] = store.history(entity_id="sentiments")
    assert (values.action, values.entity, values.analyst_id) == ("update", "codebook", analyst)
    assert values.before == {"sentiments": ["positive", "negative", "neutral", "mixed"]}
    assert values.after == {"sentiments": ["positive", "negative"]}


def test_a_failing_save_leaves_nothing_behind(
    fresh_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_store.codebook.get()
    before = snapshot(fresh_store)
    real = history.record

    def fail_on_sentiments(db: object, **kw: object) -> None:
        if kw["entity"] == "codebook":
            raise OSError("disk unplugged")
        real(db, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(history, "record", fail_on_sentiments)
    edited = drafts(fresh_store)
    edited[0] = dataclasses.replace(edited[0], name="Assertion")
    with pytest.raises(OSError):
        fresh_store.codebook.save(edited, ["positive"], analyst_id=None)
    assert snapshot(fresh_store) == before
    assert fresh_store.codebook.get().labels[0].name == "Claim"
    assert not fresh_store.conn.in_transaction


def test_get_reflects_a_save_after_the_cache_was_filled(fresh_store: Store) -> None:
    cached = fresh_store.codebook.get()
    assert fresh_store.codebook.get() is cached
    edited = drafts(fresh_store)
    edited[1] = dataclasses.replace(edited[1], color="#000000", description="Who speaks")
    returned = fresh_store.codebook.save(edited, ["positive"], analyst_id=None)
    current = fresh_store.codebook.get()
    assert current == returned
    assert (current.labels[1].color, current.labels[1].description) == ("#000000", "Who speaks")
    assert current.sentiments == ("positive",)


def test_a_label_id_from_elsewhere_is_refused(fresh_store: Store) -> None:
    edited = drafts(fresh_store)
    edited[0] = dataclasses.replace(edited[0], id=LabelId("not-a-label"))
    with pytest.raises(ValidationError, match="reopen the editor"):
        fresh_store.codebook.save(edited, ["positive"], analyst_id=None)


def test_label_and_sentiment_usage_count_annotations(session: Session) -> None:
    store = session.store
    doc = add_document(store)
    tag(session, doc, "Claim", 0, 6, sentiment="mixed")
    tag(session, doc, "Claim", 10, 16)
    assert store.codebook.label_usage() == {label(store, "Claim"): 2}
    assert store.codebook.sentiment_usage() == {"mixed": 1}


def test_by_shortcut_finds_the_label_bound_to_a_key(fresh_store: Store) -> None:
    codebook = fresh_store.codebook.get()
    assert codebook.by_shortcut("2") == codebook.by_name("Speaker")
    assert codebook.by_shortcut("9") is None
    assert codebook.by_shortcut("") is None
