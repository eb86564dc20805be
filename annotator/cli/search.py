"""Searching the corpus or the annotations: `annotator search QUERY`."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from annotator.cli.base import cli, project_options, settings
from annotator.cli.names import json_text, lines_shown, shown
from annotator.core.errors import AnnotatorError, ValidationError
from annotator.core.store import Store

if TYPE_CHECKING:
    from annotator.core.search import AnnotationHit, DocumentHit


def _marked(text: str, ranges: tuple[tuple[int, int], ...]) -> str:
    """`text` with its highlight ranges in bold (click drops the styling when not a terminal)."""
    out, at = [], 0
    for start, end in ranges:
        out.append(shown(text[at:start]))
        out.append(click.style(shown(text[start:end]), bold=True, underline=True))
        at = end
    out.append(shown(text[at:]))
    return "".join(out)


@cli.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--annotations",
    "-a",
    is_flag=True,
    help="Search annotations (quotes, notes, speaker names; label:, analyst:, sentiment:, "
    "speaker:, target:, doc:, quote:, note:) instead of the documents' text.",
)
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(min=1),
    default=None,
    help="At most this many results (default 50 documents, 200 annotations).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: for reading; json: one array with every field and the highlight ranges "
    "(code points).",
)
@project_options
@click.pass_context
def search_command(
    ctx: click.Context,
    query: tuple[str, ...],
    annotations: bool,
    limit: int | None,
    fmt: str,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Find documents (ranked, with a snippet) or annotations matching QUERY.

    Words must all occur; "a phrase" in quotes (quote it for the shell too: '"Wei Fenghe"');
    secur* for words starting with secur; OR, NOT (or -word) and ( ) in capitals. Accents
    and case do not matter. Chinese, Japanese, Korean and Thai are found anywhere in the text.
    For annotations, e.g.: label:Claim sentiment:negative speaker:"Wei Fenghe".
    Exit status 0 with results, 1 with none or on an error, 2 for a query that cannot be read.
    """
    from annotator.core.search import search_annotations, search_documents

    text = " ".join(query)
    db_path, _ = settings(ctx, db, analyst)
    documents: list[DocumentHit] = []
    notes: list[AnnotationHit] = []
    try:
        with Store.open(db_path, create=False) as store:
            if annotations:
                notes = search_annotations(store, text, limit or 200)
            else:
                documents = search_documents(store, text, limit or 50)
    except ValidationError as exc:
        raise click.UsageError(lines_shown(exc)) from exc
    except AnnotatorError as exc:
        raise click.ClickException(lines_shown(exc)) from exc
    found: list[DocumentHit] | list[AnnotationHit] = notes if annotations else documents
    if fmt == "json":
        click.echo(json_text([asdict(hit) for hit in found]))
    elif annotations:
        _annotation_table(notes)
    else:
        _document_table(documents)
    if not found:
        sys.exit(1)


def _document_table(hits: list[DocumentHit]) -> None:
    for hit in hits:
        where = f"  @{hit.start}" if hit.start is not None else ""
        click.echo(
            f"{hit.document_id[:8]}  {hit.published or '':10}  "
            f"{_marked(hit.title, hit.title_highlights)}{where}"
        )
        click.echo(f"    {_marked(hit.snippet, hit.highlights)}")
    click.echo(f"{len(hits)} document(s)")


def _annotation_table(hits: list[AnnotationHit]) -> None:
    for hit in hits:
        details = [hit.label, hit.sentiment or "", hit.analyst]
        if hit.speaker and hit.role != "speaker":
            details.append(f"said by {hit.speaker}")
        if hit.target:
            details.append(f"about {hit.target}")
        click.echo(
            f"{hit.annotation_id[:8]}  {shown(' · '.join(d for d in details if d))}  "
            f"— {shown(hit.document_title)} @{hit.start}"
        )
        click.echo(f"    {shown(' '.join(hit.quote.split()))}")
        if hit.note:
            click.echo(f"    note: {shown(' '.join(hit.note.split()))}")
    click.echo(f"{len(hits)} annotation(s)")
