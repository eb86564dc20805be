"""An agreement report as rows (CSV), as JSON, and as an aligned text table.

CSV rows: one per pair of analysts and label, and one per label for all analysts together
(`scope` "all": `kappa` is then the mean of the pairs' kappas, `alpha` Krippendorff's alpha
over every analyst, F1 pooled over the pairs, `fleiss_kappa` over the documents every analyst
coded; `krippendorff_alpha_unitizing` is the unitizing alpha of the pair or of everyone). An
empty `label` means all labels together. Names are user text: unless `raw`, a name that a
spreadsheet would read as a formula gets a leading ' (annotator.core.export.tables.neutralise);
numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TextIO

from annotator.core.agreement.matching import OVERLAP_MATCHING
from annotator.core.agreement.report import (
    AgreementReport,
    Figures,
    GroupFigures,
    PairAgreement,
)
from annotator.core.agreement.sentiment import SENTIMENT_SCALE, SentimentAgreement
from annotator.core.agreement.spans import SpanScores
from annotator.core.agreement.statistics import Statistic
from annotator.core.export.atomic import atomic_text_file
from annotator.core.export.tables import neutralise

Format = Literal["table", "csv", "json"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json")

COLUMNS = (
    "scope",
    "analyst_a",
    "analyst_b",
    "label",
    "documents",
    "tokens",
    "kappa",
    "alpha",
    "exact_precision",
    "exact_recall",
    "exact_f1",
    "overlap_precision",
    "overlap_recall",
    "overlap_f1",
    "sentiment_pairs",
    "sentiment_alpha_nominal",
    "sentiment_alpha_ordinal",
    "sentiment_off_scale",
    "fleiss_kappa",
    "krippendorff_alpha_unitizing",
)
_TEXT_COLUMNS = ("analyst_a", "analyst_b", "label")
ALL_LABELS = "all labels"

Row = dict[str, str | int | float | None]


def rows(report: AgreementReport) -> Iterator[Row]:
    """The report as flat rows with COLUMNS (None: undefined or not applicable)."""
    group = report.group
    for label, figures in [("", group.overall), *group.by_label.items()]:
        yield _group_row(label, figures, group.documents, group.tokens)
    for pair in report.pairs:
        for label, pair_figures in [("", pair.overall), *pair.by_label.items()]:
            yield _pair_row(pair, label, pair_figures)


def _group_row(label: str, figures: GroupFigures, documents: int, tokens: int) -> Row:
    return {
        "scope": "all",
        "analyst_a": "",
        "analyst_b": "",
        "label": label,
        "documents": documents,
        "tokens": tokens,
        "kappa": figures.mean_kappa.value,
        "alpha": figures.alpha.value,
        "exact_precision": None,
        "exact_recall": None,
        "exact_f1": figures.exact.f1,
        "overlap_precision": None,
        "overlap_recall": None,
        "overlap_f1": figures.overlap.f1,
        "sentiment_pairs": None,
        "sentiment_alpha_nominal": None,
        "sentiment_alpha_ordinal": None,
        "sentiment_off_scale": None,
        "fleiss_kappa": figures.fleiss_kappa.value,
        "krippendorff_alpha_unitizing": figures.alpha_unitizing.value,
    }


def _pair_row(pair: PairAgreement, label: str, figures: Figures) -> Row:
    return {
        "scope": "pair",
        "analyst_a": pair.first.name,
        "analyst_b": pair.second.name,
        "label": label,
        "documents": pair.documents,
        "tokens": pair.tokens,
        "kappa": figures.kappa.value,
        "alpha": figures.alpha.value,
        "exact_precision": figures.exact.precision,
        "exact_recall": figures.exact.recall,
        "exact_f1": figures.exact.f1,
        "overlap_precision": figures.overlap.precision,
        "overlap_recall": figures.overlap.recall,
        "overlap_f1": figures.overlap.f1,
        "sentiment_pairs": figures.sentiment.pairs,
        "sentiment_alpha_nominal": figures.sentiment.nominal.value,
        "sentiment_alpha_ordinal": figures.sentiment.ordinal.value,
        "sentiment_off_scale": figures.sentiment.off_scale,
        "fleiss_kappa": None,
        "krippendorff_alpha_unitizing": figures.alpha_unitizing.value,
    }


def write_csv(report: AgreementReport, stream: TextIO, *, raw: bool = False) -> int:
    """RFC 4180 CSV (CRLF) of `rows`; returns the number of rows written."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows(report):
        cells = [row[column] for column in COLUMNS]
        if not raw:
            cells = [
                neutralise(cell) if column in _TEXT_COLUMNS and isinstance(cell, str) else cell
                for column, cell in zip(COLUMNS, cells, strict=True)
            ]
        writer.writerow(["" if cell is None else cell for cell in cells])
        count += 1
    return count


