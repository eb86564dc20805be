"""Opening the window, importing articles and listing documents."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.base import cli, no_project_file, open_store, project_options, settings
from annotator.cli.names import lines_shown, say, shown
from annotator.cli.progress import terminal_progress
from annotator.core.errors import AnnotatorError
from annotator.core.preferences import os_user_name
from annotator.gui.window.platform_check import display_problem


@cli.command("open")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--encoding", metavar="CODEC", help="Decode the FILES with this encoding.")
@project_options
@click.pass_context
def open_window(
    ctx: click.Context,
    files: tuple[Path, ...],
    encoding: str | None,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Open the window, importing FILES (articles or folders) first."""
    db_path, analyst_name = settings(ctx, db, analyst)
    problem = display_problem()
    if problem:
        raise click.ClickException(problem)
    from annotator.gui.app import run  # Qt is imported only when a window is wanted

    if no_project_file(db_path):
        click.echo(f"There is no project at {shown(db_path)} yet: the window makes one.", err=True)
    sys.exit(run(db_path=db_path, analyst=analyst_name, files=list(files), encoding=encoding))


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--encoding", metavar="CODEC", help="Decode with this encoding instead of detecting it."
)
@click.option(
    "--full-page",
    is_flag=True,
    help="Web pages: keep all visible text (menus, footers…), not only the article.",
)
@click.option(
    "--password",
    metavar="PASSWORD",
    help="PDFs: the password of encrypted files (asked for if the value is '-').",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and errors.")
@project_options
@click.pass_context
def import_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    encoding: str | None,
    full_page: bool,
    password: str | None,
    quiet: bool,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Import articles (.txt .md .html .htm .mhtml .docx .pdf) or whole folders.

    A saved feed (.xml .rss .atom) named here imports every article it links to, fetched
    from the web (feeds inside folders are skipped: a folder import never fetches).

    Web pages keep the article's main text (menus, banners and footers are left out and
    listed); PDFs their text layer, page by page. Prints each file's import report
    (encoding, repairs, what was left out, warnings). Exits with status 1 if any file could
    not be imported; the others are imported all the same.
    """
    from annotator.core.importing import ReadOptions
    from annotator.core.ingest import import_paths

    if password == "-":
        password = click.prompt("PDF password", hide_input=True, err=True)
    options = ReadOptions(encoding=encoding, full_page=full_page, password=password)

    db_path, analyst_name = settings(ctx, db, analyst)
    with open_store(db_path) as store:
        try:
            analyst_id = store.ensure_analyst(analyst_name or os_user_name() or "analyst").id
            with terminal_progress("Importing", "Read", "file", "files") as drawn:

                def progress(index: int, total: int, _name: str) -> bool:
                    return drawn(index, total)

                outcome = import_paths(
                    store, files, analyst_id=analyst_id, options=options, progress=progress
                )
                drawn(drawn.total, drawn.total)
        except AnnotatorError as exc:
            raise click.ClickException(lines_shown(exc)) from exc
    if not quiet:
        for _summary, report in outcome.added:
            say(report.summary())  # names in it are made safe by the core, and here
            click.echo()
    say(outcome.summary())
    click.echo(f"Project: {shown(db_path)}")
    if outcome.refused or outcome.stopped:
        sys.exit(1)


@cli.command("list")
@project_options
@click.pass_context
def list_command(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """List the project's documents with their annotation counts."""
    db_path, _ = settings(ctx, db, analyst)
    with open_store(db_path) as store:
        documents = store.documents.list()
    if not documents:
        click.echo(f"No documents yet in {shown(db_path)}. Add some with: annotator import FILES")
        return
    click.echo(f"{'ID':8}  {'DATE':10}  {'ANNOT.':>6}  {'CHARS':>8}  TITLE")
    for doc in documents:
        click.echo(
            f"{doc.id[:8]}  {doc.published or '':10}  {doc.annotation_count:>6}  "
            f"{doc.char_count:>8}  {shown(doc.title)}"
        )
    click.echo(f"{len(documents)} document(s) in {shown(db_path)}")
