"""`annotator fetch` and feed files given to `annotator import`, against a server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import local_server
from annotator.cli import cli
from annotator.core.fetching.http import Limits
from annotator.core.store import Store
from local_server import ARTICLE_TITLE, FEED_UNTITLED_TITLE, LocalWeb

web = local_server.web
fast_limits = local_server.fast_limits


def invoke(db_path: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, [*args, "--db", str(db_path), "--analyst", "Ana"], input=stdin
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def titles(db_path: Path) -> list[str]:
    with Store.open(db_path) as store:
        return sorted(d.title for d in store.documents.list())


def test_fetch_imports_a_page_and_prints_its_report(web: LocalWeb, db_path: Path) -> None:
    code, out, err = invoke(db_path, "fetch", web.url("/article.html"))
    assert code == 0, out
    assert f"File: {web.url('/article.html')}" in out
    assert "Format: html" in out
    assert "Imported 1 document(s)." in out
    assert err == f"Created a new project at {db_path}\n"  # no progress: not a terminal
    assert titles(db_path) == [ARTICLE_TITLE]


def test_fetch_again_adds_nothing(web: LocalWeb, db_path: Path) -> None:
    invoke(db_path, "fetch", web.url("/counter"))
    code, out, _ = invoke(db_path, "fetch", web.url("/counter"), "--quiet")
    assert code == 0
    assert "Imported 0 document(s)." in out
    assert f"Already in the project: {web.url('/counter')}" in out
    assert len(titles(db_path)) == 1


def test_a_feed_address_imports_its_articles(web: LocalWeb, db_path: Path) -> None:
    code, out, _ = invoke(db_path, "fetch", web.url("/feed.rss"), "-q")
    assert code == 1  # the feed lists a page that is gone
    assert "Imported 2 document(s)." in out
    assert f"  {web.url('/gone')}: 410 Gone" in out
    assert FEED_UNTITLED_TITLE in titles(db_path)


def test_addresses_from_a_file(web: LocalWeb, db_path: Path, tmp_path: Path) -> None:
    listing = tmp_path / "addresses.txt"
    listing.write_text(
        f"# this week's reading\n\n{web.url('/article.html')}\n   \n"
        f"  {web.url('/no-title.txt')}  \n# {web.url('/gone')}\n",
        encoding="utf-8",
    )
    code, out, _ = invoke(db_path, "fetch", "--from", str(listing), "-q")
    assert code == 0, out
    assert "Imported 2 document(s)." in out
    assert web.paths_asked() == ["/article.html", "/no-title.txt"]  # comments are not fetched


def test_addresses_from_standard_input(web: LocalWeb, db_path: Path) -> None:
    code, out, _ = invoke(db_path, "fetch", "--from", "-", stdin=web.url("/no-title.txt") + "\n")
    assert code == 0, out
    assert len(titles(db_path)) == 1


def test_failures_are_listed_per_address_at_the_end_without_a_traceback(
    web: LocalWeb, db_path: Path, fast_limits: Limits
) -> None:
    addresses = [
        web.url("/nothing-here"),
        web.url("/article.html"),
        web.url("/image.png"),
        web.url("/loop-a"),
        web.url("/bomb"),
        web.url("/slow"),
        web.https_url("/article.html"),
        "file:///etc/passwd",
    ]
    code, out, err = invoke(db_path, "fetch", *addresses)
    assert code == 1
    assert "Traceback" not in out + err
    tail = out[out.index("Not imported (7):") :]
    assert tail.splitlines()[1:8] == [
        f"  {addresses[0]}: 404 Not Found",
        f"  {addresses[2]}: not a web page or PDF (image/png)",
        f"  {addresses[3]}: too many redirects (the address redirects in a loop)",
        f"  {addresses[4]}: too large (over 256 KiB) once unpacked",
        f"  {addresses[5]}: timed out after 0.5 s",
        f"  {addresses[6]}: TLS certificate problem: self-signed certificate",
        f"  {addresses[7]}: only web addresses (http, https) are fetched, not file:",
    ]
    assert titles(db_path) == [ARTICLE_TITLE]


def test_no_address_is_a_usage_error(db_path: Path) -> None:
    code, out, err = invoke(db_path, "fetch")
    assert code == 2
    assert "Give at least one web address" in err


def test_an_unreadable_address_list_is_a_message(db_path: Path, tmp_path: Path) -> None:
    code, _, err = invoke(db_path, "fetch", "--from", str(tmp_path / "none.txt"))
    assert code != 0
    assert "none.txt" in err and "Traceback" not in err


def test_full_page_keeps_the_menus_and_footer(web: LocalWeb, db_path: Path) -> None:
    code, out, _ = invoke(db_path, "fetch", "--full-page", web.url("/article.html"))
    assert code == 0, out
    with Store.open(db_path) as store:
        (document,) = [store.documents.get(d.id) for d in store.documents.list()]
    assert "All rights reserved" in document.text


def test_a_saved_feed_file_is_imported_with_annotator_import(
    web: LocalWeb, db_path: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "harbour.rss"
    saved.write_bytes(web.rss())
    code, out, _ = invoke(db_path, "import", str(saved), "-q")
    assert code == 1  # one article is gone
    assert "Imported 2 document(s)." in out
    assert f"  {web.url('/gone')}: 410 Gone" in out
    assert set(web.paths_asked()) == {"/untitled.html", "/no-title.txt", "/gone"}


def test_help_names_the_options(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["fetch", "--help"])
    assert result.exit_code == 0
    for option in ("--from", "--full-page", "--quiet", "--db"):
        assert option in result.output
