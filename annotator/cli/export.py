"""The `export` command: annotations out to CSV, JSONL and W3C JSON."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from annotator.cli.base import cli, project_options, settings
from annotator.cli.names import lines_shown, say
from annotator.cli.progress import terminal_progress
from annotator.core.errors import AnnotatorError
from annotator.core.store import Store

if TYPE_CHECKING:
    from annotator.core.export.scope import ExportFilter, ExportResult, Progress


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


def _qdpx_export(
    store: Store,
    path: Path | str,
    format: str,
    *,
    filter: ExportFilter | None = None,
    progress: Progress | None = None,
    **_options: Any,
) -> ExportResult:
    """`core.export.export`'s call, written as a REFI-QDA project (the filter and the
    progress apply; the other formats' options are refused before)."""
    from annotator.core.qdpx import export_qdpx

    if filter is None:
        return export_qdpx(store, path, progress=progress)
    return export_qdpx(store, path, filter=filter, progress=progress)


@cli.command("export")
@click.option(
    "--format",
    "-f",
    "fmt",
    required=True,
    type=click.Choice(["csv", "claims", "jsonl", "w3c", "qdpx"]),
    help="csv: one row per annotation; claims: one row per claim with speaker, target and "
    "sentiment; jsonl: every field, links and documents, for re-import; w3c: W3C Web "
    "Annotations (JSON-LD); qdpx: a REFI-QDA project with the texts (NVivo, ATLAS.ti, "
    "MAXQDA, QualCoder).",
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
    help="Only this document: id (or its first 8+ characters) or exact title (repeatable; a "
    "title that several documents share is refused with their ids).",
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
    type=click.Choice(["modified", "created", "published"]),
    default="modified",
    show_default=True,
    help="Which date --since and --until test: an annotation's last change or creation, or "
    "its document's publication (undated documents are then left out).",
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

    if fmt == "qdpx":  # same filters and progress; the format's own writer
        export = _qdpx_export

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
        raise click.ClickException(lines_shown(exc)) from exc
    say(result.summary())
