"""The codebook kept in memory is the one the project holds: a change rolled back is gone from
it, and labels another connection adds or renames show at the next read."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from annotator.core.codebook import LabelDraft
from annotator.core.errors import ValidationError
from annotator.core.store import Store

FRAME = LabelDraft(None, "Frame", None, "", "#000000", "")


def drafts(store: Store) -> list[LabelDraft]:
    return [LabelDraft.of(label) for label in store.codebook.get().labels]


def names(store: Store) -> list[str]:
    return [label.name for label in store.codebook.get().labels]


class Stop(Exception):
    pass


def test_a_label_added_in_a_rolled_back_transaction_is_not_shown(fresh_store: Store) -> None:
    before = names(fresh_store)
    with pytest.raises(Stop), fresh_store.transaction():
        fresh_store.codebook.save(
            [*drafts(fresh_store), FRAME], list(fresh_store.codebook.get().sentiments),
            analyst_id=None,
        )  # fmt: skip
        assert "Frame" in names(fresh_store)  # inside the transaction it is there
        raise Stop
    assert names(fresh_store) == before


def test_a_label_added_in_a_rolled_back_savepoint_is_not_shown(fresh_store: Store) -> None:
    before = names(fresh_store)
    with fresh_store.transaction() as db:
        with pytest.raises(Stop), fresh_store.transaction():
            db.table("labels").insert(
                {"id": "frame", "name": "Frame", "role": None, "shortcut": "",
                 "color": "#000000", "description": "", "position": 99}
            )  # fmt: skip
            assert "Frame" in names(fresh_store)
            raise Stop
        assert names(fresh_store) == before  # the outer transaction goes on without it
    assert names(fresh_store) == before


def test_a_refused_codebook_change_leaves_the_codebook_shown(fresh_store: Store) -> None:
    before = fresh_store.codebook.get()
    twice = [*drafts(fresh_store), FRAME, dataclasses.replace(FRAME, name="Frame ")]
    with pytest.raises(ValidationError):
        fresh_store.codebook.save(twice, list(before.sentiments), analyst_id=None)
    assert fresh_store.codebook.get() == before


def test_labels_and_sentiments_changed_by_another_connection_are_read(
    fresh_store: Store, db_path: Path
) -> None:
    names(fresh_store)  # read, and kept
    with Store.open(db_path) as other:  # the command line, a second window, a sync
        renamed = [
            dataclasses.replace(d, name="Assertion") if d.name == "Claim" else d
            for d in drafts(other)
        ]
        other.codebook.save([*renamed, FRAME], ["good", "bad"], analyst_id=None)
    codebook = fresh_store.codebook.get()
    assert [label.name for label in codebook.labels][-1] == "Frame"
    assert "Assertion" in names(fresh_store) and "Claim" not in names(fresh_store)
    assert codebook.sentiments == ("good", "bad")


def test_the_codebook_is_kept_while_nothing_changes_it(fresh_store: Store) -> None:
    first = fresh_store.codebook.get()
    with fresh_store.transaction():
        fresh_store.ensure_analyst("Ana")  # a write that is not to the codebook
    assert fresh_store.codebook.get() is first
    fresh_store.codebook.save([*drafts(fresh_store), FRAME], list(first.sentiments),
                              analyst_id=None)  # fmt: skip
    assert fresh_store.codebook.get() is not first and "Frame" in names(fresh_store)


def test_without_its_triggers_the_codebook_is_read_again(fresh_store: Store) -> None:
    """Rebuilding `labels` (as a migration may) drops the triggers that mark its changes."""
    names(fresh_store)
    fresh_store.conn.execute("DROP TRIGGER temp.codebook_mark_labels_update")
    fresh_store.conn.execute("UPDATE labels SET name = 'Assertion' WHERE name = 'Claim'")
    assert "Assertion" in names(fresh_store)
    fresh_store.conn.execute("UPDATE labels SET name = 'Statement' WHERE name = 'Assertion'")
    assert "Statement" in names(fresh_store)
    fresh_store.conn.execute("UPDATE labels SET name = 'Claim' WHERE name = 'Statement'")
    assert "Claim" in names(fresh_store)  # the triggers are back: own changes are seen
    first = fresh_store.codebook.get()
    assert fresh_store.codebook.get() is first  # and the codebook is kept again
