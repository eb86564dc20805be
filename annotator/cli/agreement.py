"""`annotator agreement`: inter-annotator agreement as a table, CSV or JSON."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import cast

import click

from annotator.cli.base import cli, project_options, settings
from annotator.cli.names import json_shown, lines_shown, shown
from annotator.core.agreement import TOKENISATION
from annotator.core.agreement.formats import FORMATS
from annotator.core.errors import AnnotatorError
from annotator.core.store import Store


@cli.command("agreement", epilog=f"Tokens: {TOKENISATION}")
@click.option(
    "--by",
    "by",
    multiple=True,
    metavar="NAME",
    help="Compare this analyst (repeatable, two or more; the reviewed layer by its name). "
    "Default: everyone with annotations in the documents chosen.",
)
@click.option(
    "--document",
    multiple=True,
    metavar="ID_OR_TITLE",
    help="Only this document: id (or its first 8+ characters) or exact title (repeatable; a "
    "title that several documents share is refused with their ids).",
)
@click.option("--label", multiple=True, metavar="NAME", help="Only this label (repeatable).")
@click.option(
    "--since",
    metavar="DATE",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only documents published on or after this day (undated documents are left out).",
)
@click.option(
    "--until",
    metavar="DATE",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only documents published up to and including this day.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table: aligned text to read; csv: one row per pair and label (and per label for "
    "all analysts), names neutralised against spreadsheet formulas; json: everything.",
)
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (replaced only once complete) instead of the terminal.",
)
@project_options
@click.pass_context
def agreement_command(
    ctx: click.Context,
    by: tuple[str, ...],
    document: tuple[str, ...],
    label: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    fmt: str,
    output: Path | None,
    db: Path | None,
    analyst: str | None,
) -> None:
    """How far analysts agree: Cohen's kappa for each pair and Krippendorff's alpha for all of
    them on token-level labels, Fleiss' kappa (three or more analysts), Krippendorff's
    unitizing alpha (boundaries and labels together, in code points), span
    precision/recall/F1 (exact matching, and overlap as a maximum matching), and alpha on the
    sentiment of matched spans; overall and per label.

    A document counts for an analyst only if they annotated something in it or marked it done
    (`annotator done`): otherwise it is missing for them, not "nothing tagged". Fleiss' kappa
    and unitizing alpha for all analysts rest on the documents every one of them coded. In a
    pair, the first analyst is the reference of precision and recall.
    """
    from annotator.core.agreement import agreement_report
    from annotator.core.agreement.formats import Format, render, save
    from annotator.core.selection import Selection

    if len(set(by)) == 1:
        raise click.UsageError(
            "Agreement needs at least two analysts: give --by two or more times, or leave it "
            "out to compare everyone."
        )
    db_path, _ = settings(ctx, db, analyst)
    try:
        # The same selection, and the same refusals, as `annotator export`.
        selection = Selection(
            analysts=by,
            documents=document,
            labels=label,
            since=since.date() if since else None,
            until=until.date() if until else None,
            date_field="published",
        )
        with Store.open(db_path, create=False) as store:
            report = agreement_report(store, selection=selection)
        if not report.comparable:
            names = ", ".join(shown(a.name) for a in report.analysts)
            raise click.ClickException(
                f"Nothing to compare: no document has annotations by two or more of {names}."
            )
        form = cast(Format, fmt)  # one of the click.Choice values
        if output is None:
            click.echo(_for_terminal(render(report, form), form), nl=False)
            return
        save(report, output, form)
    except AnnotatorError as exc:
        raise click.ClickException(lines_shown(exc)) from exc
    click.echo(
        f"Wrote the agreement of {len(report.analysts)} analysts on "
        f"{report.group.documents} documents to {shown(output)}"
    )


def _for_terminal(text: str, form: str) -> str:
    """The table with its names through `shown`; JSON exact but safe; CSV as it is (data)."""
    if form == "table":
        return lines_shown(text.removesuffix("\n")) + "\n"
    return json_shown(text) if form == "json" else text
