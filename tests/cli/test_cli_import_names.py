"""`annotator import` and `fetch` print every file name and title with escape sequences, line
breaks and undecodable bytes made visible, and import such files."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.cli.names import shown

ESCAPES = "evil\x1b]0;pwned\x07\x1b[31mred"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_shown_is_the_one_line_form_of_any_name() -> None:
    assert shown(Path("/tmp/a\x1b[2Jb")) == "/tmp/a\\x1b[2Jb"
    assert shown("plain “title” 中文") == "plain “title” 中文"


def test_import_prints_hostile_names_escaped_and_imports_the_files(
    tmp_path: Path, db_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"{ESCAPES}.txt").write_text("First article\nBody.\n")
    (folder / f"{ESCAPES}-empty.txt").write_bytes(b"")
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"Second article\nBody two.\n")
    code, out = invoke("import", str(folder), "--db", str(db_path))
    assert code == 1, out  # the empty file is refused, the others imported
    assert "Imported 2 document(s)." in out
    assert "\x1b" not in out and "\x07" not in out
    assert f"File: {folder}/evil\\x1b]0;pwned\\x07\\x1b[31mred.txt" in out
    assert f"{folder}/evil\\x1b]0;pwned\\x07\\x1b[31mred-empty.txt: the file is empty" in out
    assert f"File: {folder}/caf\ufffd.txt" in out


def test_a_project_path_is_shown_escaped(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Title\nBody.\n")
    db = tmp_path / "p\x1b[0m.sqlite"
    code, out = invoke("import", str(article), "--db", str(db))
    assert code == 0, out
    assert f"Project: {tmp_path}/p\\x1b[0m.sqlite" in out and "\x1b" not in out


def test_fetch_names_an_unreadable_address_list_escaped(tmp_path: Path, db_path: Path) -> None:
    listing = tmp_path / "list\x1b[31m.txt"
    listing.write_bytes(b"\xff\xfe not utf-8 \x80")
    code, out = invoke("fetch", "--from", str(listing), "--db", str(db_path))
    assert code == 1
    assert "list\\x1b[31m.txt: not UTF-8 text" in out and "\x1b" not in out
