"""The agreement report: every statistic for every pair of analysts and for all of them.

Read from one snapshot of the project: all annotations of the scope in one query (the scope a
`Selection`, resolved as exports resolve it), the text of a document only when two or more
analysts coded it. An analyst coded a document when they annotated something in it or marked
it finished (a finished document without annotations is "read, nothing here": every token
outside any span); otherwise the document is missing for them. Token-level statistics come
from runs of identically coded tokens (annotator.core.agreement.token_labels), so a project
of thousands of documents is a matter of seconds, spent mostly tokenising.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

from annotator.core.agreement.sentiment import SentimentAgreement, SentimentTally
from annotator.core.agreement.spans import (
    SpanScores,
    match_exact,
    match_overlap,
    scores_by_label,
)
from annotator.core.agreement.statistics import Coincidences, Confusion, Fleiss, Statistic
from annotator.core.agreement.token_labels import Pattern, Span, token_runs
from annotator.core.agreement.tokens import TOKENISATION, tokenise
from annotator.core.agreement.unitizing import UnitizingTally, coded
from annotator.core.codebook import Codebook
from annotator.core.errors import ValidationError
from annotator.core.records import Analyst, AnalystId, DocumentId, LabelId
from annotator.core.selection import Resolved, Selection, SelectionError, resolve, resolve_layers
from annotator.core.store import Store
from annotator.core.store.agreement_rows import coded_spans, layers_with_annotations
from annotator.core.store.export_rows import document_text, read_snapshot
from annotator.core.store.finished import finished_by

StatisticName = Literal["kappa", "alpha", "f1_exact", "f1_overlap", "alpha_unitizing"]
#: What the heatmap and the tables can show, with their display names.
STATISTICS: dict[StatisticName, str] = {
    "kappa": "Cohen's κ",
    "alpha": "Krippendorff's α",
    "f1_exact": "F1 (exact)",
    "f1_overlap": "F1 (overlap)",
    "alpha_unitizing": "Krippendorff's αU",
}
FEWER_THAN_THREE = "Fleiss' κ is given for three or more analysts (for two, see Cohen's κ)"


@dataclass(frozen=True)
class Figures:
    """Two analysts on one label (or on all labels): token-level kappa and alpha (nominal),
    span precision/recall/F1 under exact and overlap matching, sentiment alpha, unitizing
    alpha (code points, documents both coded)."""

    kappa: Statistic
    alpha: Statistic
    exact: SpanScores
    overlap: SpanScores
    sentiment: SentimentAgreement
    alpha_unitizing: Statistic = Statistic(None, 0, "not computed")

    def value(self, statistic: StatisticName) -> float | None:
        if statistic == "kappa":
            return self.kappa.value
        if statistic == "alpha":
            return self.alpha.value
        if statistic == "alpha_unitizing":
            return self.alpha_unitizing.value
        return self.exact.f1 if statistic == "f1_exact" else self.overlap.f1


@dataclass(frozen=True)
class PairAgreement:
    """`first` is the reference of precision and recall; only documents both coded count."""

    first: Analyst
    second: Analyst
    documents: int
    tokens: int
    overall: Figures
    by_label: Mapping[str, Figures]


@dataclass(frozen=True)
class GroupFigures:
    """All analysts on one label (or all labels): Krippendorff's alpha (nominal, missing data
    allowed), the mean of the pairs' kappas (Light's kappa), span scores pooled over pairs;
    Fleiss' kappa (three or more analysts) and unitizing alpha over the documents every one of
    them coded."""

    alpha: Statistic
    mean_kappa: Statistic
    exact: SpanScores
    overlap: SpanScores
    fleiss_kappa: Statistic = Statistic(None, 0, "not computed")
    alpha_unitizing: Statistic = Statistic(None, 0, "not computed")

    def value(self, statistic: StatisticName) -> float | None:
        if statistic == "kappa":
            return self.mean_kappa.value
        if statistic == "alpha":
            return self.alpha.value
        if statistic == "alpha_unitizing":
            return self.alpha_unitizing.value
        return self.exact.f1 if statistic == "f1_exact" else self.overlap.f1


@dataclass(frozen=True)
class GroupAgreement:
    """`documents` and `tokens`: those coded by two or more of the analysts; `complete`: the
    documents every one of them coded (Fleiss' kappa and unitizing alpha rest on those)."""

    documents: int
    tokens: int
    overall: GroupFigures
    by_label: Mapping[str, GroupFigures]
    complete: int = 0


@dataclass(frozen=True)
class AgreementReport:
    analysts: tuple[Analyst, ...]
    labels: tuple[str, ...]
    #: Documents in scope; `coded` and `spans`: per analyst, documents coded and spans in scope.
    documents: int
    coded: Mapping[AnalystId, int]
    spans: Mapping[AnalystId, int]
    pairs: tuple[PairAgreement, ...]
    group: GroupAgreement
    tokenisation: str = field(default=TOKENISATION)
    #: Per analyst, documents in scope they marked finished.
    finished: Mapping[AnalystId, int] = field(default_factory=dict)

    @property
    def comparable(self) -> bool:
        """False when no document was coded by two of the analysts: nothing was compared."""
        return self.group.documents > 0

    def pair(self, a: AnalystId, b: AnalystId) -> PairAgreement | None:
        """The pair of these two analysts, in either order."""
        for pair in self.pairs:
            if {pair.first.id, pair.second.id} == {a, b} and a != b:
                return pair
        return None


def agreement_report(
    store: Store,
    *,
    analysts: Sequence[AnalystId] | None = None,
    documents: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    selection: Selection | None = None,
) -> AgreementReport:
    """Agreement of `analysts` (ids; default: everyone with an annotation in scope, the
    reviewed layer left out) on `documents` (ids, id prefixes or titles; default: all) and
    `labels` (names; default: the whole codebook).

    Or a `selection` instead of `documents` and `labels`: the same rules as exports (its
    `analysts`/`layers` name who to compare; its dates are publication dates). Refuses unknown
    or ambiguous names, annotation dates, and fewer than two analysts.
    """
    if selection is None:
        selection = Selection(documents=tuple(documents or ()), labels=tuple(labels or ()))
    elif documents is not None or labels is not None:
        raise ValueError("give either a selection or documents and labels")
    if (selection.since or selection.until) and not selection.dates_documents:
        raise SelectionError(
            "Agreement compares whole documents: choose them by publication date, "
            "not by when annotations were made or changed."
        )
    if labels is not None and not labels:
        raise SelectionError("Choose at least one label to compare.")
    with read_snapshot(store.conn):
        resolved = resolve(store, selection)
        if resolved.layer_ids is not None:
            if analysts is not None:
                raise ValueError("give analysts either by id or in the selection")
            analysts = [AnalystId(layer) for layer in resolved.layer_ids]
        label_names = _chosen_labels(store.codebook.get(), selection.labels)
        scope = _Scope.read(store, resolved, set(label_names))
        chosen = _chosen_analysts(store, scope, analysts)
        tally = _Tally(len(chosen), label_names)
        for document_id, by_analyst in scope.annotations.items():
            coders = [by_analyst.get(analyst.id) for analyst in chosen]
            if sum(spans is not None for spans in coders) < 2:
                continue
            text = document_text(store.conn, document_id)
            tally.add_document(tokenise(text), len(text), coders)
    return tally.report(chosen, label_names, scope)


# -- scope ----------------------------------------------------------------------------------


@dataclass
class _Scope:
    documents: int
    #: Per document, per analyst who coded it, their spans of the chosen labels.
    annotations: dict[DocumentId, dict[AnalystId, list[Span]]]
    #: Per document, who marked it finished.
    finished: dict[DocumentId, set[AnalystId]] = field(default_factory=dict)

    @classmethod
    def read(cls, store: Store, resolved: Resolved, wanted: set[str]) -> _Scope:
        names = {label.id: label.name for label in store.codebook.get().labels}
        chosen = None if resolved.all_documents else [d.id for d in resolved.documents]
        annotations: dict[DocumentId, dict[AnalystId, list[Span]]] = defaultdict(dict)
        for document_id, analyst_id, label_id, start, end, sentiment in coded_spans(
            store.conn, chosen
        ):
            # Any annotation means the analyst coded the document, whatever its label.
            spans = annotations[DocumentId(document_id)].setdefault(AnalystId(analyst_id), [])
            name = names.get(LabelId(label_id))
            if name in wanted:
                spans.append(Span(name, start, end, sentiment))
        finished: dict[DocumentId, set[AnalystId]] = {}
        for document_id, marks in finished_by(store.conn, chosen).items():
            finished[document_id] = set(marks)
            for analyst_id in marks:
                # Read through and left untagged: coded, with every token outside any span.
                annotations[document_id].setdefault(analyst_id, [])
        return cls(len(resolved.documents), dict(annotations), finished)


def _chosen_labels(codebook: Codebook, labels: Sequence[str]) -> tuple[str, ...]:
    """The labels named (already checked by the selection), or the whole codebook."""
    return tuple(dict.fromkeys(labels)) or tuple(label.name for label in codebook.labels)


def analysts_named(store: Store, names: Sequence[str]) -> list[Analyst]:
    """The analysts (or the reviewed layer) with these names, in this order; unknown names
    are refused as every selection refuses them."""
    ids = resolve_layers(store, names, ())
    everyone = {analyst.id: analyst for analyst in store.layers()}
    return [everyone[AnalystId(layer)] for layer in ids]


def analysts_with_annotations(store: Store) -> list[Analyst]:
    """Analysts, and the reviewed layer, with at least one annotation: who can be compared."""
    ids = layers_with_annotations(store.conn)
    return [analyst for analyst in store.layers() if analyst.id in ids]


def _chosen_analysts(
    store: Store, scope: _Scope, analysts: Sequence[AnalystId] | None
) -> list[Analyst]:
    # By default the people only: the reviewed layer copies their spans and would raise the
    # figures; named explicitly (by id) it is compared like any of them.
    everyone = store.layers() if analysts is not None else store.analysts()
    if analysts is None:
        coding = {a for by_analyst in scope.annotations.values() for a in by_analyst}
        chosen = [analyst for analyst in everyone if analyst.id in coding]
        if len(chosen) < 2:
            raise ValidationError(
                "Agreement needs annotations by at least two analysts; "
                f"{_count(len(chosen), 'analyst')} annotated the documents chosen."
            )
        return chosen
    by_id = {analyst.id: analyst for analyst in everyone}
    missing = [a for a in analysts if a not in by_id]
    if missing:
        raise ValidationError(f"There is no analyst with id {missing[0]} in this project.")
    chosen = [by_id[a] for a in dict.fromkeys(analysts)]
    if len(chosen) < 2:
        raise ValidationError("Agreement needs at least two analysts: choose another one.")
    return chosen


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# -- tallies --------------------------------------------------------------------------------


class _PairTally:
    def __init__(self, labels: Sequence[str]) -> None:
        self.documents = 0
        self.tokens = 0
        self.exact_scores: dict[str, SpanScores] = {label: SpanScores() for label in labels}
        self.overlap_scores: dict[str, SpanScores] = {label: SpanScores() for label in labels}
        self.sentiment = SentimentTally()
        self.sentiment_by_label = {label: SentimentTally() for label in labels}
        self.unitizing = UnitizingTally(2, labels)

    def add(self, first: list[Span], second: list[Span]) -> None:
        overlap = match_overlap(first, second)
        for scores, matches in (
            (self.exact_scores, match_exact(first, second)),
            (self.overlap_scores, overlap),
        ):
            for label, found in scores_by_label(first, second, matches).items():
                scores[label] = scores[label] + found
        self.sentiment.add(overlap)
        for match in overlap:
            self.sentiment_by_label[match[0].label].add([match])


class _Tally:
    """Everything gathered document by document, turned into statistics at the end."""

    def __init__(self, coders: int, labels: Sequence[str]) -> None:
        self.labels = labels
        self.patterns: Counter[Pattern] = Counter()
        self.documents = 0
        self.tokens = 0
        self.pair_index = list(combinations(range(coders), 2))
        self.pairs = {pair: _PairTally(labels) for pair in self.pair_index}
        self.unitizing = UnitizingTally(coders, labels)

    def add_document(
        self, tokens: list[tuple[int, int]], length: int, coders: Sequence[list[Span] | None]
    ) -> None:
        self.documents += 1
        self.tokens += len(tokens)
        for pattern, weight in token_runs(tokens, coders):
            self.patterns[pattern] += weight
        units = [None if spans is None else coded(spans, length) for spans in coders]
        everyone = [one for one in units if one is not None]
        if len(everyone) == len(coders):
            self.unitizing.add_coded(length, everyone)
        for (i, j), pair in self.pairs.items():
            first, second = coders[i], coders[j]
            if first is None or second is None:
                continue
            pair.documents += 1
            pair.tokens += len(tokens)
            pair.add(first, second)
            first_units, second_units = units[i], units[j]
            assert first_units is not None and second_units is not None
            pair.unitizing.add_coded(length, [first_units, second_units])

    def report(
        self, analysts: Sequence[Analyst], labels: tuple[str, ...], scope: _Scope
    ) -> AgreementReport:
        pairs = tuple(self._pair(analysts, i, j) for i, j in self.pair_index)
        group = GroupAgreement(
            documents=self.documents,
            tokens=self.tokens,
            overall=self._group(None, [p.overall for p in pairs]),
            by_label={
                label: self._group(label, [p.by_label[label] for p in pairs]) for label in labels
            },
            complete=self.unitizing.documents,
        )
        coded: Counter[AnalystId] = Counter()
        spans: Counter[AnalystId] = Counter()
        for by_analyst in scope.annotations.values():
            for analyst in analysts:
                if analyst.id in by_analyst:
                    coded[analyst.id] += 1
                    spans[analyst.id] += len(by_analyst[analyst.id])
        return AgreementReport(
            analysts=tuple(analysts),
            labels=labels,
            documents=scope.documents,
            coded={a.id: coded[a.id] for a in analysts},
            spans={a.id: spans[a.id] for a in analysts},
            pairs=pairs,
            group=group,
            finished={a.id: sum(a.id in who for who in scope.finished.values()) for a in analysts},
        )

    def _values(self, label: str | None) -> Iterable[tuple[tuple[Hashable | None, ...], int]]:
        """Token patterns as one label's binaries (or the label sets themselves)."""
        for pattern, weight in self.patterns.items():
            if label is None:
                yield pattern, weight
            else:
                yield tuple(None if v is None else label in v for v in pattern), weight

    def _pair(self, analysts: Sequence[Analyst], i: int, j: int) -> PairAgreement:
        tally = self.pairs[i, j]

        def figures(label: str | None) -> Figures:
            confusion, coincidences = Confusion(), Coincidences()
            for values, weight in self._values(label):
                a, b = values[i], values[j]
                if a is not None and b is not None:
                    confusion.add(a, b, weight)
                    coincidences.add((a, b), weight)
            if label is None:
                exact = sum(tally.exact_scores.values(), SpanScores())
                overlap = sum(tally.overlap_scores.values(), SpanScores())
                sentiment = tally.sentiment.result()
            else:
                exact, overlap = tally.exact_scores[label], tally.overlap_scores[label]
                sentiment = tally.sentiment_by_label[label].result()
            return Figures(
                confusion.kappa(),
                coincidences.alpha(),
                exact,
                overlap,
                sentiment,
                tally.unitizing.alpha(label),
            )

        return PairAgreement(
            first=analysts[i],
            second=analysts[j],
            documents=tally.documents,
            tokens=tally.tokens,
            overall=figures(None),
            by_label={label: figures(label) for label in self.labels},
        )

    def _group(self, label: str | None, pairs: Sequence[Figures]) -> GroupFigures:
        coincidences, fleiss = Coincidences(), Fleiss()
        for values, weight in self._values(label):
            coincidences.add(values, weight)
            fleiss.add(values, weight)
        kappas = [p.kappa.value for p in pairs if p.kappa.value is not None]
        mean_kappa = (
            Statistic(sum(kappas) / len(kappas), len(kappas))
            if kappas
            else Statistic(None, 0, pairs[0].kappa.reason if pairs else "no pair of analysts")
        )
        return GroupFigures(
            alpha=coincidences.alpha(),
            mean_kappa=mean_kappa,
            exact=sum((p.exact for p in pairs), SpanScores()),
            overlap=sum((p.overlap for p in pairs), SpanScores()),
            fleiss_kappa=(
                fleiss.kappa()
                if self.unitizing.raters >= 3
                else Statistic(None, 0, FEWER_THAN_THREE)
            ),
            alpha_unitizing=self.unitizing.alpha(label),
        )