# -- JSON -----------------------------------------------------------------------------------


def _statistic(stat: Statistic) -> dict[str, Any]:
    return {"value": stat.value, "n": stat.n, "reason": stat.reason or None}


def _spans(scores: SpanScores) -> dict[str, Any]:
    return {
        "matched": scores.matched,
        "reference": scores.reference,
        "compared": scores.compared,
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
    }


def _sentiment(sentiment: SentimentAgreement) -> dict[str, Any]:
    return {
        "pairs": sentiment.pairs,
        "alpha_nominal": _statistic(sentiment.nominal),
        "alpha_ordinal": _statistic(sentiment.ordinal),
        "off_scale": sentiment.off_scale,
    }


def _figures(figures: Figures) -> dict[str, Any]:
    return {
        "kappa": _statistic(figures.kappa),
        "alpha": _statistic(figures.alpha),
        "exact": _spans(figures.exact),
        "overlap": _spans(figures.overlap),
        "sentiment": _sentiment(figures.sentiment),
        "krippendorff_alpha_unitizing": _statistic(figures.alpha_unitizing),
    }


def _group_figures(figures: GroupFigures) -> dict[str, Any]:
    return {
        "alpha": _statistic(figures.alpha),
        "mean_kappa": _statistic(figures.mean_kappa),
        "exact": _spans(figures.exact),
        "overlap": _spans(figures.overlap),
        "fleiss_kappa": _statistic(figures.fleiss_kappa),
        "krippendorff_alpha_unitizing": _statistic(figures.alpha_unitizing),
    }


def to_json(report: AgreementReport) -> dict[str, Any]:
    """Everything in the report, as JSON-ready data (undefined values are null with a reason)."""
    group = report.group
    return {
        "tokenisation": report.tokenisation,
        "overlap_matching": OVERLAP_MATCHING,
        "sentiment_scale": list(SENTIMENT_SCALE),
        "documents": report.documents,
        "labels": list(report.labels),
        "analysts": [
            {
                "id": analyst.id,
                "name": analyst.name,
                "documents_coded": report.coded[analyst.id],
                "documents_finished": report.finished.get(analyst.id, 0),
                "spans": report.spans[analyst.id],
            }
            for analyst in report.analysts
        ],
        "all": {
            "documents": group.documents,
            "documents_coded_by_all": group.complete,
            "tokens": group.tokens,
            "overall": _group_figures(group.overall),
            "by_label": {label: _group_figures(f) for label, f in group.by_label.items()},
        },
        "pairs": [
            {
                "first": pair.first.name,
                "second": pair.second.name,
                "documents": pair.documents,
                "tokens": pair.tokens,
                "overall": _figures(pair.overall),
                "by_label": {label: _figures(f) for label, f in pair.by_label.items()},
            }
            for pair in report.pairs
        ],
    }


