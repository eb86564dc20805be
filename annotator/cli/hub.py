"""`annotator hub …`: the admin's commands for a team hub (a PostgreSQL database).

Passwords never appear on a command line: the admin's own comes from PGPASSWORD, the libpq
password file or a prompt; a login's new password is read from standard input (one line).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from annotator.cli.base import cli
from annotator.cli.names import lines_shown, shown
from annotator.core.hub import HubError, connect, grant, init_hub, revoke, without_password

if TYPE_CHECKING:
    import psycopg


@cli.group("hub")
def hub_group() -> None:
    """Set up a team hub and its logins (needs annotator[team] and a PostgreSQL server).

    URL is a libpq address such as postgresql://admin@db.example.org/annotator?sslmode=require
    (without a password: PGPASSWORD, ~/.pgpass or a prompt supply it)."""


@hub_group.command("init")
@click.argument("url")
def init_command(url: str) -> None:
    """Create the hub schema in the database at URL, or bring it up to date."""
    with _hub(url) as conn:
        try:
            upgrade = init_hub(conn)
        except HubError as exc:
            raise click.ClickException(lines_shown(exc)) from None
    where = shown(without_password(url))
    if upgrade.before == upgrade.after:
        click.echo(f"The hub at {where} is up to date (schema version {upgrade.after}).")
    elif upgrade.before == 0:
        click.echo(f"Created the hub at {where} (schema version {upgrade.after}).")
        click.echo("Next: `annotator hub grant NAME --hub URL` for each analyst.")
    else:
        click.echo(
            f"Upgraded the hub at {where} from schema version {upgrade.before} to {upgrade.after}."
        )


@hub_group.command("grant")
@click.argument("name")
@click.option("--reviewer", is_flag=True, help="May write the reviewed layer and the codebook.")
@click.option("--hub", "url", required=True, metavar="URL", help="The hub's address.")
def grant_command(name: str, reviewer: bool, url: str) -> None:
    """Create or update the login NAME; its new password is read from standard input (one line).

    Without --reviewer a reviewer becomes an analyst again."""
    with _hub(url) as conn:
        password = _new_password(name)
        try:
            done = grant(conn, name, password, reviewer)
        except HubError as exc:
            raise click.ClickException(lines_shown(exc)) from None
    what = "reviewer" if done.reviewer else "analyst"
    verb = "Created" if done.created else "Updated"
    click.echo(f"{verb} the login {shown(name)} ({what}) on {shown(without_password(url))}.")


@hub_group.command("revoke")
@click.argument("name")
@click.option("--hub", "url", required=True, metavar="URL", help="The hub's address.")
def revoke_command(name: str, url: str) -> None:
    """Take the login NAME away (its sessions end; its work stays on the hub)."""
    with _hub(url) as conn:
        try:
            revoke(conn, name)
        except HubError as exc:
            raise click.ClickException(lines_shown(exc)) from None
    click.echo(
        f"{shown(name)} can no longer log in to {shown(without_password(url))}; "
        "their work stays on the hub."
    )


def _hub(url: str) -> psycopg.Connection:
    prompt: Callable[[], str] | None = None
    if sys.stdin.isatty():

        def prompt() -> str:
            return str(click.prompt(f"Password for {without_password(url)}", hide_input=True))

    try:
        return connect(url, password_prompt=prompt)
    except HubError as exc:
        raise click.ClickException(lines_shown(exc)) from None


def _new_password(name: str) -> str:
    if sys.stdin.isatty():
        return str(
            click.prompt(
                f"New password for {shown(name)}", hide_input=True, confirmation_prompt=True
            )
        )
    line = sys.stdin.readline()
    if not line:
        raise click.ClickException(
            f"No password for {shown(name)} on standard input: pipe it in as one line, e.g. "
            f"`annotator hub grant {shown(name)} --hub URL < password-file`. Nothing was changed."
        )
    return line.rstrip("\r\n")
