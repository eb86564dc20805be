"""Talking points for the panel: first appearance and spread, and suggested groupings.

A talking point's summary: its claims in order of publication, the first (date, outlet), how
many, which outlets, and a count per month for the timeline. Suggestions pair claims the
analyst has tagged but not grouped with a talking point (or with each other) when their quotes
read alike (rapidfuzz's token set ratio, on folded text), for the analyst to accept or reject.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from annotator.core.occurrences import fold
from annotator.core.records import AnnotationId
from annotator.core.store import Store
from annotator.core.store import talking_points as tp

#: A suggestion needs at least this similarity (0–100) between two claims' quotes.
SIMILARITY = 80.0
#: Claims compared at most (the newest), so that suggesting stays quick on large projects.
CANDIDATES = 2000


@dataclass(frozen=True)
class Summary:
    point: tp.TalkingPoint
    instances: tuple[tp.Instance, ...]
    first: tp.Instance | None  # the earliest dated instance (else the first one)
    outlets: tuple[tuple[str, int], ...]  # outlet, claims: most first
    months: tuple[tuple[str, int], ...]  # "YYYY-MM", claims: every month from first to last

    @property
    def count(self) -> int:
        return len(self.instances)


def summary(store: Store, point_id: str) -> Summary:
    point = tp.find(store.conn, point_id)
    if point is None:
        raise KeyError(point_id)
    instances = tuple(tp.instances(store.conn, point_id))
    dated = [i for i in instances if i.published]
    first = dated[0] if dated else (instances[0] if instances else None)
    outlets = Counter(i.outlet or "(no outlet)" for i in instances)
    per_month = Counter(str(i.published)[:7] for i in dated)
    return Summary(
        point,
        instances,
        first,
        tuple(sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))),
        tuple((m, per_month.get(m, 0)) for m in _months(min(per_month), max(per_month)))
        if per_month
        else (),
    )


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04}-{month:02}" <= last:
        out.append(f"{year:04}-{month:02}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


@dataclass(frozen=True)
class Suggestion:
    """Put `claims` into talking point `point` (None: a new one, to be named `name`)."""

    claims: tuple[AnnotationId, ...]
    quotes: tuple[str, ...]
    point: tp.TalkingPoint | None
    name: str
    score: float


def suggest_groupings(
    store: Store, *, rejected: set[frozenset[str]] | None = None
) -> list[Suggestion]:
    """Ungrouped claims that read like a talking point's claims (one suggestion per talking
    point), then groups of ungrouped claims that read like each other (a new talking point).
    `rejected`: suggestions the analyst turned down (their claim sets), not made again."""
    conn = store.conn
    rows = conn.execute(
        "SELECT a.id, a.quote, m.talking_point_id FROM annotations a "
        "JOIN labels l ON l.id = a.label_id AND l.role = 'claim' "
        "LEFT JOIN talking_point_claims m ON m.annotation_id = a.id "
        "ORDER BY m.talking_point_id IS NULL, a.created DESC LIMIT ?",
        [CANDIDATES],
    ).fetchall()
    loose = [i for i, row in enumerate(rows) if row[2] is None]
    if not loose:
        return []
    folded = [fold(" ".join(quote.split())) for _, quote, _ in rows]
    # Only the ungrouped claims are compared (with every claim): the rows a suggestion needs.
    scores = process.cdist(
        [folded[i] for i in loose], folded, scorer=fuzz.token_set_ratio,
        score_cutoff=SIMILARITY, workers=-1,
    )  # fmt: skip
    points = {p.id: p for p in tp.all_points(conn)}
    rejected = rejected or set()
    joining: dict[str, list[tuple[int, float]]] = {}
    alone: list[int] = []
    for k, i in enumerate(loose):
        grouped = [(float(scores[k][j]), rows[j][2]) for j in range(len(rows)) if rows[j][2]]
        best = max((g for g in grouped if g[0] > 0), default=None)
        if best is None:
            alone.append(k)
        else:
            joining.setdefault(best[1], []).append((i, best[0]))
    out: list[Suggestion] = []
    for point_id, found in joining.items():
        point = points[tp.TalkingPointId(point_id)]
        claims = tuple(AnnotationId(rows[i][0]) for i, _ in found)
        if frozenset(claims) not in rejected:
            quotes = tuple(rows[i][1] for i, _ in found)
            out.append(Suggestion(claims, quotes, point, point.name, min(s for _, s in found)))
    taken: set[int] = set()
    for k in alone:
        i = loose[k]
        if i in taken:
            continue
        near = [j for j in (loose[m] for m in alone) if j not in taken and scores[k][j] > 0]
        if len(near) < 2:
            continue
        claims = tuple(AnnotationId(rows[j][0]) for j in near)
        if frozenset(claims) in rejected:
            continue
        taken.update(near)
        score = min(float(scores[k][j]) for j in near if j != i)
        quotes = tuple(rows[j][1] for j in near)
        out.append(Suggestion(claims, quotes, None, _short(rows[i][1]), score))
    return out


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
