"""Annotations in and out: import-annotations and the printable report."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from annotator.cli.base import cli, open_store, project_options, settings
from annotator.cli.names import lines_shown, say, shown
from annotator.core.errors import AnnotatorError
from annotator.core.preferences import os_user_name


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
    from annotator.core.interchange import import_annotation_file

    db_path, analyst_name = settings(ctx, db, analyst)
    with open_store(db_path) as store:
        try:
            target = store.documents.resolve(onto).id if onto else None
            # Read as it is applied: memory stays small for any length, and a file found
            # broken part-way is refused as a whole (one transaction).
            report = import_annotation_file(
                store,
                file,
                analyst_fallback=analyst_name or os_user_name() or "analyst",
                onto=target,
            )
        except AnnotatorError as exc:
            raise click.ClickException(lines_shown(exc)) from exc
    say(report.summary())
    if not report.complete:
        sys.exit(1)


@cli.command("report")
@click.argument("document", required=False)
@click.option(
    "--corpus",
    is_flag=True,
    help="The corpus report instead of one document's: the Analysis view's charts and "
    "tables (speakers by sentiment, per month, speaker × target, outlets, analysts).",
)
@click.option("--query", default="", help="With --corpus: count what this annotation search finds.")
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
    corpus: bool,
    query: str,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Printable report of one DOCUMENT (id, id prefix or title): the article with its
    highlights, a legend and the list of annotations, as PDF or HTML.

    --by and --layer limit it to some layers, named as for `annotator export`: --layer
    reviewed shows the result of reviews, --by Ana what Ana tagged.
    """
    if corpus or document is None:
        from annotator.cli.analysis import corpus_report

        return corpus_report(ctx, document, output, by + layer, query, db, analyst)
    from annotator.core.report import report_content, report_layers, write_html_report

    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise click.ClickException(f"{shown(output)}: name the report .pdf or .html.")
    db_path, _ = settings(ctx, db, analyst)
    with open_store(db_path) as store:
        try:
            doc = store.documents.get(store.documents.resolve(document).id)
            layers = report_layers(store, by, layer)
            if suffix == ".pdf":
                # Qt draws the PDF; it needs no display.
                os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
                from PySide6.QtWidgets import QApplication

                from annotator.gui.dialogs.report_pdf import write_pdf_report

                # A full QApplication (not QGuiApplication), so one process can go on to
                # open windows as well.
                _app = QApplication.instance() or QApplication(["annotator"])
                write_pdf_report(report_content(store, doc, layers=layers), output)
            else:
                write_html_report(store, doc, output, layers=layers)
        except AnnotatorError as exc:
            raise click.ClickException(lines_shown(exc)) from exc
    click.echo(f"Wrote the report of “{shown(doc.title)}” to {shown(output)}")
