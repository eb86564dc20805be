"""`annotator sync [URL]`: send this project's own changes to the team hub, receive everyone's.

The URL (a libpq address, without password) is remembered in the project after the first
sync; the password comes from PGPASSWORD, ~/.pgpass or a prompt, and is never stored.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from annotator.cli.base import cli, open_store, project_options, refuse_missing, settings
from annotator.cli.names import lines_shown, say, shown
from annotator.core.errors import AnnotatorError
from annotator.core.hub.urls import without_password
from annotator.core.preferences import os_user_name

_WHAT = {
    "annotations": "annotation",
    "links": "link",
    "comments": "comment",
    "review_decisions": "review decision",
    "documents": "document",
    "labels": "label",
    "finished_documents": "finished mark",
    "talking_points": "talking point",
    "talking_point_claims": "claim in a talking point",
}


@cli.command("sync")
@click.argument("url", required=False)
@click.option("--status", "only_status", is_flag=True, help="Say where and when, send nothing.")
@project_options
@click.pass_context
def sync_command(
    ctx: click.Context,
    url: str | None,
    only_status: bool,
    db: Path | None,
    analyst: str | None,
) -> None:
    """Sync the project with the team hub at URL (remembered after the first sync).

    Sends this project's own new changes and receives everyone else's. A first sync of an
    empty project clones the hub. Edits made on both sides keep the version the hub received
    first; the other stays in both histories and is listed. A sync stopped at any moment
    (Ctrl+C, a lost connection) loses nothing: the next one completes it.
    """
    from annotator.core.hub.sync import status, sync

    db_path, name = settings(ctx, db, analyst)
    if url is None or only_status:
        refuse_missing(db_path)  # only a sync with an address makes a project (a clone)
    try:
        with open_store(db_path) as store:
            if only_status:
                now = status(store)
                if now.url is None:
                    say("This project has not synced with a hub yet.")
                    return
                when = now.synced_at or "never"
                say(f"Hub: {now.url}; last synced {when}; {now.to_send} changes to send.")
                if now.last_error:
                    say(f"The last sync stopped: {now.last_error}")
                return
            # Once synced, the login says who this is; a name given is checked against it.
            given = analyst or ctx.find_root().params.get("analyst")
            given = given or os.environ.get("ANNOTATOR_ANALYST")
            if given is None and status(store).url is None:
                given = name or os_user_name()
            report = sync(
                store,
                url,
                given,
                password_prompt=_prompt(url),
                progress=_progress(),
            )
    except AnnotatorError as exc:
        raise click.ClickException(lines_shown(exc)) from None
    if sys.stderr.isatty():
        click.echo("", err=True)
    say(
        f"Synced with {report.url} as {report.analyst}: sent {report.sent}, "
        f"received {report.received} changes."
    )
    if report.conflicts:
        say(
            f"{len(report.conflicts)} edits were also made on the hub; the hub's version is "
            "kept and this project's is in its history (action sync-conflict):"
        )
        for c in report.conflicts:
            say(f"  {_WHAT.get(c.table, c.table)} {c.id[:8]} “{c.what}” (hub: {c.hub_owner})")
    if report.waiting:
        say(f"{len(report.waiting)} changes wait to be sent:")
        for entity, ident, why in report.waiting[:20]:
            say(f"  {entity} {ident[:8]}: {why}")
    if report.held:
        say(f"{len(report.held)} names from the hub wait (kept as they are here meanwhile):")
        for held in report.held[:20]:
            say(f"  {held.why}")


def _prompt(url: str | None) -> Callable[[], str] | None:
    if not sys.stdin.isatty():
        return None

    def ask() -> str:
        where = "the hub" if url is None else shown(without_password(url))
        return str(click.prompt(f"Password for {where}", hide_input=True))

    return ask


def _progress() -> Callable[[str], bool]:
    on_terminal = sys.stderr.isatty()

    def report(text: str) -> bool:
        if on_terminal:
            click.echo(f"\r{text}…", nl=False, err=True)
        return True

    return report