def write_json(report: AgreementReport, stream: TextIO) -> None:
    json.dump(to_json(report), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


# -- text table -----------------------------------------------------------------------------


def number(value: float | None) -> str:
    """A statistic as the tables show it: three decimals, or "n/a"."""
    return "n/a" if value is None else f"{value:.3f}"


def _table(header: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for row in [header, *body]:
        first = row[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join([first, *rest]).rstrip())
    return lines


def format_table(report: AgreementReport) -> str:
    """Aligned plain text: all analysts per label, then each pair overall and per label."""
    group = report.group
    names = ", ".join(analyst.name for analyst in report.analysts)
    lines = [
        f"Agreement of {len(report.analysts)} analysts ({names}): "
        f"{group.documents} of {report.documents} documents coded by two or more, "
        f"{group.tokens} tokens.",
        "",
        "All analysts (α: Krippendorff's alpha; κ: mean of the pairs' Cohen's kappa; "
        "F1 pooled over the pairs; Fleiss' κ and αU (unitizing alpha) over the "
        f"{group.complete} documents all of them coded)",
    ]
    reasons: dict[str, None] = {}

    def stat(value: Statistic) -> str:
        if value.value is None and value.reason:
            reasons[value.reason] = None
        return number(value.value)

    def score(value: float | None) -> str:
        if value is None:
            reasons["no spans to divide by (P, R, F1)"] = None
        return number(value)

    body = [
        [
            label or ALL_LABELS,
            stat(f.alpha),
            stat(f.mean_kappa),
            score(f.exact.f1),
            score(f.overlap.f1),
            stat(f.fleiss_kappa),
            stat(f.alpha_unitizing),
        ]
        for label, f in [("", group.overall), *group.by_label.items()]
    ]
    lines += _table(["label", "α", "κ", "F1 exact", "F1 overlap", "Fleiss' κ", "αU"], body)
    lines += ["", "Pairs (the first analyst is the reference of precision and recall)"]
    body = []
    off_scale = 0
    for pair in report.pairs:
        off_scale += pair.overall.sentiment.off_scale
        for label, f in [("", pair.overall), *pair.by_label.items()]:
            body.append(
                [
                    f"  {label}" if label else f"{pair.first.name} – {pair.second.name}",
                    "" if label else str(pair.documents),
                    stat(f.kappa),
                    stat(f.alpha),
                    score(f.exact.precision),
                    score(f.exact.recall),
                    score(f.exact.f1),
                    score(f.overlap.f1),
                    str(f.sentiment.pairs),
                    stat(f.sentiment.nominal),
                    stat(f.sentiment.ordinal),
                    stat(f.alpha_unitizing),
                ]
            )
    header = ["pair / label", "docs", "κ", "α", "P exact", "R exact", "F1 exact"]
    header += ["F1 overlap", "sentiment pairs", "sent. α nom.", "sent. α ord.", "αU"]
    lines += _table(header, body)
    lines += [
        "",
        "Sentiment: alpha over spans matched by overlap where both gave a sentiment; ordinal "
        f"on {' < '.join(SENTIMENT_SCALE)}"
        + (f", leaving out {off_scale} pairs with another value." if off_scale else "."),
    ]
    if reasons:
        lines += ["n/a: " + "; ".join(reasons) + "."]
    return "\n".join(lines) + "\n"


# -- whole documents ------------------------------------------------------------------------


def render(report: AgreementReport, fmt: Format) -> str:
    """The report as one text in the format."""
    if fmt == "table":
        return format_table(report)
    buffer = io.StringIO()
    if fmt == "csv":
        write_csv(report, buffer)
    else:
        write_json(report, buffer)
    return buffer.getvalue()


def save(report: AgreementReport, path: Path, fmt: Format) -> None:
    """Write the report atomically; CSV with a byte-order mark, as the exports (Excel then
    shows every script). Raises AnnotatorError with the reason when it cannot."""
    with atomic_text_file(path, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as stream:
        stream.write(render(report, fmt))
