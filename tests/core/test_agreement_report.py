"""The agreement report on a project: token-level kappa and alpha checked against scikit-learn
and the `krippendorff` package on independently built token labels, the missing-document rule,
span scores, sentiment, filters and refusals."""

from __future__ import annotations

import math
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from agreement_project import TAGS, Project, build, tag, tag_in_reviewed_layer
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement import agreement_report, analysts_named, tokenise
from annotator.core.agreement.sentiment import NO_SENTIMENT_PAIRS
from annotator.core.errors import ValidationError
from annotator.core.records import AnalystId
from annotator.core.store import Store

LABELS = ("Claim", "Speaker", "Target")


@pytest.fixture
def project(db_path: Path) -> Project:
    return build(db_path)


def token_labels(store: Store, analyst: str) -> list[frozenset[str] | None]:
    """Per token of every document (in a fixed order), the labels of the analyst's spans
    sharing a code point with it; None for a document the analyst has no annotation in.
    Built naively, without the report's runs and bisection."""
    codebook = store.codebook.get()
    analyst_id = analysts_named(store, [analyst])[0].id
    values: list[frozenset[str] | None] = []
    for doc in sorted(store.documents.list(), key=lambda d: d.title):
        spans = [a for a in store.annotations.for_document(doc.id) if a.analyst_id == analyst_id]
        for start, end in tokenise(store.documents.text(doc.id)):
            if not spans:
                values.append(None)
                continue
            values.append(
                frozenset(
                    codebook.by_id(a.label_id).name
                    for a in spans
                    if a.start < end and start < a.end
                )
            )
    return values


def codes(values: list[frozenset[str] | None], label: str | None) -> list[float]:
    """Numbers for the independent implementations (NaN: missing)."""
    if label is not None:
        return [math.nan if v is None else float(label in v) for v in values]
    names = sorted({"+".join(sorted(v)) for v in values if v is not None})
    return [math.nan if v is None else float(names.index("+".join(sorted(v)))) for v in values]


def test_pair_kappa_and_alpha_match_independent_implementations(project: Project) -> None:
    with Store.open(project.path) as store:
        report = agreement_report(store)
        ana, olga = token_labels(store, "Ana"), token_labels(store, "Olga")
        ids = {a.name: a.id for a in report.analysts}
    pair = report.pair(ids["Ana"], ids["Olga"])
    assert pair is not None and pair.documents == 2 and pair.tokens == len(ana)
    for label in (None, *LABELS):
        figures = pair.overall if label is None else pair.by_label[label]
        a, b = codes(ana, label), codes(olga, label)
        assert figures.kappa.value == pytest.approx(cohen_kappa_score(a, b), abs=1e-12), label
        assert figures.alpha.value == pytest.approx(
            krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"),
            abs=1e-12,
        ), label


def test_all_analysts_alpha_treats_an_uncoded_document_as_missing(project: Project) -> None:
    with Store.open(project.path) as store:
        report = agreement_report(store)
        rows = [token_labels(store, name) for name in ("Ana", "Olga", "Wei")]
    assert [a.name for a in report.analysts] == ["Ana", "Olga", "Wei"]
    wei = rows[2]
    assert None in wei and any(v is not None for v in wei)  # Wei coded only the first
    for label in (None, *LABELS):
        data = np.array([codes(row, label) for row in rows])
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        figures = report.group.overall if label is None else report.group.by_label[label]
        assert figures.alpha.value == pytest.approx(expected, abs=1e-12), label
    # Pairable values: three per token of the first document, two per token of the second.
    first, second = (
        len(tokenise(t)) for t in (store_text(project, "First"), store_text(project, "Second"))
    )
    assert report.group.overall.alpha.n == 3 * first + 2 * second
    assert report.group.tokens == first + second and report.group.documents == 2
    assert report.coded == {a.id: n for a, n in zip(report.analysts, (2, 2, 1), strict=True)}


def store_text(project: Project, title: str) -> str:
    with Store.open(project.path) as store:
        return store.documents.text(project.documents[title])


def test_an_analyst_without_annotations_in_a_document_did_not_code_it(project: Project) -> None:
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        before = agreement_report(store).pair(ids["Ana"], ids["Wei"])
        assert before is not None and before.documents == 1
        # One annotation anywhere in the second document makes all its tokens Wei's "none"
        # (rather than missing): the pair now compares both documents.
        tag(store, "Wei", project.documents["Second"], "Target", "China")
        after = agreement_report(store).pair(ids["Ana"], ids["Wei"])
    assert after is not None and after.documents == 2
    assert after.tokens > before.tokens
    assert after.overall.kappa.value != pytest.approx(before.overall.kappa.value)


def test_an_annotation_of_a_label_left_out_still_means_the_document_was_coded(
    project: Project,
) -> None:
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        tag(store, "Wei", project.documents["Second"], "Speaker", "Tokayev")
        report = agreement_report(store, labels=["Claim"])
    pair = report.pair(ids["Ana"], ids["Wei"])
    assert pair is not None and pair.documents == 2
    assert report.labels == ("Claim",) and list(pair.by_label) == ["Claim"]
    assert report.spans[ids["Wei"]] == 1  # his Speaker span is out of scope


def test_span_scores_exact_and_overlap(project: Project) -> None:
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        pair = agreement_report(store).pair(ids["Ana"], ids["Olga"])
    assert pair is not None and (pair.first.name, pair.second.name) == ("Ana", "Olga")
    # Exact: only "Wei Fenghe" (Speaker) is the same span.  Overlap: both claims too.
    assert (pair.overall.exact.matched, pair.overall.exact.reference) == (1, 5)
    assert pair.overall.exact.compared == 5
    assert pair.overall.exact.f1 == pytest.approx(0.2)
    assert pair.overall.overlap.matched == 3
    assert pair.overall.overlap.f1 == pytest.approx(0.6)
    claim = pair.by_label["Claim"]
    assert (claim.exact.f1, claim.overlap.f1) == (0.0, 1.0)
    target = pair.by_label["Target"]  # Beijing vs Tokayev, China: no match
    assert target.overlap.matched == 0 and target.overlap.precision == 0.0
    assert target.overlap.recall == 0.0


