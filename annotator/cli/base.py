"""The `annotator` command group and the options every command shares (--db, --analyst)."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from click_default_group import DefaultGroup

from annotator import __version__
from annotator.cli.names import lines_shown, shown
from annotator.core.errors import AnnotatorError, DamagedProject, is_damage
from annotator.core.paths import ENV_VAR, resolve_db_path
from annotator.core.preferences import remembered_analyst
from annotator.core.store import Store
from annotator.core.store.connection import waiting_for_writers

F = TypeVar("F", bound=Callable[..., Any])


def project_options(func: F) -> F:
    """--db and --analyst, accepted before or after the command name."""
    func = click.option(
        "--analyst",
        metavar="NAME",
        help="Who is working (default: $ANNOTATOR_ANALYST, else the name given on first start).",
    )(func)
    func = click.option(
        "--db",
        "db",
        metavar="PATH",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"Project file to use (default: ${ENV_VAR}, else the file in your data folder).",
    )(func)
    return func


#: Commands that need no quick check first: the window checks in the background, `check`
#: reports the damage itself, `restore` replaces a damaged file, `backups` lists what to restore.
_UNCHECKED = frozenset({"open", "check", "restore", "backups"})
#: Commands that make a new project when there is none: the window and the imports. The others
#: refuse a missing one (a typing error in --db must not leave an empty project behind);
#: `restore` and `backups` are how a lost project comes back.
_CREATING = frozenset({"open", "import", "fetch", "import-annotations", "import-qdpx", "sync"})
_MAY_BE_MISSING = _CREATING | {"restore", "backups"}
#: Larger projects are said to be checked (on a terminal) when they must be: it takes seconds.
_SAY_CHECKING_FROM = 256 * 1024 * 1024


def settings(ctx: click.Context, db: Path | None, analyst: str | None) -> tuple[Path, str | None]:
    """The project and the analyst for this command. A missing project is refused unless
    the command makes one; the project is quick-checked first (a damaged one is refused with
    how to restore it) unless it passed since it last changed, and for the rest of the
    command its writes wait for another program's, saying so on stderr, instead of failing."""
    parent = ctx.find_root().params
    db_path = resolve_db_path(db or parent.get("db"))
    ctx.meta[_PROJECT] = db_path  # named in the message if the project turns out damaged
    name = analyst or parent.get("analyst") or os.environ.get("ANNOTATOR_ANALYST")
    if ctx.info_name not in _MAY_BE_MISSING:
        refuse_missing(db_path)
    if ctx.info_name != "open":  # a window must never wait without end: it would freeze
        ctx.with_resource(waiting_for_writers(_tell_waiting))
    if ctx.info_name not in _UNCHECKED:
        from annotator.core.safety.check import refuse_if_damaged

        try:
            ctx.meta[_SOUND] = refuse_if_damaged(
                db_path, before_checking=lambda: _tell_checking(db_path)
            )
        except AnnotatorError as exc:
            raise click.ClickException(lines_shown(exc)) from exc
    return db_path, name or remembered_analyst()


def refuse_missing(db_path: Path) -> None:
    """A clear refusal when there is no project at `db_path` (nothing there, or an empty
    file); a folder or another program's file is left to opening, which says what it is."""
    try:
        empty = db_path.stat().st_size == 0 and db_path.is_file()
    except FileNotFoundError:
        empty = None
    except OSError:
        return  # opening it says what is wrong
    if empty is False:
        return
    what = "the file is empty" if empty else "no such file"
    raise click.ClickException(
        f"There is no project at {shown(db_path)} ({what}). Check the path given with --db "
        f"(or ${ENV_VAR}); `annotator import FILES --db PATH` or the window makes a new project."
    )


def _tell_checking(path: Path) -> None:
    try:
        large = path.stat().st_size >= _SAY_CHECKING_FROM
    except OSError:
        return
    if large and _on_terminal():
        click.echo(
            f"Checking {shown(path)} for damage (it changed since its last check)…", err=True
        )


def _on_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def _tell_waiting(path: Path) -> None:
    click.echo(
        f"Waiting for another program writing to {path} (a window, another command); "
        "this command goes on once it has finished. Ctrl+C stops it, changing nothing.",
        err=True,
    )


