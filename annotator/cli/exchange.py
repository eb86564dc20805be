"""Annotations in and out: import-annotations, report, export."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import click

from annotator.cli.base import cli, open_store, project_options, settings
from annotator.cli.progress import terminal_progress
from annotator.core.errors import AnnotatorError
from annotator.core.preferences import os_user_name
from annotator.core.store import Store


@cli.command("import-annotations")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--onto",
    metavar="DOCUMENT",
    help="Put a one-document file's annotations onto this document (id, id prefix or title).",
)
@project_options
@click.pass_context
def import_annotations_command(
    ctx: click.Context, file: Path, onto: str | None, db: Path | None, analyst: str | None
) -> None:
    """Import annotations from an Annotator JSONL or W3C Web Annotation file.

    Documents are matched by their text; where a colleague's copy differs, annotations are
    re-anchored by quote and context. Whatever cannot be placed is listed by name as an
    orphan (exit status 1); nothing is dropped silently. Importing a file twice adds nothing.
    """
    from annotator.core.interchange import import_annotations, read_annotation_file

    db_path, analyst_name = settings(ctx, db, analyst)
    with open_store(db_path) as store:
        try:
            parsed = read_annotation_file(file)
            target = store.documents.resolve(onto).id if onto else None
            report = import_annotations(
                store,
                parsed,
                analyst_fallback=analyst_name or os_user_name() or "analyst",
                onto=target,
            )
        except AnnotatorError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(report.summary())
    if not report.complete:
        sys.exit(1)


@cli.command("report")
@click.argument("document")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write: .pdf or .html (replaced only once complete).",
)
@click.option(
    "--by",
    "by",
    multiple=True,
    metavar="ANALYST",
    help="Only annotations by this analyst (repeatable), as for export.",
)
@click.option(
    "--layer",
    multiple=True,
    metavar="NAME",
    help="Only this layer (repeatable): “reviewed” for the reviewed layer, or an analyst's "
    "name. With --by, the annotations of either.",
)
@project_options
@click.pass_context
def report_command(
    ctx: click.Context,
    document: str,
    output: Path,
    by: tuple[str, ...],
    layer: tuple[str, ...],
    db: Path | None,
    analyst: str | None,
) -> None:
    """Printable report of one DOCUMENT (id, id prefix or title): the article with its
    highlights, a legend and the list of annotations, as PDF or HTML.

    --by and --layer limit it to some layers, named as for `annotator export`: --layer
    reviewed shows the result of reviews, --by Ana what Ana tagged.
    """
    from annotator.core.report import report_content, report_layers, write_html_report

    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise click.ClickException(f"{output}: name the report .pdf or .html.")
    db_path, _ = settings(ctx, db, analyst)
    with open_store(db_path) as store:
        try:
            doc = store.documents.get(store.documents.resolve(document).id)
            layers = report_layers(store, by, layer)
            if suffix == ".pdf":
                # Qt draws the PDF; it needs no display.
                os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
                from PySide6.QtWidgets import QApplication

                from annotator.gui.report_pdf import write_pdf_report

                # A full QApplication (not QGuiApplication), so one process can go on to
                # open windows as well.
                _app = QApplication.instance() or QApplication(["annotator"])
                write_pdf_report(report_content(store, doc, layers=layers), output)
            else:
                write_html_report(store, doc, output, layers=layers)
        except AnnotatorError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote the report of “{doc.title}” to {output}")


def _export_option_problem(fmt: str, no_bom: bool, raw: bool, no_text: bool, lines: bool) -> str:
    """Why an option does not fit the format ("" if they all fit): better than ignoring it."""
    for given, flag, formats in (
        (no_bom, "--no-bom", ("csv", "claims")),
        (raw, "--raw", ("csv", "claims")),
        (no_text, "--no-text", ("jsonl",)),
        (lines, "--jsonl-lines", ("w3c",)),
    ):
        if given and fmt not in formats:
            return f"{flag} applies to --format {' or '.join(formats)} only."
    return ""


@cli.command("export")
@click.option(
    "--format",
    "-f",
    "fmt",
    required=True,
    type=click.Choice(["csv", "claims", "jsonl", "w3c"]),
    help="csv: one row per annotation; claims: one row per claim with speaker, target and "
    "sentiment; jsonl: every field, links and documents, for re-import; w3c: W3C Web "
    "Annotations (JSON-LD).",
)
@click.option(
    "--output",
    "-o",
    required=True,
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (replaced only once the export is complete).",
)
@click.option(
    "--by",
    "by",
    multiple=True,
    metavar="ANALYST",
    help="Only annotations by this analyst (repeatable). --analyst names who is working "
    "and does not filter.",
)
@click.option(
    "--layer",
    multiple=True,
    metavar="NAME",
    help="Only this layer (repeatable): “reviewed” for the reviewed layer, or an analyst's "
    "name (as --by). With --by, the annotations of either.",
)
@click.option("--label", multiple=True, metavar="NAME", help="Only this label (repeatable).")
@click.option(
    "--document",
    multiple=True,
    metavar="ID_OR_TITLE",
    help="Only this document: id (or its first 8+ characters) or exact title (repeatable).",
)
@click.option(
    "--since", metavar="DATE", type=click.DateTime(["%Y-%m-%d"]), help="From this day (UTC)."
)
@click.option(
    "--until",
    metavar="DATE",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Up to and including this day (UTC).",
)
@click.option(
    "--dated",
    type=click.Choice(["modified", "created"]),
    default="modified",
    show_default=True,
    help="Which date of an annotation --since and --until test.",
)
@click.option("--no-bom", is_flag=True, help="CSV: no UTF-8 byte-order mark (Excel needs it).")
@click.option(
    "--raw",
    is_flag=True,
    help="CSV: write cells as stored, for data pipelines. Without it, a cell starting with "
    "= + - @ tab or carriage return gets a leading ' so that spreadsheets never run it as a "
    "formula; do not open --raw files in a spreadsheet.",
)
@click.option(
    "--no-text",
    is_flag=True,
    help="jsonl: leave document texts out (each document keeps its line and text hash).",
)
@click.option(
    "--jsonl-lines",
    "lines",
    is_flag=True,
    help="w3c: one annotation per line instead of one AnnotationCollection.",
)
@project_options
@click.pass_context
def export_command(
    ctx: click.Context,
    fmt: str,
    output: Path,
    by: tuple[str, ...],
    layer: tuple[str, ...],
    label: tuple[str, ...],
    document: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    dated: str,
    no_bom: bool,
    raw: bool,
    no_text: bool,
    lines: bool,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Export annotations to FILE as CSV, the claims table, JSON Lines or W3C Web Annotations.

    Filters combine: --by Ana --by Olga --label Claim --since 2024-03-01 exports the claims
    Ana or Olga changed since 1 March 2024. --layer reviewed exports the reviewed layer (the
    result of reviews), which carries its reviewer; --by and --layer together take both.
    """
    from annotator.core.export import ExportFilter, export

    problem = _export_option_problem(fmt, no_bom, raw, no_text, lines)
    if problem:
        raise click.UsageError(problem)
    db_path, _ = settings(ctx, db, analyst)
    try:
        flt = ExportFilter(
            analysts=by,
            layers=layer,
            labels=label,
            documents=document,
            since=since.date() if since else None,
            until=until.date() if until else None,
            date_field=dated,
        )
        with (
            Store.open(db_path, create=False) as store,
            # Only on a terminal: scripts and logs get the summary line alone.
            terminal_progress("Exporting", "Exported", "document", "documents") as progress,
        ):
            result = export(
                store,
                output,
                fmt,
                filter=flt,
                bom=not no_bom,
                raw=raw,
                include_text=not no_text,
                lines=lines,
                progress=progress,
            )
    except AnnotatorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(result.summary())
