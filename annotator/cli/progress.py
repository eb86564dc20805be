"""Progress of a long command, for a person watching a terminal, and for nobody else.

Shown only when the stream (stderr) is a terminal: scripts, pipes, logs and tests get only the
command's real messages. While it runs, one line is redrawn in place ("Exporting: document 3
of 10"); it ends with what was done ("Exported 10 documents.") or, when the command stops
early, how far it got, so the line never stays a bare word. A job of a single step shows
nothing: it is over before anyone could read it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

_CLEAR = "\r\x1b[K"  # back to the start of the line, erase it


class TerminalProgress:
    """A `(done, total) -> bool` callback (it never cancels) drawing on a terminal.

    `doing` and `done` are the verb while running and once finished ("Exporting",
    "Exported"); `noun` and `nouns` what is counted ("document", "documents").
    """

    def __init__(
        self,
        doing: str,
        done: str,
        noun: str,
        nouns: str,
        stream: TextIO | None = None,
    ) -> None:
        self.doing, self.finished_verb, self.noun, self.nouns = doing, done, noun, nouns
        self.stream = sys.stderr if stream is None else stream
        self.shown = _is_terminal(self.stream)
        self.done = 0
        self.total = 0
        self._drawn = False
        self._percent = -1

    def __call__(self, done: int, total: int) -> bool:
        self.done, self.total = done, total
        if not self.shown or total <= 1:
            return True
        percent = done * 100 // total
        if percent != self._percent or done == total:  # at most about 100 redraws
            self._percent = percent
            self._write(f"{_CLEAR}{self.doing}: {self.noun} {done:,} of {total:,}")
            self._drawn = True
        return True

    def finish(self, complete: bool = True) -> None:
        """End the line: what was done, or how far it got."""
        if not self._drawn:
            return
        count = self.nouns if self.total != 1 else self.noun
        if complete and self.done >= self.total:
            line = f"{self.finished_verb} {self.total:,} {count}."
        else:
            line = f"Stopped after {self.done:,} of {self.total:,} {count}."
        self._write(f"{_CLEAR}{line}\n")
        self._drawn = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed terminal must not fail the command
            self.shown = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def terminal_progress(
    doing: str, done: str, noun: str, nouns: str, stream: TextIO | None = None
) -> Iterator[TerminalProgress]:
    """A TerminalProgress ended when the block ends (as stopped if it raised)."""
    progress = TerminalProgress(doing, done, noun, nouns, stream)
    try:
        yield progress
    except BaseException:
        progress.finish(complete=False)
        raise
    progress.finish()