@contextmanager
def open_store(db_path: Path) -> Iterator[Store]:
    """The project for one command, closed at its end. A command that wrote to it (an import,
    a merge) leaves its search and recurrence indexes up to date, so the next search is instant."""
    created = no_project_file(db_path)
    from annotator.core.safety import backup_dir_for

    # Backups of a project lost before are never touched, whatever happens to a new one.
    had_backups = backup_dir_for(db_path).exists()
    try:
        store = Store.open(db_path)
    except AnnotatorError as exc:
        raise click.ClickException(lines_shown(exc)) from exc
    if created:
        click.echo(f"Created a new project at {shown(db_path)}", err=True)
        _mark_sound()  # made here: nothing else has written to it
    store.before_first_write = lambda: _daily_backup(store)
    wrote = False
    empty = False
    try:
        yield store
        if store.conn.total_changes:
            from annotator.core.recurrences import update_index
            from annotator.core.search import sync_index

            sync_index(store)
            update_index(store)  # documents a merge or restore brought in
    finally:
        wrote = store.conn.total_changes > 0
        if created and _keeps_nothing(store):
            empty = True
        store.close()
        if empty:
            _remove_new_project(db_path, backups=not had_backups)
    if wrote and not empty:
        keep_checked(db_path)


def _keeps_nothing(store: Store) -> bool:
    """A project this command made holds nothing of the user's (an import refused whole, a
    first sync that never reached the hub): it is not left behind. One that synced keeps its
    hub's address, so it stays, empty or not."""
    try:
        if store.conn.execute("SELECT 1 FROM hub_sync LIMIT 1").fetchone() is not None:
            return False
        return not store.documents.list()
    except Exception:  # noqa: BLE001 (unreadable: leave the file for the user to look at)
        return False


def _remove_new_project(db_path: Path, *, backups: bool) -> None:
    """Remove the project this command made (and, with `backups`, the backup folder it made)."""
    import shutil

    from annotator.core.safety import backup_dir_for

    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    if backups:
        shutil.rmtree(backup_dir_for(db_path), ignore_errors=True)
    click.echo(f"Nothing was kept, so the new project {shown(db_path)} was removed.", err=True)


def no_project_file(db_path: Path) -> bool:
    """Whether opening `db_path` would make a new project (nothing there, or an empty file)."""
    try:
        return db_path.stat().st_size == 0
    except OSError:
        return True


def _mark_sound() -> None:
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[_SOUND] = True


def keep_checked(db_path: Path) -> None:
    """After this command wrote to a project found sound at its start, the project is still
    known sound: the next command need not check it again. Call it once the project is
    closed (closing may move its write-ahead log into the file)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(_SOUND):
        from annotator.core.safety import verified

        verified.remember(verified.identity(db_path))


def _daily_backup(store: Store) -> None:
    """The day's backup, as the window makes it (once per day, rotated), of the project as it
    was before this command's first change. A failure is said, and the command goes on."""
    from annotator.core.safety import daily_backup

    try:
        daily_backup(store)  # silent when made: `annotator backups` lists it
    except AnnotatorError as exc:
        click.echo(f"Today's automatic backup failed: {shown(exc)}", err=True)


_PROJECT = "annotator.project"
_SOUND = "annotator.project-sound"


class AnnotatorGroup(DefaultGroup):
    """Every command's failures as messages: a project found damaged while a command reads it
    is named, with what `check` says and how to restore, instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                unread = f"The project could not be read ({shown(exc)})."
                raise click.ClickException(unread) from exc
            where = ctx.meta.get(_PROJECT, "The project")
            if where != "The project":
                from annotator.core.safety import verified

                verified.forget(where)  # checked again before every command until restored
            damaged = DamagedProject.found_while_reading(where, exc)
            raise click.ClickException(lines_shown(damaged)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug: one plain line here, the details in a file
            raise click.ClickException(_unexpected(exc)) from exc


def _unexpected(exc: Exception) -> str:
    """The message for an error Annotator did not expect; the traceback is kept in a file."""
    import tempfile
    import traceback

    what = lines_shown(f"{type(exc).__name__}: {exc}")
    try:
        fd, name = tempfile.mkstemp(prefix="annotator-error-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            traceback.print_exception(exc, file=out)
    except OSError:
        return f"Annotator hit a problem it did not expect ({what}). Please report it."
    return (
        f"Annotator hit a problem it did not expect ({what}). Every change saved before it "
        f"is kept. Please report it with the details written to {name}."
    )


@click.group(cls=AnnotatorGroup, default="open", invoke_without_command=True)
@click.version_option(__version__, "--version", "-V", prog_name="annotator")
@project_options
@click.pass_context
def cli(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """Annotator: tag claims, speakers, targets and sentiment in news articles.

    Run without a command (or with files) to open the window. Every change is saved at once
    in the project file; there is no Save.
    """
    if ctx.invoked_subcommand is None:  # `annotator --db X` with no files: just the window
        ctx.invoke(cli.commands["open"])
