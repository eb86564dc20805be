"""Syndicated copies: `annotator copies [DOCUMENT]` lists them, `--apply` carries annotations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from annotator.cli.base import cli, open_store, project_options, settings
from annotator.cli.names import json_text, lines_shown, say, shown
from annotator.core.errors import AnnotatorError
from annotator.core.preferences import os_user_name

if TYPE_CHECKING:
    from annotator.core.copies import ApplyReport, CopyGroup
    from annotator.core.records import DocumentSummary


@cli.command("copies")
@click.argument("document", required=False)
@click.option(
    "--apply",
    "apply",
    is_flag=True,
    help="Put DOCUMENT's annotations (and their links) onto the other documents of its group, "
    "re-anchored as import-annotations --onto does; what a copy lacks is listed.",
)
@click.option(
    "--layer",
    multiple=True,
    metavar="NAME",
    help="With --apply: only this layer (repeatable): an analyst's name, or “reviewed”.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: for reading; json: every field.",
)
@project_options
@click.pass_context
def copies_command(
    ctx: click.Context,
    document: str | None,
    apply: bool,
    layer: tuple[str, ...],
    fmt: str,
    db: Path | None,
    analyst: str | None,
) -> None:
    """List syndicated copies: articles re-published by other outlets (a new header, a few
    words edited, paragraphs trimmed), found when they were imported.

    Each group shows its original (the first imported) and its copies with their similarity
    (the share of the shorter text's 5-word sequences found in the other). With DOCUMENT
    (id, id prefix or title), only its group. Exit status 0 if there are copies, 1 if none.

    With --apply, DOCUMENT's annotations are put onto every other document of its group;
    applying again adds nothing twice. Exit status 1 if some annotation or link could not be
    placed on some copy (each is listed by its quote).
    """
    from annotator.core.copies import apply_to_copies, copy_groups

    if layer and not apply:
        raise click.UsageError("--layer goes with --apply.")
    if apply and document is None:
        raise click.UsageError("--apply needs the DOCUMENT whose annotations to apply.")
    db_path, analyst_name = settings(ctx, db, analyst)
    try:
        if apply:
            assert document is not None
            with open_store(db_path) as store:
                source = store.documents.resolve(document)
                report = apply_to_copies(
                    store,
                    source.id,
                    analyst=analyst_name or os_user_name() or "analyst",
                    layers=layer or None,
                )
            _print_report(report, fmt)
            if not report.complete:
                sys.exit(1)
            return
        with open_store(db_path) as store:
            doc_id = store.documents.resolve(document).id if document is not None else None
            groups = copy_groups(store, doc_id)
    except AnnotatorError as exc:
        raise click.ClickException(lines_shown(exc)) from exc
    _print_groups(groups, fmt)
    if not groups:
        sys.exit(1)


def _document(doc: DocumentSummary) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "outlet": doc.outlet,
        "published": doc.published,
        "imported_at": doc.imported_at,
        "char_count": doc.char_count,
        "url": doc.url,
    }


def _print_groups(groups: list[CopyGroup], fmt: str) -> None:
    if fmt == "json":
        data = [
            {
                "original": _document(group.original),
                "copies": [
                    {
                        **_document(member.document),
                        "similarity": round(member.similarity, 3),
                        "found_at": member.found_at,
                    }
                    for member in group.copies
                ],
            }
            for group in groups
        ]
        click.echo(json_text(data))
        return
    if not groups:
        click.echo("No syndicated copies found.")
        return
    click.echo(f"{'ID':8}  {'DATE':10}  {'OUTLET':20}  {'SIMILAR':>8}  {'CHARS':>7}  TITLE")
    for group in groups:
        click.echo(_row(group.original, "original"))
        for member in group.copies:
            click.echo(_row(member.document, f"{member.similarity:.0%}", copy=True))
    copies = sum(len(group.copies) for group in groups)
    click.echo(f"{len(groups)} group(s), {copies} cop{'y' if copies == 1 else 'ies'}")


def _row(doc: DocumentSummary, similarity: str, *, copy: bool = False) -> str:
    outlet = shown(doc.outlet)
    outlet = outlet if len(outlet) <= 20 else outlet[:19] + "…"
    title = f"└ {shown(doc.title)}" if copy else shown(doc.title)
    return (
        f"{doc.id[:8]}  {doc.published or '':10}  {outlet:20}  {similarity:>8}  "
        f"{doc.char_count:>7}  {title}"
    )


def _print_report(report: ApplyReport, fmt: str) -> None:
    if fmt == "table":
        say(report.summary())
        return
    data = {
        "source": _document(report.source),
        "annotations": report.annotations,
        "complete": report.complete,
        "copies": [
            {
                "document": _document(applied.document),
                "added": applied.report.added,
                "updated": applied.report.updated,
                "unchanged": applied.report.unchanged,
                "links_added": applied.report.links_added,
                "links_unchanged": applied.report.links_unchanged,
                "reanchored": len(applied.report.reanchored),
                "orphans": [
                    {"quote": o.quote, "reason": o.reason, "annotation_id": o.annotation_id}
                    for o in applied.report.orphans
                ],
                "skipped_links": [
                    {"kind": s.kind, "claim": s.claim, "reason": s.reason}
                    for s in applied.report.skipped_links
                ],
            }
            for applied in report.copies
        ],
    }
    click.echo(json_text(data))
