"""Importing from the web: `annotator fetch URL... [--from FILE]` (pages, PDFs, feeds)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.base import cli, open_store, project_options, settings
from annotator.cli.names import lines_shown, say, shown
from annotator.cli.progress import terminal_progress
from annotator.core.errors import AnnotatorError
from annotator.core.preferences import os_user_name


def read_address_list(path: Path) -> list[str]:
    """Addresses one per line ("-": standard input); blank lines and # comments ignored."""
    try:
        raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        raise click.ClickException(
            f"{shown(path)}: cannot be read ({exc.strerror or exc})"
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{shown(path)}: not UTF-8 text (a list of web addresses, one per line, is expected)"
        ) from exc
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@cli.command("fetch")
@click.argument("urls", nargs=-1, metavar="URL...")
@click.option(
    "--from",
    "from_file",
    metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Read addresses from FILE, one per line (blank lines and # comments ignored; - for "
    "standard input).",
)
@click.option("--full-page", is_flag=True, help="Import all visible text, not only the article.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and errors.")
@project_options
@click.pass_context
def fetch_command(
    ctx: click.Context,
    urls: tuple[str, ...],
    from_file: Path | None,
    full_page: bool,
    quiet: bool,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Fetch web pages, PDFs or feeds (every article a feed lists) into the project.

    Only the addresses given (and a feed's articles) are fetched: no images, scripts or other
    pages. Prints each document's import report, then what could not be imported, address by
    address. Exits with status 1 if any address failed; the others are imported all the same.
    """
    from annotator.core.fetching.sources import web_sources
    from annotator.core.importing import ReadOptions
    from annotator.core.ingest import import_sources

    addresses = list(urls) + (read_address_list(from_file) if from_file is not None else [])
    if not addresses:
        raise click.UsageError("Give at least one web address (or --from FILE).")
    db_path, analyst_name = settings(ctx, db, analyst)
    with open_store(db_path) as store:
        try:
            analyst_id = store.ensure_analyst(analyst_name or os_user_name() or "analyst").id
            with terminal_progress("Fetching", "Looked at", "address", "addresses") as looked:
                found, refused = web_sources(
                    addresses,
                    options=ReadOptions(full_page=full_page),
                    progress=lambda index, total, _name: looked(index, total),
                )
                looked(looked.total, looked.total)
            with terminal_progress("Importing", "Read", "page", "pages") as drawn:
                outcome = import_sources(
                    store,
                    found,
                    analyst_id=analyst_id,
                    progress=lambda index, total, _name: drawn(index, total),
                    refused=refused,
                )
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
