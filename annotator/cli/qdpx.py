"""`import-qdpx`: a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder) into the project.

Exporting to .qdpx is `annotator export --format qdpx` (annotator/cli/export.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.base import cli, open_store, project_options, settings
from annotator.cli.names import lines_shown, say
from annotator.core.errors import AnnotatorError
from annotator.core.preferences import os_user_name


@cli.command("import-qdpx")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@project_options
@click.pass_context
def import_qdpx_command(
    ctx: click.Context, file: Path, db: Path | None, analyst: str | None
) -> None:
    """Import a REFI-QDA project exchange file (.qdpx) with its texts, codes and codings.

    Codes become labels (nested codes named by their path, "Parent / Child"), users become
    analysts, text selections become annotations at the same characters, with their notes and
    the links between claims, speakers and targets. Everything the file holds that Annotator
    cannot take (pictures, PDFs, audio, sets, graphs …) is listed. A damaged or hostile file
    is refused and nothing is stored; so is all of it if any part fails to store. Exit status
    1 when some selection, coding, note or link could not be imported.
    """
    from annotator.core.qdpx import import_qdpx

    db_path, analyst_name = settings(ctx, db, analyst)
    with open_store(db_path) as store:
        try:
            importer = store.ensure_analyst(analyst_name).id if analyst_name else None
            report = import_qdpx(
                store,
                file,
                analyst_id=importer,
                fallback_analyst=analyst_name or os_user_name() or "analyst",
            )
        except AnnotatorError as exc:
            raise click.ClickException(lines_shown(exc)) from exc
    say(report.summary())
    if not report.complete:
        sys.exit(1)
