"""The `annotator` command: opens the window by default; import, list and export need none."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from click_default_group import DefaultGroup

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.paths import ENV_VAR, resolve_db_path
from annotator.core.preferences import os_user_name, remembered_analyst
from annotator.core.store import Store
from annotator.gui.platform_check import display_problem

F = TypeVar("F", bound=Callable[..., Any])


def _project_options(func: F) -> F:
    """--db and --analyst, accepted before or after the command name."""
    func = click.option(
        "--analyst",
        metavar="NAME",
        help="Who is working (default: $ANNOTATOR_ANALYST, else the name given on first start).",
    )(func)
    func = click.option(
        "--db",
        "db",
        metavar="PATH",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"Project file to use (default: ${ENV_VAR}, else the file in your data folder).",
    )(func)
    return func


def _settings(ctx: click.Context, db: Path | None, analyst: str | None) -> tuple[Path, str | None]:
    parent = ctx.find_root().params
    db_path = resolve_db_path(db or parent.get("db"))
    name = analyst or parent.get("analyst") or os.environ.get("ANNOTATOR_ANALYST")
    return db_path, name or remembered_analyst()


def _open_store(db_path: Path) -> Store:
    try:
        return Store.open(db_path)
    except AnnotatorError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(cls=DefaultGroup, default="open", invoke_without_command=True)
@click.version_option(__version__, "--version", "-V", prog_name="annotator")
@_project_options
@click.pass_context
def cli(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """Annotator: tag claims, speakers, targets and sentiment in news articles.

    Run without a command (or with files) to open the window. Every change is saved at once
    in the project file; there is no Save.
    """
    if ctx.invoked_subcommand is None:  # `annotator --db X` with no files: just the window
        ctx.invoke(open_window)


@cli.command("open")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--encoding", metavar="CODEC", help="Decode the FILES with this encoding.")
@_project_options
@click.pass_context
def open_window(
    ctx: click.Context,
    files: tuple[Path, ...],
    encoding: str | None,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Open the window, importing FILES (articles or folders) first."""
    db_path, analyst_name = _settings(ctx, db, analyst)
    problem = display_problem()
    if problem:
        raise click.ClickException(problem)
    from annotator.gui.app import run  # Qt is imported only when a window is wanted

    sys.exit(run(db_path=db_path, analyst=analyst_name, files=list(files), encoding=encoding))


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--encoding", metavar="CODEC", help="Decode with this encoding instead of detecting it."
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and errors.")
@_project_options
@click.pass_context
def import_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    encoding: str | None,
    quiet: bool,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Import articles (.txt .md .html .htm .docx) or whole folders into the project.

    Prints each file's import report (encoding, repairs, warnings). Exits with status 1 if any
    file could not be imported; the others are imported all the same.
    """
    from annotator.core.ingest import import_paths

    db_path, analyst_name = _settings(ctx, db, analyst)
    with _open_store(db_path) as store:
        try:
            analyst_id = store.ensure_analyst(analyst_name or os_user_name() or "analyst").id
            with click.progressbar(
                length=1, label="Importing", file=sys.stderr, show_pos=True
            ) as bar:

                def progress(index: int, total: int, path: Path) -> bool:
                    bar.length = max(total, 1)
                    bar.update(index - bar.pos)
                    return True

                outcome = import_paths(
                    store, files, analyst_id=analyst_id, encoding=encoding, progress=progress
                )
        except AnnotatorError as exc:
            raise click.ClickException(str(exc)) from exc
    if not quiet:
        for _summary, report in outcome.added:
            click.echo(report.summary())
            click.echo()
    click.echo(outcome.summary())
    click.echo(f"Project: {db_path}")
    if outcome.refused or outcome.stopped:
        sys.exit(1)


@cli.command("list")
@_project_options
@click.pass_context
def list_command(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """List the project's documents with their annotation counts."""
    db_path, _ = _settings(ctx, db, analyst)
    with _open_store(db_path) as store:
        documents = store.documents.list()
    if not documents:
        click.echo(f"No documents yet in {db_path}. Add some with: annotator import FILES")
        return
    click.echo(f"{'ID':8}  {'DATE':10}  {'ANNOT.':>6}  {'CHARS':>8}  TITLE")
    for doc in documents:
        click.echo(
            f"{doc.id[:8]}  {doc.published or '':10}  {doc.annotation_count:>6}  "
            f"{doc.char_count:>8}  {doc.title}"
        )
    click.echo(f"{len(documents)} document(s) in {db_path}")


