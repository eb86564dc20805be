"""Find a claim elsewhere in the corpus: `annotator recurrences CLAIM_ID_OR_TEXT`."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import click

from annotator.cli.base import cli, project_options, settings
from annotator.cli.names import json_text, lines_shown, shown
from annotator.core.errors import AnnotatorError, ValidationError
from annotator.core.store import Store


@cli.command("recurrences")
@click.argument("claim", nargs=-1, required=True)
@click.option(
    "--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True, help="At most."
)
@click.option(
    "--min-score",
    "-s",
    type=click.FloatRange(0.0, 1.0),
    default=0.6,
    show_default=True,
    help="Leave out passages scoring less (0 to 1; restatements score about 0.7 and more).",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: for reading; json: one array of {document_id, document_title, start, end, "
    "quote, score} (start/end in code points of the document's text).",
)
@project_options
@click.pass_context
def recurrences_command(
    ctx: click.Context,
    claim: tuple[str, ...],
    limit: int,
    min_score: float,
    fmt: str,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Passages of other documents that restate a claim, best first.

    CLAIM_ID_OR_TEXT is an annotation's id (its own document is left out) or the claim's text.
    Restatements are found reworded, reordered, re-spelled (colour/color, curly or straight
    quotes) and with a clause added or dropped; passages that merely share a few common words
    score low. Exit status 0 with results, 1 with none or on an error, 2 for a claim that
    cannot be looked for.
    """
    from annotator.core.recurrences import find_recurrences

    db_path, _ = settings(ctx, db, analyst)
    try:
        with Store.open(db_path, create=False) as store:
            hits = find_recurrences(store, " ".join(claim), limit=limit, min_score=min_score)
    except ValidationError as exc:
        raise click.UsageError(lines_shown(exc)) from exc
    except AnnotatorError as exc:
        raise click.ClickException(lines_shown(exc)) from exc
    if fmt == "json":
        click.echo(json_text([asdict(hit) for hit in hits]))
    else:
        for hit in hits:
            click.echo(f"{hit.score:.2f}  {hit.document_id[:8]}  {shown(hit.document_title)}")
            click.echo(f"      @{hit.start}-{hit.end}  {shown(' '.join(hit.quote.split()))}")
        click.echo(f"{len(hits)} passage(s)")
    if not hits:
        sys.exit(1)
