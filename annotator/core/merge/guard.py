"""What a colleague's file may not do to our records, decided before anything is applied: the
import's guards (`interchange.guard`), strict: records under the merging analyst's name that
this project never had are not added either (only they make their records; bringing your own
export into a project of yours is an import's job)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from annotator.core.interchange import ParsedAnnotation, ParsedFile
from annotator.core.interchange.guard import check_annotation, check_comment, check_decision
from annotator.core.interchange.guard_rules import CLOCK_SKEW, Guarded, Rules
from annotator.core.interchange.model import ParsedComment
from annotator.core.store import Store, matching

__all__ = ["CLOCK_SKEW", "Guarded", "guard"]


def guard(
    store: Store, parsed: ParsedFile, *, analyst: str, now: datetime | None = None
) -> tuple[ParsedFile, Guarded]:
    """`parsed` without what it may not change here, and what was left out."""
    rules = Rules(store, analyst, now, strict=True)
    documents = tuple(
        dataclasses.replace(
            doc,
            annotations=_annotations(rules, doc.annotations),
            decisions=tuple(d for d in doc.decisions if check_decision(rules, d, doc.name) is None),
        )
        for doc in parsed.documents
    )
    checked = (check_comment(rules, c) for c in parsed.comments)
    comments = tuple(c for c in checked if isinstance(c, ParsedComment))
    return dataclasses.replace(parsed, documents=documents, comments=comments), rules.out


def _annotations(
    rules: Rules, annotations: tuple[ParsedAnnotation, ...]
) -> tuple[ParsedAnnotation, ...]:
    """Those that may be applied, asking the project `matching.MAX_IDS` at a time."""
    kept: list[ParsedAnnotation] = []
    for i in range(0, len(annotations), matching.MAX_IDS):
        chunk = annotations[i : i + matching.MAX_IDS]
        here = matching.annotations_by_id(rules.store, [a.id for a in chunk])
        gone = [a.id for a in chunk if a.id not in here]
        deleted = matching.last_changes(rules.store, "annotation", gone, "delete")
        for parsed in chunk:
            checked = check_annotation(rules, parsed, here.get(parsed.id), deleted.get(parsed.id))
            if isinstance(checked, ParsedAnnotation):
                kept.append(checked)
    return tuple(kept)
