"""The default codebook and its validation."""

from __future__ import annotations

import pytest

from annotator.core.codebook import load_default_codebook, validate_labels
from annotator.core.errors import ValidationError
from annotator.core.store import Store


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
