"""Backups, restore, check and merge."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.cli.base import (
    cli,
    no_project_file,
    open_store,
    project_options,
    refuse_missing,
    settings,
)
from annotator.cli.names import lines_shown, say, shown
from annotator.core.errors import AnnotatorError
from annotator.core.preferences import os_user_name


@cli.command("backup")
@project_options
@click.pass_context
def backup_command(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """Back up the project now (checked copy in the backups folder next to it)."""
    from annotator.core.safety import make_backup

    db_path, _ = settings(ctx, db, analyst)
    with open_store(db_path) as store:
        try:
            made = make_backup(store, reason="manual")
        except AnnotatorError as exc:
            raise click.ClickException(lines_shown(exc)) from exc
    click.echo(f"Backed up {shown(db_path)} to:")
    click.echo(shown(made))


@cli.command("backups")
@project_options
@click.pass_context
def backups_command(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """List the project's backups, newest first, each checked."""
    from annotator.core.safety import backup_dir_for, list_backups

    db_path, _ = settings(ctx, db, analyst)
    infos = list_backups(db_path)
    folder = backup_dir_for(db_path)
    if not infos:
        if no_project_file(db_path):
            refuse_missing(db_path)  # nothing to list, nothing to restore: a typing error?
        click.echo(f"No backups of {shown(db_path)} yet (they are kept in {shown(folder)}).")
        return
    click.echo(f"{len(infos)} backup(s) of {shown(db_path)} in {shown(folder)}:")
    for info in infos:
        state = "ok" if info.ok else f"DAMAGED: {info.problem}"
        made = info.made_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo(f"  {made}  {shown(info.reason):<15} {info.size:>12,} bytes  {shown(state)}")
        click.echo(f"      {shown(info.path)}")


@cli.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@project_options
@click.pass_context
def restore_command(
    ctx: click.Context, backup: Path, yes: bool, db: Path | None, analyst: str | None
) -> None:
    """Replace the project by BACKUP, keeping a copy of the current project first.

    Close Annotator's window on this project before restoring.
    """
    from annotator.core.safety import restore_backup

    # Not opened with Store.open: the project may be damaged; it is copied, not read.
    db_path, _ = settings(ctx, db, analyst)
    if not yes:
        click.confirm(
            f"Replace {shown(db_path)} by {shown(backup)}? (the current project is kept in its "
            "backups folder)",
            abort=True,
        )
    try:
        saved = restore_backup(db_path, backup)
    except AnnotatorError as exc:
        raise click.ClickException(lines_shown(exc)) from exc
    click.echo(f"Restored {shown(db_path)} from {shown(backup)}.")
    if saved is not None:
        click.echo(f"The previous version was saved as {shown(saved)}")
    else:
        click.echo("There was no previous project file to keep.")


@cli.command("check")
@project_options
@click.pass_context
def check_command(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """Check the project's integrity and consistency; exits with 1 if problems are found.

    Changes nothing.
    """
    from annotator.core.safety import check_project, verified
    from annotator.core.safety.check import check_file

    db_path, _ = settings(ctx, db, analyst)
    # Read-only, on its own connection: a damaged project's damage is the check's finding,
    # and a long write elsewhere is not waited for.
    before = verified.identity(db_path)
    report = check_file(db_path)
    if report is None:  # not a project, or one to upgrade first: opening says which
        with open_store(db_path) as store:
            report = check_project(store)
    elif report.ok and verified.identity(db_path) == before:
        verified.remember(before)  # the next command need not quick-check it again
    else:
        verified.forget(db_path)
    for problem in report.problems:
        say(problem)
    say(report.summary())
    if not report.ok:
        click.echo(
            "To go back to the newest good backup: `annotator backups`, then "
            "`annotator restore BACKUP` (the current file is kept beside the backups)."
        )
        sys.exit(1)


@cli.command("merge")
@click.argument("other", type=click.Path(path_type=Path))
@project_options
@click.pass_context
def merge_command(ctx: click.Context, other: Path, db: Path | None, analyst: str | None) -> None:
    """Merge a colleague's project file OTHER into this project.

    Their file is only read (nothing in it runs). Documents are matched by text; annotations by
    id, the later edit winning (the other stays in the history); where their copy of a text
    differs, annotations are re-anchored, and what cannot be placed is listed (exit status 1).
    Their file never changes your own annotations nor who an annotation belongs to, and dates
    in the future are refused: such records are listed, not applied. Damaged records are
    skipped and listed; the rest merges. This project is backed up first; merging the same
    file twice adds nothing.
    """
    from annotator.core.merge import merge_project

    db_path, analyst_name = settings(ctx, db, analyst)
    with open_store(db_path) as store:
        try:
            report = merge_project(
                store, other, analyst=analyst_name or os_user_name() or "analyst"
            )
        except AnnotatorError as exc:
            raise click.ClickException(lines_shown(exc)) from exc
    say(report.summary())
    if not report.complete:
        sys.exit(1)
