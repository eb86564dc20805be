"""The `annotator` command: opens the window by default; the other commands need no display.

Each module registers its commands on the one group in `base`; importing them here is what
makes them part of `annotator`.
"""

from annotator.cli import (  # noqa: F401  (registers commands)
    agreement,
    analysis,
    copies,
    documents,
    done,
    exchange,
    export,
    fetching,
    hub,
    qdpx,
    recurrences,
    safety,
    search,
    sync,
)
from annotator.cli.base import cli


def main() -> None:
    cli(prog_name="annotator")


__all__ = ["cli", "main"]