def test_sentiment_over_overlap_matched_spans(project: Project) -> None:
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        report = agreement_report(store)
    ana_olga = report.pair(ids["Ana"], ids["Olga"])
    ana_wei = report.pair(ids["Ana"], ids["Wei"])
    assert ana_olga is not None and ana_wei is not None
    # Ana and Olga: negative/negative and positive/positive on their two claims.
    assert ana_olga.overall.sentiment.pairs == 2
    assert ana_olga.overall.sentiment.nominal.value == 1.0
    assert ana_olga.overall.sentiment.ordinal.value == 1.0
    # Ana and Wei: one pair, negative vs neutral: alpha 1 - (n - 1) * 2 / (1 * 1 * 2) = 0.
    sentiment = ana_wei.overall.sentiment
    assert sentiment.pairs == 1 and sentiment.nominal.value == 0.0
    # Speakers carry no sentiment: no units, and the reason says so.
    speakers = ana_olga.by_label["Speaker"].sentiment
    assert speakers.pairs == 0 and speakers.nominal.value is None
    assert speakers.nominal.reason == speakers.ordinal.reason == NO_SENTIMENT_PAIRS


def test_mixed_sentiment_is_left_out_of_the_ordinal_figure_only(db_path: Path) -> None:
    tags = [t if t[:3] != ("Olga", "Second", "Claim") else (*t[:4], "mixed") for t in TAGS]
    project = build(db_path, tags)
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        sentiment = agreement_report(store).pair(ids["Ana"], ids["Olga"])
    assert sentiment is not None
    result = sentiment.overall.sentiment
    assert (result.pairs, result.off_scale) == (2, 1)
    assert result.nominal.n == 4 and result.ordinal.n == 2


def test_scope_by_documents_analysts_and_labels(project: Project) -> None:
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        report = agreement_report(
            store,
            analysts=[ids["Olga"], ids["Ana"]],
            documents=[project.documents["First"]],
            labels=["Speaker", "Claim"],
        )
    assert [a.name for a in report.analysts] == ["Olga", "Ana"]
    assert report.documents == 1 and report.group.documents == 1
    assert report.labels == ("Speaker", "Claim")
    (pair,) = report.pairs
    assert pair.first.name == "Olga"  # the order given: Olga is the reference
    assert pair.by_label["Speaker"].kappa.value == 1.0
    assert pair.overall.exact.reference == 2  # Olga's Claim and Speaker in the first document


def test_the_reviewed_layer_is_compared_like_an_analyst_when_chosen(project: Project) -> None:
    with Store.open(project.path) as store:
        reviewed = store.reviewed_layer()
        tag_in_reviewed_layer(store, project)
        # By default the people only: the reviewed layer copies their spans.
        assert reviewed not in agreement_report(store).analysts
        ana = analysts_named(store, ["Ana"])[0]
        assert analysts_named(store, [reviewed.name]) == [reviewed]
        report = agreement_report(store, analysts=[ana.id, reviewed.id])
    assert report.analysts[-1] == reviewed
    pair = report.pair(ana.id, reviewed.id)
    assert pair is not None and pair.by_label["Speaker"].exact.matched == 1


def test_refusals(project: Project) -> None:
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        with pytest.raises(ValidationError, match="No label called “Quote”"):
            agreement_report(store, labels=["Quote"])
        with pytest.raises(ValidationError, match="No analyst called “Zoe”.*Ana, Olga"):
            analysts_named(store, ["Ana", "Zoe"])
        with pytest.raises(ValidationError, match="at least two analysts"):
            agreement_report(store, analysts=[ids["Ana"], ids["Ana"]])
        with pytest.raises(ValidationError, match="no analyst with id nobody"):
            agreement_report(store, analysts=[ids["Ana"], AnalystId("nobody")])
        # Documents are refused as every selection refuses them (export's words).
        with pytest.raises(ValidationError, match="^No document has the id or title “nope”"):
            agreement_report(store, documents=["nope"])


def test_an_empty_project_has_nothing_to_compare(fresh_store: Store) -> None:
    with pytest.raises(ValidationError, match="at least two analysts; 0 analysts annotated"):
        agreement_report(fresh_store)


def test_two_analysts_on_different_documents_compare_nothing(db_path: Path) -> None:
    project = build(
        db_path,
        [("Ana", "First", "Claim", "China", None), ("Olga", "Second", "Claim", "China", None)],
    )
    with Store.open(project.path) as store:
        report = agreement_report(store)
    assert not report.comparable
    (pair,) = report.pairs
    assert pair.documents == 0 and pair.overall.kappa.value is None
    assert pair.overall.kappa.reason
    assert report.group.overall.alpha.value is None


def test_all_analysts_kappa_is_the_mean_of_the_pairs(project: Project) -> None:
    with Store.open(project.path) as store:
        report = agreement_report(store)
    kappas = [p.overall.kappa.value for p in report.pairs]
    assert len(kappas) == 3 and None not in kappas
    assert report.group.overall.mean_kappa.value == pytest.approx(sum(kappas) / 3)  # type: ignore[arg-type]
    pooled = (
        sum(p.overall.overlap.matched for p in report.pairs)
        * 2
        / sum(p.overall.overlap.reference + p.overall.overlap.compared for p in report.pairs)
    )
    assert report.group.overall.overlap.f1 == pytest.approx(pooled)
