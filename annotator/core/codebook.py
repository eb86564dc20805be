"""The codebook: labels (name, role, shortcut, colour, description) and sentiment values."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import ValidationError
from annotator.core.records import LabelId
from annotator.resources import resource_path

ROLES = ("claim", "speaker", "target")
#: Keys a label may be bound to (or none): letters stay free for other commands.
SHORTCUTS = tuple("1234567890")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Label:
    id: LabelId
    name: str
    role: str | None
    shortcut: str
    color: str
    description: str
    position: int


@dataclass(frozen=True)
class Codebook:
    labels: tuple[Label, ...]
    sentiments: tuple[str, ...]

    def by_id(self, label_id: LabelId) -> Label:
        for label in self.labels:
            if label.id == label_id:
                return label
        raise KeyError(label_id)

    def by_name(self, name: str) -> Label:
        for label in self.labels:
            if label.name == name:
                return label
        raise KeyError(name)

    def by_shortcut(self, key: str) -> Label | None:
        """The label bound to this key, if any (an empty key matches nothing)."""
        if not key:
            return None
        return next((label for label in self.labels if label.shortcut == key), None)


@dataclass(frozen=True)
class LabelDraft:
    """A label as edited in the codebook editor; `id` None means a label still to be created."""

    id: LabelId | None
    name: str
    role: str | None
    shortcut: str
    color: str
    description: str

    @classmethod
    def of(cls, label: Label) -> LabelDraft:
        return cls(label.id, label.name, label.role, label.shortcut, label.color, label.description)


def _uses(count: int) -> str:
    return "1 annotation uses" if count == 1 else f"{count} annotations use"


def label_in_use(name: str, count: int) -> str:
    """Why a label cannot be removed."""
    return f"Cannot remove label “{name}”: {_uses(count)} it. Relabel or delete them first."


def role_in_use(name: str, count: int) -> str:
    """Why a used label's role cannot change (links and speaker names depend on it)."""
    return (
        f"Cannot change the role of label “{name}”: {_uses(count)} it. "
        "Relabel or delete them first."
    )


def sentiment_in_use(value: str, count: int) -> str:
    """Why a sentiment value cannot be removed (or renamed)."""
    return f"Cannot remove sentiment “{value}”: {_uses(count)} it. Change their sentiment first."


def validate_labels(labels: list[dict[str, object]], sentiments: list[str]) -> None:
    """Refuse no labels, duplicate names or shortcuts, bad shortcuts, colours or roles."""
    if not labels:
        raise ValidationError("The codebook needs at least one label.")
    names: set[str] = set()
    shortcuts: dict[str, str] = {}
    for label in labels:
        name = str(label.get("name", "")).strip()
        if not name:
            raise ValidationError("Every label needs a name.")
        if name.casefold() in names:
            raise ValidationError(f"Two labels are called “{name}”; label names must differ.")
        names.add(name.casefold())
        role = label.get("role")
        if role is not None and role not in ROLES:
            raise ValidationError(f"Label “{name}” has unknown role {role!r}; use one of {ROLES}.")
        color = str(label.get("color", ""))
        if not _COLOR.match(color):
            raise ValidationError(f"Label “{name}” has colour {color!r}; use #rrggbb.")
        shortcut = str(label.get("shortcut", ""))
        if shortcut and shortcut not in SHORTCUTS:
            raise ValidationError(
                f"Label “{name}” has shortcut {shortcut!r}; use a single digit 0–9 or none."
            )
        if shortcut:
            if shortcut in shortcuts:
                raise ValidationError(
                    f"Shortcut {shortcut} is used by both “{shortcuts[shortcut]}” and “{name}”."
                )
            shortcuts[shortcut] = name
    if len(set(sentiments)) != len(sentiments) or not all(s.strip() for s in sentiments):
        raise ValidationError("Sentiment values must be non-empty and distinct.")


def load_default_codebook(path: Path | None = None) -> tuple[list[dict[str, object]], list[str]]:
    """The codebook shipped in resources/codebook.json, validated."""
    data = json.loads((path or resource_path("codebook.json")).read_text(encoding="utf-8"))
    labels: list[dict[str, object]] = list(data["labels"])
    sentiments: list[str] = [str(s) for s in data["sentiments"]]
    validate_labels(labels, sentiments)
    return labels, sentiments
