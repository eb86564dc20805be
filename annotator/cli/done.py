"""`annotator done DOCUMENT`: mark a document finished (read through) by the analyst."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from annotator.cli.base import cli, open_store, project_options, settings
from annotator.cli.names import lines_shown, say, shown
from annotator.core.errors import AnnotatorError
from annotator.core.preferences import os_user_name

if TYPE_CHECKING:
    from annotator.core.records import AnalystId, DocumentId
    from annotator.core.store import Store


@cli.command("done")
@click.argument("document", required=False)
@click.option(
    "--undo",
    "undo",
    is_flag=True,
    help="Take the analyst's finished mark off DOCUMENT again.",
)
@project_options
@click.pass_context
def done_command(
    ctx: click.Context,
    document: str | None,
    undo: bool,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Mark DOCUMENT (id, id prefix or title) as finished by the analyst: read through, with
    or without annotations. Agreement then counts a finished document without annotations as
    "read, nothing here" (every word outside any span) instead of leaving it out.

    Without DOCUMENT, list who finished which documents. The mark is kept per document and
    analyst with the time; setting and taking it off are recorded in the project's history,
    and the window's Undo takes back the analyst's latest change of it.
    """
    from annotator.core.session import Session
    from annotator.core.store.finished import find, finished_by

    if undo and document is None:
        raise click.UsageError("--undo needs the DOCUMENT to take the mark off.")
    db_path, analyst_name = settings(ctx, db, analyst)
    try:
        with open_store(db_path) as store:
            if document is None:
                _list(store, finished_by(store.conn))
                return
            summary = store.documents.resolve(document)
            name = analyst_name or os_user_name() or "analyst"
            existing = next((a for a in store.analysts() if a.name == name), None)
            current = None if existing is None else find(store.conn, summary.id, existing.id)
            title = shown(summary.title)
            if undo and current is None:
                say(f"“{title}” is not marked done by {shown(name)}: nothing changed.")
                return
            if not undo and current is not None:
                say(f"“{title}” was already marked done by {shown(name)} ({current.finished}).")
                return
            person = existing or store.ensure_analyst(name)
            Session(store, person).mark_finished(summary.id, done=not undo)
    except AnnotatorError as exc:
        raise click.ClickException(lines_shown(exc)) from exc
    if undo:
        say(f"“{title}” is no longer marked done by {shown(name)}.")
    else:
        say(f"Marked “{title}” as done by {shown(name)}.")


def _list(store: Store, marks: dict[DocumentId, dict[AnalystId, str]]) -> None:
    if not marks:
        say("No document is marked done yet.")
        return
    names = {a.id: a.name for a in store.layers()}
    summaries = store.documents.summaries(list(marks))
    for document_id in sorted(marks, key=lambda d: summaries[d].title.casefold()):
        people = ", ".join(
            f"{names.get(a, a)} ({when[:10]})" for a, when in marks[document_id].items()
        )
        say(f"{summaries[document_id].title}: {people}")
