"""Every name the command line prints (a title, an analyst, a label, a file name, an address,
a project's path) goes through `shown`: escape sequences, line breaks and bidi overrides in a
name are written visibly ("\\x1b[31m"), never sent to the terminal, and undecodable bytes show
as "�". `say` prints a message of several lines (a report's summary) that way, line by line;
`json_text` is JSON for the terminal, exact once parsed."""

from __future__ import annotations

import json
import re
from typing import Any

import click

from annotator.core.importing.names import one_line

#: What JSON leaves raw that a terminal acts on: C1 controls, separators, bidi controls.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def shown(name: object) -> str:
    """`name` (any text, or a path) as it is safe to print on one line."""
    return one_line(str(name))


def lines_shown(message: object) -> str:
    """`message` of one line or several, every line through `shown`."""
    return "\n".join(shown(line) for line in str(message).split("\n"))


def say(message: object, *, err: bool = False) -> None:
    """Print `message` (one line or several), every line through `shown`."""
    click.echo(lines_shown(message), err=err)


def json_text(data: Any) -> str:
    """`data` as indented JSON to print."""
    return json_shown(json.dumps(data, ensure_ascii=False, indent=2))


def json_shown(text: str) -> str:
    """JSON text as it is safe to print, its data exact: what JSON leaves raw and a terminal
    would act on is written as \\uXXXX, which reads back as the same character."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
