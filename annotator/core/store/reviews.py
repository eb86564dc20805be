"""Review decisions: what a reviewer decided about each disagreement between two layers.

The decision's results are annotations of the reviewed layer (stored like any annotation, with
the reserved analyst id); the decision row records who decided, when, and on which versions of
the compared annotations.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from annotator.core.errors import ValidationError
from annotator.core.records import (
    DECISIONS,
    AnalystId,
    AnnotationId,
    DecisionId,
    DocumentId,
    ReviewDecision,
)
from annotator.core.store import history

if TYPE_CHECKING:
    from annotator.core.store.project import Store

_COLUMNS = (
    "id, document_id, reviewer_id, decided, decision, first_layer, second_layer, sources, results"
)


def decision_row(decision: ReviewDecision) -> dict[str, Any]:
    """A JSON-ready dict (also the shape stored in the undo log)."""
    return {
        "id": decision.id,
        "document_id": decision.document_id,
        "reviewer_id": decision.reviewer_id,
        "decided": decision.decided,
        "decision": decision.decision,
        "first_layer": decision.first_layer,
        "second_layer": decision.second_layer,
        "sources": [[a, m] for a, m in decision.sources],
        "results": list(decision.results),
    }


def decision_of(row: dict[str, Any]) -> ReviewDecision:
    return ReviewDecision(
        id=DecisionId(row["id"]),
        document_id=DocumentId(row["document_id"]),
        reviewer_id=AnalystId(row["reviewer_id"]),
        decided=row["decided"],
        decision=row["decision"],
        first_layer=AnalystId(row["first_layer"]),
        second_layer=AnalystId(row["second_layer"]),
        sources=tuple((AnnotationId(a), str(m)) for a, m in row["sources"]),
        results=tuple(AnnotationId(a) for a in row["results"]),
    )


def _from_sql(r: tuple[Any, ...]) -> ReviewDecision:
    names = [c.strip() for c in _COLUMNS.split(",")]
    row = dict(zip(names, r, strict=True))
    row["sources"] = json.loads(row["sources"])
    row["results"] = json.loads(row["results"])
    return decision_of(row)


class ReviewDecisions:
    def __init__(self, store: Store) -> None:
        self._store = store

    def for_document(self, document_id: DocumentId) -> list[ReviewDecision]:
        rows = self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM review_decisions WHERE document_id = ? ORDER BY decided, id",
            [document_id],
        ).fetchall()
        return [_from_sql(r) for r in rows]

    def all(self) -> list[ReviewDecision]:
        rows = self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM review_decisions ORDER BY decided, id"
        ).fetchall()
        return [_from_sql(r) for r in rows]

    def find(self, decision_id: DecisionId) -> ReviewDecision | None:
        row = self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM review_decisions WHERE id = ?", [decision_id]
        ).fetchone()
        return None if row is None else _from_sql(row)

    def reviewer_of(self, annotation_id: AnnotationId) -> tuple[AnalystId, str] | None:
        """(reviewer, time) of the latest decision that left this reviewed-layer annotation."""
        row = self._store.conn.execute(
            "SELECT d.reviewer_id, d.decided FROM review_decisions d, json_each(d.results) r "
            "WHERE r.value = ? ORDER BY d.decided DESC LIMIT 1",
            [annotation_id],
        ).fetchone()
        return None if row is None else (AnalystId(row[0]), str(row[1]))

    # -- primitives (inside a transaction) ---------------------------------------------------

    def put(self, decision: ReviewDecision, *, analyst_id: AnalystId | None) -> None:
        if decision.decision not in DECISIONS:
            raise ValidationError(f"Unknown review decision {decision.decision!r}.")
        row = decision_row(decision)
        before = self.find(decision.id)
        with self._store.transaction() as db:
            stored = {**row, "sources": json.dumps(row["sources"])}
            stored["results"] = json.dumps(row["results"])
            db.table("review_decisions").upsert(stored, pk="id")
            history.record(
                db,
                analyst_id=analyst_id,
                action="create" if before is None else "update",
                entity="review_decision",
                entity_id=decision.id,
                document_id=decision.document_id,
                before=None if before is None else decision_row(before),
                after=row,
            )

    def remove(self, decision_id: DecisionId, *, analyst_id: AnalystId | None) -> ReviewDecision:
        before = self.find(decision_id)
        if before is None:
            raise ValidationError(f"There is no review decision with id {decision_id}.")
        with self._store.transaction() as db:
            db.execute("DELETE FROM review_decisions WHERE id = ?", [decision_id])
            history.record(
                db,
                analyst_id=analyst_id,
                action="delete",
                entity="review_decision",
                entity_id=decision_id,
                document_id=before.document_id,
                before=decision_row(before),
            )
        return before
