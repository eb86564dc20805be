"""Counting the corpus from the command line: `annotator summary` and `annotator chart`.

Both take the annotation-search language as QUERY (label:Claim sentiment:negative
speaker:"Wei Fenghe"), a layer and publication dates, and count what the window's Analysis
view counts (annotator.core.analysis). Charts load matplotlib only when drawn.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from annotator.cli.base import cli, open_store, project_options, settings
from annotator.cli.names import json_text, lines_shown, say, shown
from annotator.core.analysis.results import FIELDS
from annotator.core.errors import AnnotatorError

if TYPE_CHECKING:
    from annotator.core.analysis import AnalysisFilter, Pivot

EVERY_LAYER_NOTE = (
    "Every layer is counted, the reviewed layer among them (an annotation the reviewer kept "
    "counts once for its analyst and once for the reviewed layer): --layer reviewed, or an "
    "analyst's name, counts one layer."
)


def filter_options(func: Any) -> Any:
    """QUERY, --layer, --since, --until and --label: what every count takes."""
    for option in reversed(
        [
            click.argument("query", nargs=-1),
            click.option(
                "--layer",
                metavar="NAME",
                help="Count one layer: an analyst's name, or “reviewed” for the reviewed layer "
                "(default: every layer).",
            ),
            click.option(
                "--since",
                type=click.DateTime(["%Y-%m-%d"]),
                help="Only documents published on or after this day (YYYY-MM-DD).",
            ),
            click.option(
                "--until",
                type=click.DateTime(["%Y-%m-%d"]),
                help="Only documents published on or before this day (YYYY-MM-DD).",
            ),
            click.option(
                "--label",
                default="Claim",
                show_default=True,
                help="The label counted when QUERY names none; --all-labels for every label.",
            ),
            click.option("--all-labels", is_flag=True, help="Count every label."),
        ]
    ):
        func = option(func)
    return func


def make_filter(
    query: Sequence[str],
    layer: str | None,
    since: Any,
    until: Any,
    label: str,
    all_labels: bool,
) -> AnalysisFilter:
    from annotator.core.analysis import AnalysisFilter

    def day(value: Any) -> date | None:
        return None if value is None else value.date()

    return AnalysisFilter(
        query=" ".join(query),
        layer=layer,
        since=day(since),
        until=day(until),
        label=None if all_labels else label,
    )


def _cells(result: Pivot, *, titles: bool) -> list[list[str]]:
    """The rows as text: one cell per field (documents by title), then the count."""
    return [
        [
            result.label(name, key) if titles else (key or "")
            for name, key in zip(result.by, row.keys, strict=True)
        ]
        + [str(row.count)]
        for row in result.rows
    ]


def _table(result: Pivot) -> str:
    header = [*result.by, "count"]
    rows = [[shown(cell) for cell in row] for row in _cells(result, titles=True)]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for row in rows:
        cells = [c.ljust(w) for c, w in zip(row[:-1], widths[:-1], strict=True)]
        lines.append("  ".join([*cells, row[-1].rjust(widths[-1])]))
    return "\n".join(lines)


def _json_rows(result: Pivot) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for row in result.rows:
        item: dict[str, object] = dict(zip(result.by, row.keys, strict=True))
        if "document" in result.by:
            doc = row.keys[result.by.index("document")]
            item["document"] = None if doc is None else result.titles.get(doc, doc)
            item["document_id"] = doc
        item["count"] = row.count
        out.append(item)
    return out


def csv_text(result: Pivot) -> str:
    """The pivot as CSV: fields (documents by title, then their id), count; every cell a
    spreadsheet would read as a formula kept literal, as the other CSV exports do."""
    from annotator.core.export.tables import neutralise

    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180, CRLF
    header = [*result.by, "count"]
    if "document" in result.by:
        header.insert(result.by.index("document") + 1, "document_id")
    writer.writerow(header)
    for item in _json_rows(result):
        writer.writerow([neutralise(None if v is None else str(v)) or "" for v in item.values()])
    return buffer.getvalue()


@cli.command("summary")
@click.option(
    "--by",
    "by",
    multiple=True,
    type=click.Choice(FIELDS),
    help="Count by this field (repeatable; default: speaker).",
)
@filter_options
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: for reading; csv: for spreadsheets; json: a list of rows, one key per field "
    "plus count.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (replaced only once complete) instead of the terminal.",
)
@project_options
@click.pass_context
def summary_command(
    ctx: click.Context,
    by: tuple[str, ...],
    query: tuple[str, ...],
    layer: str | None,
    since: Any,
    until: Any,
    label: str,
    all_labels: bool,
    fmt: str,
    output: Path | None,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Count annotations (claims by default) by speaker, target, sentiment, label, analyst,
    outlet, document, day, week, month or year of publication.

    QUERY is the annotation search (annotator search -a), e.g.
    target:Kazakhstan sentiment:negative, or speaker:"Wei Fenghe". Speakers and targets are
    the canonical names the claims CSV gives (a linked span or a typed name alike).
    """
    from annotator.core.analysis import pivot

    db_path, _ = settings(ctx, db, analyst)
    filt = make_filter(query, layer, since, until, label, all_labels)
    with open_store(db_path) as store:
        try:
            result = pivot(store, by or ("speaker",), filt)
        except AnnotatorError as exc:
            raise click.ClickException(lines_shown(exc)) from exc
    if fmt == "json":
        text = json.dumps(_json_rows(result), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        text = csv_text(result)
    else:
        text = _table(result) + "\n"
    if output is not None:
        from annotator.core.export.atomic import atomic_text_file

        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"  # Excel reads the mark
        try:
            with atomic_text_file(output, encoding=encoding) as stream:
                stream.write(text)
        except OSError as exc:
            raise click.ClickException(
                f"Could not write {shown(output)}: {shown(exc.strerror)}"
            ) from exc
        say(f"Wrote {len(result.rows)} rows ({result.total} annotations) to {output}")
    elif fmt == "json":
        click.echo(json_text(_json_rows(result)))
    elif fmt == "csv":
        click.echo(lines_shown(text.replace("\r\n", "\n")).rstrip("\n"))
    else:
        click.echo(text.rstrip("\n"))
        say(_footer(result, filt), err=True)


def _footer(result: Pivot, filt: AnalysisFilter) -> str:
    lines = [f"{result.total} annotations in {len(result.rows)} rows."]
    if result.undated:
        lines.append(f"{result.undated} of them in undated documents (undated rows).")
    if filt.layer is None:
        lines.append(EVERY_LAYER_NOTE)
    return "\n".join(lines)


@cli.command("chart")
@click.argument("kind", type=click.Choice(["timeline", "heatmap", "bars"]))
@click.option(
    "--by",
    "by",
    multiple=True,
    type=click.Choice(FIELDS),
    help="bars: one or two fields (default speaker); heatmap: rows then columns (default "
    "speaker, target); timeline: the split (default sentiment).",
)
@click.option(
    "--period",
    type=click.Choice(["week", "month"]),
    default="month",
    show_default=True,
    help="timeline: count per week or month of publication.",
)
@filter_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write: .png, .svg or .pdf (replaced only once complete).",
)
@click.option(
    "--within",
    type=click.Choice(["document", "sentence"]),
    help="heatmap --by label --by label: count the documents (default) or sentences where "
    "two labels occur together (every label, unless --label or QUERY names one).",
)
@click.option("--dark", is_flag=True, help="Dark background.")
@project_options
@click.pass_context
def chart_command(
    ctx: click.Context,
    kind: str,
    by: tuple[str, ...],
    period: str,
    query: tuple[str, ...],
    layer: str | None,
    since: Any,
    until: Any,
    label: str,
    all_labels: bool,
    output: Path,
    within: str | None,
    dark: bool,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Draw a chart of the counts: a timeline of publication, bars, or a heatmap.

    QUERY and the options filter as for `annotator summary`. `heatmap --by label --by label`
    counts labels occurring together within a document or a sentence (--within).
    """
    from annotator.core.analysis.charts import CHART_SUFFIXES

    if output.suffix.lower() not in CHART_SUFFIXES:
        raise click.ClickException(f"{shown(output)}: name the chart .png, .svg or .pdf.")
    if kind == "heatmap" and len(by) not in (0, 2):
        raise click.ClickException("A heatmap takes two --by fields: rows, then columns.")
    if len(by) > 2 or (kind == "timeline" and len(by) > 1):
        raise click.ClickException("Too many --by fields: see annotator chart --help.")
    together = kind == "heatmap" and by == ("label", "label")
    if within is not None and not together:
        raise click.ClickException(
            "--within counts labels occurring together: use it with "
            "annotator chart heatmap --by label --by label."
        )
    if together and ctx.get_parameter_source("label") is click.core.ParameterSource.DEFAULT:
        all_labels = True  # labels meeting: every label unless one is asked for
    db_path, _ = settings(ctx, db, analyst)
    filt = make_filter(query, layer, since, until, label, all_labels)
    with open_store(db_path) as store:
        try:
            draw_chart(store, kind, by, period, filt, output, dark=dark, within=within)
        except AnnotatorError as exc:
            raise click.ClickException(lines_shown(exc)) from exc
        except OSError as exc:
            raise click.ClickException(
                f"Could not write {shown(output)}: {shown(exc.strerror)}"
            ) from exc
    say(f"Wrote the {kind} chart to {output}")


def draw_chart(
    store: Any,
    kind: str,
    by: Sequence[str],
    period: str,
    filt: AnalysisFilter,
    output: Path,
    *,
    dark: bool = False,
    within: str | None = None,
) -> None:
    from annotator.core import analysis

    colours = {label.name: label.color for label in store.codebook.get().labels}
    figure = analysis.new_figure(9, 6, dark=dark)
    if kind == "timeline":
        line = analysis.timeline(store, period, by[0] if by else "sentiment", filt)
        analysis.draw_timeline(figure, line, colours)
    elif kind == "heatmap" and tuple(by) == ("label", "label"):
        counted = analysis.cooccurrence(store, within or "document", filt)
        analysis.draw_heatmap(figure, counted)
    elif kind == "heatmap":
        rows, cols = by if by else ("speaker", "target")
        analysis.draw_heatmap(figure, analysis.heatmap(store, rows, cols, filt))
    else:
        analysis.draw_bars(figure, analysis.pivot(store, by or ("speaker",), filt), colours)
    analysis.save_figure(figure, output)


def corpus_report(
    ctx: click.Context,
    document: str | None,
    output: Path,
    layers: tuple[str, ...],
    query: str,
    db: Path | None,
    analyst: str | None,
) -> None:
    """`annotator report --corpus -o FILE.pdf|.html`: the corpus report for the filter."""
    from annotator.core.analysis import AnalysisFilter
    from annotator.core.analysis.corpus_report import REPORT_SUFFIXES, write_corpus_report

    if document is not None:
        raise click.UsageError("--corpus reports on every document: leave DOCUMENT out.")
    if not ctx.params.get("corpus"):
        raise click.UsageError("Name a DOCUMENT to report on, or --corpus for the whole corpus.")
    if output.suffix.lower() not in REPORT_SUFFIXES:
        raise click.ClickException(f"{shown(output)}: name the report .pdf or .html.")
    if len(layers) > 1:
        raise click.ClickException(
            "The corpus report counts one layer, or every layer: one --layer."
        )
    db_path, _ = settings(ctx, db, analyst)
    filt = AnalysisFilter(query=query, layer=layers[0] if layers else None)
    with open_store(db_path) as store:
        try:
            total = write_corpus_report(store, filt, output)
        except AnnotatorError as exc:
            raise click.ClickException(lines_shown(exc)) from exc
        except OSError as exc:
            raise click.ClickException(
                f"Could not write {shown(output)}: {shown(exc.strerror)}"
            ) from exc
    say(f"Wrote the corpus report ({total} annotations) to {output}")
