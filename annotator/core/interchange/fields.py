"""Checked access to the JSON objects of an annotation file: nothing in it is trusted.

Every accessor checks type and size and raises `AnnotationFileError` naming the file, the place
(line or item) and the key, so a broken file is refused with a message a user can act on.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.core.interchange.model import AnnotationFileError
from annotator.core.limits import MAX_DOCUMENT_CHARS
from annotator.core.records import REVIEWED_LAYER_ID

# The comment limit is the store's, re-exported here with the other limits.
from annotator.core.store.comments import MAX_COMMENT_CHARS as MAX_COMMENT_CHARS

MAX_QUOTE_CHARS = 1_000_000
MAX_CONTEXT_CHARS = 4_096
MAX_NAME_CHARS = 500
MAX_NOTE_CHARS = 100_000
MAX_TITLE_CHARS = 2_000
MAX_SOURCE_CHARS = 4_096
#: The importer refuses longer texts: whatever was imported can be read back.
MAX_TEXT_CHARS = MAX_DOCUMENT_CHARS
#: What a source says about itself: an outlet or author list, a canonical address, a BCP 47 tag.
MAX_OUTLET_CHARS = 2_000
MAX_URL_CHARS = 4_096
MAX_LANGUAGE_CHARS = 64
#: Pages of one paged source (a PDF): far beyond any real one.
MAX_PAGES = 100_000
MAX_LINKS = 100
#: A decision compares two annotations and leaves at most two: far more is not ours.
MAX_DECISION_ANNOTATIONS = 100

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Control characters would break the one-line layouts names are shown in.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def describe(value: object) -> str:
    """The JSON kind of a value, for messages ("a number", "null", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


class Fields:
    """One JSON object of the file, read key by key with checks."""

    def __init__(self, raw: object, *, path: Path, where: str) -> None:
        self.path = path
        self.where = where
        if not isinstance(raw, dict):
            raise self.error(f"expected a JSON object, found {describe(raw)}.")
        self.raw: dict[str, Any] = raw

    def error(self, problem: str) -> AnnotationFileError:
        return AnnotationFileError(self.path, self.where, problem)

    def nested(self, raw: object, where: str) -> Fields:
        return Fields(raw, path=self.path, where=f"{self.where}, {where}")

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def value(self, key: str) -> Any:
        return self.raw.get(key)

    # -- strings --------------------------------------------------------------------------------

    def text(self, key: str, *, limit: int, default: str | None = None) -> str:
        """A string of at most `limit` code points; required unless a default is given."""
        value = self.raw.get(key)
        if value is None and default is not None:
            return default
        if not isinstance(value, str):
            found = "missing" if key not in self.raw else describe(value)
            raise self.error(f"“{key}” must be a string; it is {found}.")
        if len(value) > limit:
            raise self.error(f"“{key}” is {len(value):,} characters long; at most {limit:,}.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\ud800") is valid JSON, not text
            raise self.error(
                f"“{key}” contains an unpaired surrogate, which is not text."
            ) from None
        return value

    def optional_text(self, key: str, *, limit: int) -> str | None:
        return None if self.raw.get(key) is None else self.text(key, limit=limit)

    def name(self, key: str, *, required: bool = True) -> str | None:
        """A one-line name (analyst, label, speaker): ≤ 500 characters, no control characters."""
        if not required and self.raw.get(key) in (None, ""):
            return None
        value = self.text(key, limit=MAX_NAME_CHARS)
        if _CONTROL.search(value):
            raise self.error(f"“{key}” contains control characters (line breaks, tabs, NUL…).")
        if not value.strip():
            raise self.error(f"“{key}” is empty.")
        return value

    def metadata(self, key: str, *, limit: int) -> str:
        """What a source says about itself (outlet, author, address, language): optional (""),
        trimmed to one line (each run of whitespace one space, as the project stores it), at
        most `limit` characters, no control characters."""
        if self.raw.get(key) is None:
            return ""
        value = " ".join(self.text(key, limit=limit).split())
        if _CONTROL.search(value):
            raise self.error(f"“{key}” contains control characters (NUL, escapes…).")
        return value

    def page_starts(self, key: str, *, text_length: int | None) -> tuple[int, ...]:
        """Where each page starts: whole numbers in ascending order (a blank page starts where
        the next one does), each within the text (`text_length` code points, if known)."""
        values = self.items(key, limit=MAX_PAGES)
        if self.has(key) and not isinstance(self.raw[key], list):
            raise self.error(f"“{key}” must be a list; it is {describe(self.raw[key])}.")
        limit = MAX_TEXT_CHARS if text_length is None else text_length
        starts: list[int] = []
        for number, value in enumerate(values, start=1):
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.error(
                    f"“{key}” must list whole numbers; page {number} starts at {describe(value)}."
                )
            if not 0 <= value <= limit:
                raise self.error(
                    f"“{key}”: page {number} starts at {value}, outside the text (0 to {limit:,})."
                )
            if starts and value < starts[-1]:
                raise self.error(
                    f"“{key}” must be in ascending order: page {number} starts at {value}, "
                    f"before page {number - 1} ({starts[-1]})."
                )
            starts.append(value)
        return tuple(starts)

    def uuid(self, key: str, *, prefix: str = "") -> str:
        """A UUID (lower-cased), optionally written as `prefix` + UUID (e.g. "urn:uuid:")."""
        value = self.text(key, limit=len(prefix) + 36)
        return self.check_uuid(value, key, prefix=prefix)

    def check_uuid(self, value: str, key: str, *, prefix: str = "") -> str:
        bare = value[len(prefix) :] if value.startswith(prefix) else None
        if bare is None or not _UUID.match(bare):
            shown = f"{prefix}<UUID>" if prefix else "a UUID"
            raise self.error(f"“{key}” must be {shown}; it is {value[:60]!r}.")
        return bare.lower()

    def sha256(self, key: str, *, prefix: str = "") -> str:
        value = self.text(key, limit=len(prefix) + 64)
        bare = value[len(prefix) :] if value.startswith(prefix) else ""
        if not _SHA256.match(bare):
            raise self.error(
                f"“{key}” must be {prefix}<64 lower-case hex digits>; it is {value!r}."
            )
        return bare

    def timestamp(self, key: str, *, default: str | None = None) -> str:
        """An ISO 8601 date-time, kept as written (so that exports repeat it byte for byte)."""
        value = self.text(key, limit=64, default=default)
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise self.error(f"“{key}” is not an ISO 8601 date and time: {value!r}.") from None
        return value

    def reviewed_layer(self) -> bool:
        """True if the record says it belongs to the reviewed layer ("layer": "reviewed")."""
        if self.raw.get("layer") is None:
            return False
        return self.choice("layer", (REVIEWED_LAYER_ID,)) == REVIEWED_LAYER_ID

    def body(self, key: str) -> str:
        """A comment's text: not blank, at most MAX_COMMENT_CHARS characters."""
        value = self.text(key, limit=MAX_COMMENT_CHARS)
        if not value.strip():
            raise self.error(f"“{key}” is empty: a comment says something.")
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key, limit=64)
        if value not in choices:
            raise self.error(f"“{key}” must be one of {', '.join(choices)}; it is {value!r}.")
        return value

    # -- numbers and lists ----------------------------------------------------------------------

    def offset(self, key: str, *, required: bool = True) -> int | None:
        """A code-point offset: a whole number from 0 up to the longest possible text."""
        value = self.raw.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            found = "missing" if key not in self.raw else describe(value)
            raise self.error(f"“{key}” must be a whole number; it is {found}.")
        if not 0 <= value <= MAX_TEXT_CHARS:
            raise self.error(
                f"“{key}” must be an offset from 0 to {MAX_TEXT_CHARS:,}; it is {value}."
            )
        return value

    def span(
        self, start_key: str, end_key: str, *, required: bool = True
    ) -> tuple[int | None, int | None]:
        start = self.offset(start_key, required=required)
        end = self.offset(end_key, required=required and start is not None)
        if (start is None) != (end is None):
            raise self.error(f"“{start_key}” and “{end_key}” must be given together.")
        if start is not None and end is not None and start >= end:
            raise self.error(f"“{start_key}” ({start}) must be less than “{end_key}” ({end}).")
        return start, end

    def uuids(self, key: str, *, limit: int) -> list[str]:
        """A list of UUIDs (lower-cased)."""
        values = self.items(key, limit=limit, required=True)
        if not isinstance(self.raw[key], list):
            raise self.error(f"“{key}” must be a list; it is {describe(self.raw[key])}.")
        for value in values:
            if not isinstance(value, str):
                raise self.error(f"“{key}” must list ids (strings); it holds {describe(value)}.")
        return [self.check_uuid(value, key) for value in values]

    def items(self, key: str, *, limit: int, required: bool = False) -> list[Any]:
        """A list (a single object counts as a list of one, as JSON-LD allows)."""
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.error(f"“{key}” is missing.")
            return []
        values = value if isinstance(value, list) else [value]
        if len(values) > limit:
            raise self.error(f"“{key}” has {len(values):,} entries; at most {limit:,}.")
        return values


def later(a: str, b: str) -> bool:
    """True if time `a` is after time `b` (ISO 8601; without a zone, UTC)."""

    def instant(value: str) -> datetime:
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    return instant(a) > instant(b)
