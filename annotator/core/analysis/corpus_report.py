"""The corpus report: the analysis view's charts and tables for one filter, as HTML or PDF.

Sections: the filter and totals; speakers by sentiment (bars and a table); claims per month
by sentiment; speaker × target; outlets; analysts. HTML is one self-contained file (the
charts inline as SVG, every name escaped); PDF is drawn page by page with matplotlib. Both are
written atomically. matplotlib is imported when a report is written, not before.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.analysis.charts import (
    draw_bars,
    draw_heatmap,
    draw_timeline,
    font_families,
    new_figure,
)
from annotator.core.analysis.counts import heatmap, pivot, timeline
from annotator.core.analysis.results import AnalysisFilter, Pivot
from annotator.core.atomic_files import replacing, write_text_atomically
from annotator.core.errors import ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from annotator.core.store import Store

REPORT_SUFFIXES = (".pdf", ".html", ".htm")
#: Rows shown in a table (the largest); the rest are summed in a last row.
TABLE_ROWS = 30


@dataclass
class Section:
    title: str
    figure: Figure | None
    table: list[list[str]]  # first row: the header


def describe(filt: AnalysisFilter) -> str:
    """The filter in words."""
    parts = [f"query: {filt.query}" if filt.query.strip() else "every annotation"]
    if filt.label and "label:" not in filt.query:
        parts.append(f"label {filt.label}")
    parts.append(f"layer: {filt.layer}" if filt.layer else "every layer (the reviewed one too)")
    if filt.since:
        parts.append(f"published since {filt.since}")
    if filt.until:
        parts.append(f"published until {filt.until}")
    return "; ".join(parts)


def _table(result: Pivot) -> list[list[str]]:
    rows = [[*result.by, "count"]]
    for row in result.rows[:TABLE_ROWS]:
        keys = [result.label(n, k) for n, k in zip(result.by, row.keys, strict=True)]
        rows.append([*keys, f"{row.count:,}"])
    rest = sum(row.count for row in result.rows[TABLE_ROWS:])
    if rest:
        rows.append(["(others)", *[""] * (len(result.by) - 1), f"{rest:,}"])
    return rows


def _crossed(result: Pivot) -> list[list[str]]:
    """A two-field pivot as a table: first field down, second across, totals."""
    down: dict[str, dict[str, int]] = {}
    across: dict[str, int] = {}
    for row in result.rows:
        r, c = (result.label(n, k) for n, k in zip(result.by, row.keys, strict=True))
        down.setdefault(r, {})[c] = down.get(r, {}).get(c, 0) + row.count
        across[c] = across.get(c, 0) + row.count
    cols = sorted(across, key=lambda c: -across[c])
    ordered = sorted(down, key=lambda r: -sum(down[r].values()))[:TABLE_ROWS]
    table = [[result.by[0], *cols, "total"]]
    for r in ordered:
        counts = [down[r].get(c, 0) for c in cols]
        table.append([r, *(f"{n:,}" for n in counts), f"{sum(counts):,}"])
    return table


def sections(store: Store, filt: AnalysisFilter, *, dark: bool = False) -> list[Section]:
    """The report's sections for `filt` (each chart a new figure)."""
    speakers = pivot(store, ("speaker", "sentiment"), filt)
    colours = {label.name: label.color for label in store.codebook.get().labels}
    bars = new_figure(8, 6, dark=dark)
    draw_bars(bars, speakers, colours)
    line = timeline(store, "month", "sentiment", filt)
    months = new_figure(8, 4.5, dark=dark)
    draw_timeline(months, line, colours)
    cells = heatmap(store, "speaker", "target", filt)
    grid = new_figure(8, 7, dark=dark)
    draw_heatmap(grid, cells)
    per_month = [["month", *line.series, "total"]]
    for i, period in enumerate(line.periods):
        counts = [values[i] for values in line.series.values()]
        per_month.append([period, *(f"{n:,}" for n in counts), f"{sum(counts):,}"])
    if line.undated:
        per_month.append(["(undated)", *[""] * len(line.series), f"{line.undated:,}"])
    return [
        Section("Speakers by sentiment", bars, _crossed(speakers)),
        Section("Per month, by sentiment", months, per_month),
        Section("Speaker × target", grid, _table(cells)),
        Section("Outlets", None, _table(pivot(store, ("outlet",), filt))),
        Section("Analysts (layers)", None, _table(pivot(store, ("analyst",), filt))),
    ]


def write_corpus_report(store: Store, filt: AnalysisFilter, path: Path) -> int:
    """Write the report for `filt` to `path` (.html or .pdf); the annotations counted."""
    suffix = Path(path).suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise ValidationError(f"{Path(path).name}: name the report .pdf or .html.")
    total = pivot(store, (), filt).total
    parts = sections(store, filt)
    title = f"Corpus report: {describe(filt)}"
    summary = f"{total:,} annotations counted."
    if filt.layer is None:
        summary += (
            " Every layer is counted, the reviewed layer among them: an annotation the "
            "reviewer kept counts for its analyst and for the reviewed layer."
        )
    if suffix == ".pdf":
        _write_pdf(path, title, summary, parts)
    else:
        write_text_atomically(path, _html(title, summary, parts))
    return total


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # without the XML declaration and doctype


def _html(title: str, summary: str, parts: list[Section]) -> str:
    e = html.escape
    fonts = ", ".join(f"'{name}'" for name in font_families())
    body = [f"<h1>{e(title)}</h1>", f"<p>{e(summary)}</p>"]
    for part in parts:
        body.append(f"<h2>{e(part.title)}</h2>")
        if part.figure is not None:
            body.append(f'<div class="chart">{_svg(part.figure)}</div>')
        if part.table:
            head = "".join(f"<th>{e(cell)}</th>" for cell in part.table[0])
            rows = "".join(
                "<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>"
                for row in part.table[1:]
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    style = (
        f"body{{font-family:{fonts},sans-serif;margin:2em;max-width:60em}}"
        "table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
        "td:last-child{text-align:right}.chart svg{max-width:100%;height:auto}"
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{style}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def _write_pdf(path: Path, title: str, summary: str, parts: list[Section]) -> None:
    from matplotlib.backends.backend_pdf import PdfPages

    with replacing(path) as temp, PdfPages(temp) as pdf:
        cover = new_figure(8.27, 11.69)
        cover.text(0.08, 0.92, title, fontsize=14, wrap=True, family=font_families())
        cover.text(0.08, 0.86, summary, fontsize=9, wrap=True, family=font_families())
        pdf.savefig(cover)
        for part in parts:
            if part.figure is not None:
                part.figure.suptitle(part.title, family=font_families())
                pdf.savefig(part.figure)
            if part.table:
                pdf.savefig(_table_page(part.title, part.table))


def _table_page(title: str, table: list[list[str]]) -> Any:
    page = new_figure(8.27, 11.69)
    axes = page.add_subplot()
    axes.axis("off")
    axes.set_title(title, family=font_families())
    short = [[cell if len(cell) <= 30 else cell[:29] + "…" for cell in row] for row in table]
    drawn = axes.table(
        cellText=short[1:] or [[""] * len(short[0])], colLabels=short[0], loc="upper center"
    )
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(7)
    for cell in drawn.get_celld().values():
        cell.get_text().set_fontfamily(font_families())
    return page
