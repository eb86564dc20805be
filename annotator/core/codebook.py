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


def validate_labels(labels: list[dict[str, object]], sentiments: list[str]) -> None:
    """Refuse a codebook with duplicate names or shortcuts, bad colours or unknown roles."""
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
