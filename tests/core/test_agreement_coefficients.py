"""Finished documents in agreement, Fleiss' kappa and unitizing alpha in the report, each
checked against an independent computation on the same project."""

from __future__ import annotations

import math
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from agreement_project import Project, build
from test_agreement_report import LABELS, codes, token_labels

from annotator.core.agreement import agreement_report
from annotator.core.agreement.report import FEWER_THAN_THREE
from annotator.core.agreement.statistics import fleiss_kappa
from annotator.core.agreement.token_labels import Span
from annotator.core.agreement.unitizing import UnitizingTally
from annotator.core.session import Session
from annotator.core.store import Store

SAME = [
    ("Ana", "First", "Claim", "China firmly opposes external forces", "negative"),
    ("Olga", "First", "Claim", "China firmly opposes external forces", "negative"),
    ("Ana", "Second", "Claim", "Kazakhstan values the partnership with China", "positive"),
]


def test_a_finished_document_without_tags_means_nothing_there(db_path: Path) -> None:
    project = build(db_path, SAME)
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        before = agreement_report(store).pair(ids["Ana"], ids["Olga"])
        assert before is not None and before.documents == 1  # Olga did not code Second
        assert before.overall.kappa.value == before.overall.alpha.value == 1.0
        assert before.overall.overlap.f1 == 1.0

        olga = Session(store, next(a for a in store.analysts() if a.name == "Olga"))
        olga.mark_finished(project.documents["Second"])
        report = agreement_report(store)
        after = report.pair(ids["Ana"], ids["Olga"])
    assert after is not None and after.documents == 2
    for statistic in (after.overall.kappa, after.overall.alpha, after.overall.alpha_unitizing):
        assert statistic.value is not None and statistic.value < 1
    assert after.overall.overlap.f1 is not None and after.overall.overlap.f1 < 1
    assert after.overall.overlap.reference == 2 and after.overall.overlap.compared == 1
    assert report.coded[ids["Olga"]] == 2 and report.finished[ids["Olga"]] == 1


def test_an_unfinished_document_without_tags_stays_missing(db_path: Path) -> None:
    project = build(db_path, SAME)
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        olga = next(a for a in store.analysts() if a.name == "Olga")
        session = Session(store, olga)
        session.mark_finished(project.documents["Second"])
        session.mark_finished(project.documents["Second"], done=False)
        pair = agreement_report(store).pair(ids["Ana"], ids["Olga"])
    assert pair is not None and pair.documents == 1 and pair.overall.alpha.value == 1.0


@pytest.fixture
def project(db_path: Path) -> Project:
    return build(db_path)


def test_fleiss_kappa_is_for_three_or_more_over_documents_all_coded(project: Project) -> None:
    with Store.open(project.path) as store:
        # Wei coded only the first document: finishing the second makes it complete.
        wei = next(a for a in store.analysts() if a.name == "Wei")
        two = agreement_report(store, analysts=[a.id for a in store.analysts()][:2])
        before = agreement_report(store)
        Session(store, wei).mark_finished(project.documents["Second"])
        report = agreement_report(store)
        rows = [token_labels(store, name) for name in ("Ana", "Olga", "Wei")]
    assert two.group.overall.fleiss_kappa.reason == FEWER_THAN_THREE
    assert before.group.complete == 1 and report.group.complete == 2
    # Wei's second document: finished without annotations, every token "none".
    rows[2] = [frozenset() if v is None else v for v in rows[2]]
    for label in (None, *LABELS):
        data = np.array([codes(row, label) for row in rows])
        figures = report.group.overall if label is None else report.group.by_label[label]
        table = [tuple(column) for column in data.T]
        assert figures.fleiss_kappa.value == pytest.approx(fleiss_kappa(table).value), label
        # Independently: with no missing values, Fleiss' kappa = 1 - (1 - alpha) N n / (N n - 1)
        # (Krippendorff's alpha from the krippendorff package).
        alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        values = data.size
        expected = 1 - (1 - alpha) * values / (values - 1)
        assert figures.fleiss_kappa.value == pytest.approx(expected, abs=1e-12), label


def test_fleiss_kappa_of_the_textbook_example() -> None:
    # Fleiss (1971) as tabulated in the literature: 10 subjects, 14 raters, 5 categories;
    # counts per category. Published: P = 0.378, P_e = 0.213, kappa = 0.210.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    rows = [[category for category, n in enumerate(row) for _ in range(n)] for row in table]
    result = fleiss_kappa(rows)
    assert result.value is not None and round(result.value, 3) == 0.210
    assert fleiss_kappa([["a", "a"], ["a", "a"]]).value is None  # one category: undefined


def test_unitizing_alpha_in_the_report_is_the_definition_over_documents_both_coded(
    project: Project,
) -> None:
    with Store.open(project.path) as store:
        ids = {a.name: a.id for a in store.analysts()}
        report = agreement_report(store)
        names = {label.id: label.name for label in store.codebook.get().labels}
        by_analyst: dict[str, list[list[Span]]] = {}
        lengths = []
        for title in ("First", "Second"):
            document_id = project.documents[title]
            lengths.append(len(store.documents.text(document_id)))
            for name in ("Ana", "Olga"):
                by_analyst.setdefault(name, []).append(
                    [
                        Span(names[a.label_id], a.start, a.end)
                        for a in store.annotations.for_document(document_id)
                        if a.analyst_id == ids[name]
                    ]
                )
    expected = UnitizingTally(2, LABELS)
    for index, length in enumerate(lengths):
        expected.add(length, [by_analyst["Ana"][index], by_analyst["Olga"][index]])
    pair = report.pair(ids["Ana"], ids["Olga"])
    assert pair is not None
    assert pair.overall.alpha_unitizing == expected.alpha()
    for label in LABELS:
        assert pair.by_label[label].alpha_unitizing == expected.alpha(label)
    value = pair.overall.alpha_unitizing.value
    assert value is not None and not math.isnan(value) and -1 < value < 1
    # All three analysts: only the first document was coded by all of them.
    assert report.group.complete == 1
    assert report.group.overall.alpha_unitizing.value is not None
