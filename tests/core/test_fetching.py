"""Fetching pages, PDFs and feeds (annotator.core.fetching) from a server on 127.0.0.1.

No test touches the internet: every address is the local server's (tests/local_server.py),
except a few that must fail before anything is sent (file:, ftp:, data:).
"""

from __future__ import annotations

import ssl
import threading
import time
from pathlib import Path

import pytest

import local_server
from annotator.core.fetching import feeds, sources
from annotator.core.fetching.feeds import read_feed
from annotator.core.fetching.http import FetchFailed, HttpClient, Limits, web_address
from annotator.core.fetching.sources import feed_file_sources, file_name_for, web_sources
from annotator.core.importing import ReadOptions
from annotator.core.ingest import file_sources, import_paths, import_sources
from annotator.core.store import Store
from local_server import (
    ARTICLE_TITLE,
    FEED_PLAIN_TITLE,
    FEED_UNTITLED_DATE,
    FEED_UNTITLED_TITLE,
    LocalWeb,
)

web = local_server.web
fast_limits = local_server.fast_limits


def fetch_failure(client: HttpClient, url: str) -> str:
    with pytest.raises(FetchFailed) as caught:
        client.fetch(url)
    assert caught.value.where == url  # named as asked
    return caught.value.reason


# -- the client -------------------------------------------------------------------------------


def test_a_page_is_fetched_once_with_a_clear_user_agent_and_nothing_else(web: LocalWeb) -> None:
    fetched = HttpClient().fetch(web.url("/article.html"))
    assert (fetched.kind, fetched.media_type, fetched.charset) == ("html", "text/html", "utf-8")
    assert ARTICLE_TITLE.encode() in fetched.data
    assert web.paths_asked() == ["/article.html"]  # no images, scripts or robots.txt
    headers = web.requests[0][1]
    assert headers["User-Agent"].startswith("Annotator/")
    assert "fetches only what the analyst asks" in headers["User-Agent"]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/report.pdf", "pdf"),
        ("/feed.rss", "feed"),
        ("/feed.atom", "feed"),
        ("/no-title.txt", "text"),
        ("/octet", "pdf"),  # said nothing useful: its first bytes decide
    ],
)
def test_media_types_decide_how_an_answer_is_read(web: LocalWeb, path: str, kind: str) -> None:
    assert HttpClient().fetch(web.url(path)).kind == kind


def test_redirects_are_followed_and_the_final_address_kept(web: LocalWeb) -> None:
    fetched = HttpClient().fetch(web.url("/hop/3"))
    assert fetched.url == web.url("/hop/3")
    assert fetched.final_url == web.url("/article.html")


def test_gzip_and_chunked_answers_are_read(web: LocalWeb) -> None:
    client = HttpClient()
    assert ARTICLE_TITLE.encode() in client.fetch(web.url("/gzipped.html")).data
    assert client.fetch(web.url("/chunked.txt")).data == local_server.PLAIN_TEXT.encode()


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/nothing-here", "404 Not Found"),
        ("/gone", "410 Gone"),
        ("/loop-a", "too many redirects (the address redirects in a loop)"),
        ("/hop/9", "too many redirects (more than 5)"),
        ("/image.png", "not a web page or PDF (image/png)"),
        ("/to-file", "only web addresses (http, https) are fetched, not file:"),
        ("/endless", "too large (over 256 KiB)"),
        ("/bomb", "too large (over 256 KiB) once unpacked"),
        ("/slow", "timed out after 0.5 s"),
        ("/trickle", "took more than 2 s (the limit per address)"),
    ],
)
def test_every_failure_is_a_plain_reason(
    web: LocalWeb, fast_limits: Limits, path: str, reason: str
) -> None:
    started = time.monotonic()
    assert reason in fetch_failure(HttpClient(), web.url(path))
    assert time.monotonic() - started < 10


def test_the_limits_that_ship() -> None:
    limits = Limits()
    assert (limits.connect_timeout, limits.read_timeout, limits.total_timeout) == (10, 20, 60)
    assert limits.max_redirects == 5
    mib = 2**20
    assert (limits.page_bytes, limits.pdf_bytes, limits.feed_bytes) == (10 * mib, 20 * mib, 5 * mib)
    assert limits.feed_bytes == feeds.MAX_FEED_BYTES


def test_a_page_over_the_cap_is_refused_before_it_is_read_when_it_says_its_size(
    web: LocalWeb,
) -> None:
    client = HttpClient(Limits(page_bytes=100))
    assert fetch_failure(client, web.url("/article.html")) == "too large (over 100 bytes)"


