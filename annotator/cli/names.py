"""Every name the command line prints (a title, a file name, an address, a project's path)
goes through `shown`: escape sequences, line breaks and bidi overrides in a name are written
visibly ("\\x1b[31m"), never sent to the terminal, and undecodable bytes show as "�"."""

from __future__ import annotations

from annotator.core.importing.names import one_line


def shown(name: object) -> str:
    """`name` (any text, or a path) as it is safe to print on one line."""
    return one_line(str(name))