@cli.command("import-annotations")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--onto",
    metavar="DOCUMENT",
    help="Put a one-document file's annotations onto this document (id, id prefix or title).",
)
@_project_options
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

    db_path, analyst_name = _settings(ctx, db, analyst)
    with _open_store(db_path) as store:
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
@_project_options
@click.pass_context
def report_command(
    ctx: click.Context, document: str, output: Path, db: Path | None, analyst: str | None
) -> None:
    """Printable report of one DOCUMENT (id, id prefix or title): the article with its
    highlights, a legend and the list of annotations, as PDF or HTML."""
    from annotator.core.report import report_content, write_html_report

    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise click.ClickException(f"{output}: name the report .pdf or .html.")
    db_path, _ = _settings(ctx, db, analyst)
    with _open_store(db_path) as store:
        try:
            doc = store.documents.get(store.documents.resolve(document).id)
            if suffix == ".pdf":
                # Qt draws the PDF; it needs no display.
                os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
                from PySide6.QtWidgets import QApplication

                from annotator.gui.report_pdf import write_pdf_report

                # A full QApplication (not QGuiApplication), so one process can go on to
                # open windows as well.
                _app = QApplication.instance() or QApplication(["annotator"])
                write_pdf_report(report_content(store, doc), output)
            else:
                write_html_report(store, doc, output)
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
@_project_options
@click.pass_context
def export_command(
    ctx: click.Context,
    fmt: str,
    output: Path,
    by: tuple[str, ...],
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
    Ana or Olga changed since 1 March 2024.
    """
    from annotator.core.export import ExportFilter, export

    problem = _export_option_problem(fmt, no_bom, raw, no_text, lines)
    if problem:
        raise click.UsageError(problem)
    db_path, _ = _settings(ctx, db, analyst)
    try:
        flt = ExportFilter(
            analysts=by,
            labels=label,
            documents=document,
            since=since.date() if since else None,
            until=until.date() if until else None,
            date_field=dated,
        )
        with (
            Store.open(db_path, create=False) as store,
            click.progressbar(length=1, label="Exporting", file=sys.stderr, show_pos=True) as bar,
        ):

            def progress(done: int, total: int) -> bool:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)
                return True

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


@cli.command("backup")
@_project_options
@click.pass_context
def backup_command(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """Back up the project now (checked copy in the backups folder next to it)."""
    from annotator.core.safety import make_backup

    db_path, _ = _settings(ctx, db, analyst)
    if not db_path.is_file():
        raise click.ClickException(f"There is no project at {db_path}.")
    with _open_store(db_path) as store:
        try:
            made = make_backup(store, reason="manual")
        except AnnotatorError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up {db_path} to:")
    click.echo(str(made))


@cli.command("backups")
@_project_options
@click.pass_context
def backups_command(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """List the project's backups, newest first, each checked."""
    from annotator.core.safety import backup_dir_for, list_backups

    db_path, _ = _settings(ctx, db, analyst)
    infos = list_backups(db_path)
    folder = backup_dir_for(db_path)
    if not infos:
        click.echo(f"No backups of {db_path} yet (they are kept in {folder}).")
        return
    click.echo(f"{len(infos)} backup(s) of {db_path} in {folder}:")
    for info in infos:
        state = "ok" if info.ok else f"DAMAGED: {info.problem}"
        made = info.made_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo(f"  {made}  {info.reason:<15} {info.size:>12,} bytes  {state}")
        click.echo(f"      {info.path}")


@cli.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@_project_options
@click.pass_context
def restore_command(
    ctx: click.Context, backup: Path, yes: bool, db: Path | None, analyst: str | None
) -> None:
    """Replace the project by BACKUP, keeping a copy of the current project first.

    Close Annotator's window on this project before restoring.
    """
    from annotator.core.safety import restore_backup

    # Not opened with Store.open: the project may be damaged; it is copied, not read.
    db_path, _ = _settings(ctx, db, analyst)
    if not yes:
        click.confirm(
            f"Replace {db_path} by {backup}? (the current project is kept in its backups folder)",
            abort=True,
        )
    try:
        saved = restore_backup(db_path, backup)
    except AnnotatorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {db_path} from {backup}.")
    if saved is not None:
        click.echo(f"The previous version was saved as {saved}")
    else:
        click.echo("There was no previous project file to keep.")


@cli.command("check")
@_project_options
@click.pass_context
def check_command(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """Check the project's integrity and consistency; exits with 1 if problems are found.

    Changes nothing.
    """
    from annotator.core.safety import check_project

    db_path, _ = _settings(ctx, db, analyst)
    if not db_path.is_file():
        raise click.ClickException(f"There is no project at {db_path}.")
    with _open_store(db_path) as store:
        report = check_project(store)
    for problem in report.problems:
        click.echo(problem)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.command("merge")
@click.argument("other", type=click.Path(path_type=Path))
@_project_options
@click.pass_context
def merge_command(ctx: click.Context, other: Path, db: Path | None, analyst: str | None) -> None:
    """Merge a colleague's project file OTHER into this project.

    Their file is only read (nothing in it runs). Documents are matched by text; annotations by
    id, the later edit winning (the other stays in the history); where their copy of a text
    differs, annotations are re-anchored, and what cannot be placed is listed (exit status 1).
    This project is backed up first; merging the same file twice adds nothing.
    """
    from annotator.core.merge import merge_project

    db_path, analyst_name = _settings(ctx, db, analyst)
    with _open_store(db_path) as store:
        try:
            report = merge_project(
                store, other, analyst=analyst_name or os_user_name() or "analyst"
            )
        except AnnotatorError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(report.summary())
    if not report.complete:
        sys.exit(1)


def main() -> None:
    cli(prog_name="annotator")