def test_a_pdf_has_its_own_larger_cap(web: LocalWeb) -> None:
    size = len(local_server.pdf_bytes())
    client = HttpClient(Limits(page_bytes=size - 1, pdf_bytes=size))
    assert client.fetch(web.url("/report.pdf")).kind == "pdf"


@pytest.mark.parametrize(
    "address", ["file:///etc/passwd", "ftp://example.org/a.txt", "data:text/html,<p>hi</p>"]
)
def test_only_http_and_https_are_spoken(address: str) -> None:
    reason = fetch_failure(HttpClient(), address)
    assert reason.startswith("only web addresses (http, https) are fetched, not ")


def test_addresses_are_tidied_before_fetching() -> None:
    assert web_address("  example.org/a b/ü?q=ä#part ") == (
        "https://example.org/a%20b/%C3%BC?q=%C3%A4"
    )
    assert web_address("HTTP://Bücher.example/") == "http://xn--bcher-kva.example/"
    with pytest.raises(FetchFailed, match="no host name"):
        web_address("http:///nothing")


def test_a_self_signed_certificate_is_a_tls_problem(web: LocalWeb) -> None:
    reason = fetch_failure(HttpClient(), web.https_url("/article.html"))
    assert reason.startswith("TLS certificate problem: ")
    trusted = ssl.create_default_context(cafile=str(web.ca_file))
    assert HttpClient(tls=trusted).fetch(web.https_url("/article.html")).kind == "html"


def test_nothing_listening_is_cannot_connect() -> None:
    with LocalWeb() as gone:
        address = gone.url("/article.html")
    assert fetch_failure(HttpClient(), address) == "cannot connect (connection refused)"


def test_cancel_cuts_a_request_without_waiting_for_the_timeout(web: LocalWeb) -> None:
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    assert fetch_failure(HttpClient(should_stop=stop.is_set), web.url("/slow")) == "cancelled"
    assert time.monotonic() - started < 5  # the read timeout is 20 s


def test_a_proxy_from_the_environment_is_used_but_never_for_this_computer(
    web: LocalWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", web.url(""))
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    # The local server plays the proxy: it is asked for the whole address.
    fetched = HttpClient().fetch("http://news.example.invalid/article.html")
    assert ARTICLE_TITLE.encode() in fetched.data
    assert web.requests[-1][0] == "GET http://news.example.invalid/article.html HTTP/1.1"
    HttpClient().fetch(web.url("/article.html"))
    assert web.requests[-1][0] == "GET /article.html HTTP/1.1"


def test_one_request_at_a_time_per_host(web: LocalWeb, fast_limits: Limits) -> None:
    client = HttpClient()
    order: list[str] = []

    def slow() -> None:
        try:
            client.fetch(web.url("/slow"))
        except FetchFailed:
            order.append("slow done")

    first = threading.Thread(target=slow)
    first.start()
    time.sleep(0.1)
    client.fetch(web.url("/article.html"))
    order.append("article done")
    first.join()
    assert order == ["slow done", "article done"]


# -- feeds ------------------------------------------------------------------------------------


def test_an_rss_feed_lists_its_articles_with_their_titles_dates_and_authors(
    web: LocalWeb,
) -> None:
    feed = read_feed(web.rss(), where="feed", base_url=web.url("/feed.rss"))
    assert feed.title == "Local Harbour News"
    first, second, third = feed.items
    assert first.link == web.url("/untitled.html")
    assert first.title == FEED_UNTITLED_TITLE
    assert first.published == FEED_UNTITLED_DATE  # as written (+0100), not in UTC
    assert first.author == "City Desk"
    assert second.link == web.url("/no-title.txt")  # a relative link, read against the feed
    assert second.published == "2024-03-07"
    assert third.link == web.url("/gone")
    assert feed.notes == []


def test_an_atom_feed_too_with_markup_in_titles_taken_out(web: LocalWeb) -> None:
    feed = read_feed(web.atom(), where="feed")
    assert [item.title for item in feed.items] == [FEED_UNTITLED_TITLE, "Shipping report"]
    assert feed.items[0].published == FEED_UNTITLED_DATE
    assert feed.items[0].author == "City Desk"
    assert feed.items[1].published == "2024-03-08"  # no <published>: <updated>


def test_a_feed_keeps_its_first_items_and_says_so() -> None:
    items = "".join(
        f"<item><title>{n}</title><link>https://example.org/{n}</link></item>" for n in range(12)
    )
    data = f"<rss version='2.0'><channel><title>Many</title>{items}</channel></rss>".encode()
    feed = read_feed(data, where="many", max_items=10)
    assert len(feed.items) == 10
    assert feed.notes == ["the feed lists 12 articles; only the first 10 were fetched"]


def test_what_is_not_a_feed_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="not an RSS or Atom feed"):
        read_feed(b"<html><body><p>a page</p></body></html>", where="page")
    # Bytes naming a file are never opened as one (feedparser would, given a string).
    secret = tmp_path / "secret.xml"
    secret.write_text("<rss version='2.0'><channel><title>secret</title></channel></rss>")
    with pytest.raises(Exception, match="not an RSS or Atom feed"):
        read_feed(str(secret).encode(), where="name")


def test_a_feed_over_its_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_FEED_BYTES", 100)
    with pytest.raises(Exception, match=r"too large \(over 100 bytes\)"):
        read_feed(b"<rss>" + b" " * 200 + b"</rss>", where="big")


# -- addresses into a project ---------------------------------------------------------------


def test_file_names_made_from_addresses() -> None:
    assert file_name_for("https://n.example/2024/03/07/grain-prices", "text") == (
        "2024-03-07-grain-prices.txt"
    )
    assert file_name_for("https://n.example/a/story.php?id=4", "html") == "story.html"
    assert file_name_for("https://n.example/", "pdf") == "n.example.pdf"


def test_a_feed_address_becomes_its_articles_with_the_feeds_titles_and_dates(
    web: LocalWeb, fresh_store: Store
) -> None:
    found, refused = web_sources([web.url("/feed.rss")])
    assert [s.label for s in found] == [
        web.url("/untitled.html"),
        web.url("/no-title.txt"),
        web.url("/gone"),
    ]
    assert refused == []
    assert web.paths_asked() == ["/feed.rss"]  # the articles wait for their turn
    outcome = import_sources(fresh_store, found, analyst_id=None, refused=refused)
    assert [(e.where, e.reason) for e in outcome.refused] == [(web.url("/gone"), "410 Gone")]
    by_url = {d.url: d for d in map(fresh_store.documents.get, (s.id for s, _ in outcome.added))}
    untitled = by_url[web.url("/untitled.html")]
    assert untitled.title == FEED_UNTITLED_TITLE  # the page has no title: the feed's
    assert untitled.published == FEED_UNTITLED_DATE
    assert "tram line" in untitled.text
    plain = by_url[web.url("/no-title.txt")]
    assert plain.title == FEED_PLAIN_TITLE
    assert plain.published == "2024-03-07"


def test_a_page_its_metadata_and_original_are_kept(web: LocalWeb, fresh_store: Store) -> None:
    found, refused = web_sources([web.url("/article.html")])
    outcome = import_sources(fresh_store, found, analyst_id=None, refused=refused)
    (summary, report), = outcome.added
    document = fresh_store.documents.get(summary.id)
    assert document.title == ARTICLE_TITLE
    assert document.published == "2024-02-20"
    assert document.url == web.url("/article.html")
    assert "breakwater" in document.text
    assert "All rights reserved" not in document.text  # the article, not the footer
    assert report.source == web.url("/article.html")
    assert web.paths_asked() == ["/article.html"]  # fetched once, read from those bytes


def test_a_pdf_address_is_imported_as_a_pdf(web: LocalWeb, fresh_store: Store) -> None:
    found, refused = web_sources([web.url("/report.pdf")])
    outcome = import_sources(fresh_store, found, analyst_id=None, refused=refused)
    (summary, report), = outcome.added
    assert report.format == "pdf"
    assert local_server.PDF_TEXT in fresh_store.documents.get(summary.id).text


def test_the_same_article_fetched_again_adds_nothing(web: LocalWeb, fresh_store: Store) -> None:
    # The ticker's text changes on every visit: its address is what makes it the same.
    first = import_sources(fresh_store, web_sources([web.url("/counter")])[0], analyst_id=None)
    again = import_sources(fresh_store, web_sources([web.url("/counter")])[0], analyst_id=None)
    assert len(first.added) == 1
    assert again.added == []
    assert [label for label, _doc in again.duplicates] == [web.url("/counter")]
    assert "Already in the project: " + web.url("/counter") in again.summary()


def test_two_addresses_of_one_article_are_one_document(web: LocalWeb, fresh_store: Store) -> None:
    found, _ = web_sources([web.url("/article.html"), web.url("/article-shared?utm=mail")])
    outcome = import_sources(fresh_store, found, analyst_id=None)
    assert len(outcome.added) == 1
    assert len(outcome.duplicates) == 1
    assert len(fresh_store.documents.list()) == 1


def test_an_address_given_twice_is_fetched_once(web: LocalWeb) -> None:
    found, _ = web_sources([web.url("/article.html"), " " + web.url("/article.html#top")])
    assert len(found) == 1
    assert web.paths_asked() == ["/article.html"]


def test_failures_are_listed_per_address_and_the_rest_imported(
    web: LocalWeb, fresh_store: Store, fast_limits: Limits
) -> None:
    addresses = [
        web.url("/nothing-here"),
        web.url("/article.html"),
        web.url("/image.png"),
        "ftp://example.org/file.txt",
        web.url("/endless"),
    ]
    found, refused = web_sources(addresses)
    outcome = import_sources(fresh_store, found, analyst_id=None, refused=refused)
    assert len(outcome.added) == 1
    assert [e.where for e in outcome.refused] == [
        addresses[0],
        addresses[2],
        addresses[3],
        addresses[4],
    ]
    summary = outcome.summary()
    assert f"  {addresses[0]}: 404 Not Found" in summary
    assert f"  {addresses[2]}: not a web page or PDF (image/png)" in summary


def test_looking_at_the_addresses_can_be_stopped(web: LocalWeb) -> None:
    asked: list[str] = []

    def progress(index: int, total: int, name: str) -> bool:
        asked.append(name)
        return index < 1

    found, _ = web_sources(
        [web.url("/article.html"), web.url("/no-title.txt"), web.url("/report.pdf")],
        progress=progress,
    )
    assert len(found) == 1
    assert len(asked) == 2
    assert web.paths_asked() == ["/article.html"]


def test_pages_past_the_holding_budget_are_fetched_again_at_their_turn(
    web: LocalWeb, fresh_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "HOLD_BYTES", 0)
    found, _ = web_sources([web.url("/no-title.txt")])
    import_sources(fresh_store, found, analyst_id=None)
    assert web.paths_asked() == ["/no-title.txt", "/no-title.txt"]


def test_a_page_the_extractor_cannot_read_is_refused_not_raised(
    web: LocalWeb, fresh_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("extractor broke")

    monkeypatch.setattr(sources, "read_source", broken)
    found, _ = web_sources([web.url("/article.html")])
    outcome = import_sources(fresh_store, found, analyst_id=None)
    (refusal,) = outcome.refused
    assert refusal.reason == "the page could not be read (RuntimeError: extractor broke)"


# -- saved feed files -------------------------------------------------------------------------


def test_a_saved_feed_file_lists_its_articles_for_fetching(web: LocalWeb, tmp_path: Path) -> None:
    saved = tmp_path / "harbour.rss"
    saved.write_bytes(web.rss())
    found, refused = feed_file_sources(saved)
    assert [s.label for s in found] == [
        web.url("/untitled.html"),
        web.url("/no-title.txt"),  # relative: read against the channel's <link>
        web.url("/gone"),
    ]
    assert refused == []
    assert web.requests == []  # nothing fetched before the import


def test_feed_files_pass_through_file_sources_but_not_inside_folders(
    web: LocalWeb, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("One\n\nThe first article.", encoding="utf-8")
    (folder / "feed.xml").write_bytes(web.atom())  # in a folder: skipped, never fetched
    saved = tmp_path / "harbour.atom"
    saved.write_bytes(web.atom())
    found, refused = file_sources([folder, saved, tmp_path / "missing.rss"], ReadOptions())
    assert [s.name for s in found] == ["one.txt", web.url("/untitled.html"), web.url("/report.pdf")]
    assert [(e.where, e.reason) for e in refused] == [
        (str(tmp_path / "missing.rss"), "the file does not exist")
    ]


def test_a_saved_feed_is_imported_with_import_paths(
    web: LocalWeb, fresh_store: Store, tmp_path: Path
) -> None:
    saved = tmp_path / "harbour.atom"
    saved.write_bytes(web.atom())
    outcome = import_paths(fresh_store, [saved], analyst_id=None)
    assert outcome.refused == []
    titles = sorted(d.title for d in fresh_store.documents.list())
    assert FEED_UNTITLED_TITLE in titles
    assert len(titles) == 2


def test_an_xml_file_that_is_not_a_feed_is_refused(fresh_store: Store, tmp_path: Path) -> None:
    other = tmp_path / "settings.xml"
    other.write_text("<settings><colour>blue</colour></settings>", encoding="utf-8")
    outcome = import_paths(fresh_store, [other], analyst_id=None)
    (refusal,) = outcome.refused
    assert refusal.where == str(other)
    assert refusal.reason.startswith("not an RSS or Atom feed")
