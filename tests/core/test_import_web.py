"""Web pages: the article's main text (trafilatura), metadata, what was left out, the fallback
to all visible text, .mhtml files, and markup that tries to hurt."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from annotator.core.errors import ImportRefused
from annotator.core.importing.html_text import html_to_text, visible_blocks
from annotator.core.importing.mhtml import mhtml_to_html
from annotator.core.importing.web_page import (
    EXTRACTED,
    FULL_PAGE,
    WebPage,
    read_web_page,
)

PAGES = Path(__file__).parent / "pages"
#: The pages modelled on state-media layouts are the extraction benchmark's own; the tests read
#: them there (tests/core/pages holds only the pages the benchmark does not have).
MODELLED = Path(__file__).resolve().parents[2] / "benchmarks" / "pages" / "modelled"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))


def page_file(name: str) -> Path:
    """A saved page of the tests, by name (without .html)."""
    own = PAGES / f"{name}.html"
    return own if own.is_file() else MODELLED / f"{name}.html"
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f]")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read_page(name: str) -> WebPage:
    markup = page_file(name).read_text(encoding="utf-8")
    return read_web_page(markup, url=EXPECTED.get(name, {}).get("url", ""))


ARTICLE = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Port strike ends after three weeks - The Daily Example</title>
<link rel="canonical" href="https://daily.example.com/news/port-strike-ends">
<meta property="og:url" content="https://daily.example.com/og-address">
<meta property="og:site_name" content="The Daily Example">
<meta property="og:title" content="Port strike ends after three weeks">
<meta property="article:published_time" content="2024-03-05T09:30:00+00:00">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Port strike ends after three weeks", "datePublished": "2024-03-05T09:30:00Z",
 "author": [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Person", "name": "Omar Haddad"}],
 "publisher": {"@type": "Organization", "name": "The Daily Example"}}</script>
<script>var tracking = "SECRET-SCRIPT-TEXT";</script><style>.x{content:"SECRET-STYLE-TEXT"}</style>
</head><body>
<div class="cookie-banner"><p>We use cookies to give you the best experience on our website.</p>
<button>Accept all</button></div>
<header><nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><article><h1>Port strike ends after three weeks</h1>
<p>Dock workers voted on Monday to end a three-week strike that had   halted
container traffic at the country's largest port, union officials said.</p>
<p>The agreement raises wages by 6 percent this year and a further 4 percent next year, and
limits the use of temporary contracts at the terminals.</p>
<h2>What the deal means for shippers</h2>
<p>Shipping lines said it would take at least ten days to clear the backlog of vessels waiting
outside the harbour, and warned customers of further delays.</p>
<blockquote><p>“We have won respect for the people who keep this port running,” the union
leader told reporters.</p></blockquote>
<p>The deal includes three main points:</p>
<ul><li>a pay rise over two years for all dock workers</li>
<li>fewer temporary contracts at the container terminals</li>
<li>a joint committee on safety at work</li></ul>
<p>Port authorities said normal operations would resume on Wednesday morning at the latest,
and that extra night shifts would be added to clear the queue. &lt;b&gt; stays literal.</p>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Strike threatens Christmas
deliveries, retailers warn</a></li><li><a href="/b">Union leader profile: the woman who stopped
the port</a></li></ul></aside></main>
<div class="newsletter-signup"><p>Sign up to our morning briefing and get the news first.</p></div>
<footer><p>© 2024 The Daily Example Ltd. All rights reserved.</p><p><a href="/privacy">Privacy
policy</a> | <a href="/terms">Terms and conditions</a></p></footer>
</body></html>"""


# --- main text and what is left out ------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_and_modelled_pages_keep_the_article_and_leave_boilerplate_out(name: str) -> None:
    page = read_page(name)
    assert page.extraction == EXTRACTED
    text = flat(page.text)
    for segment in EXPECTED[name]["with"]:
        assert flat(segment) in text, segment
    for segment in EXPECTED[name]["without"]:
        assert flat(segment) not in text, segment
    assert page.left_out  # something was left out, and the report says what


def test_paragraphs_headings_quotes_and_list_items_are_lines_of_their_own() -> None:
    page = read_web_page(ARTICLE)
    lines = page.text.split("\n")
    assert (
        "Dock workers voted on Monday to end a three-week strike that had halted container "
        "traffic at the country's largest port, union officials said."
    ) in lines  # whitespace inside the paragraph collapsed
    assert "What the deal means for shippers" in lines
    assert any(line.startswith("“We have won respect") for line in lines)
    assert "a pay rise over two years for all dock workers" in lines  # no "- " marker
    assert "fewer temporary contracts at the container terminals" in lines
    assert all(line == line.strip() and line for line in lines)
    assert "&lt;" not in page.text and "&amp;" not in page.text


def test_menus_cookie_banners_related_links_newsletters_and_footers_are_left_out() -> None:
    page = read_web_page(ARTICLE)
    for boilerplate in (
        "We use cookies",
        "Accept all",
        "Opinion",
        "Strike threatens Christmas deliveries",
        "Sign up to our morning briefing",
        "All rights reserved",
        "Terms and conditions",
    ):
        assert boilerplate not in page.text
    report = "\n".join(page.left_out)
    assert "cookie notice" in report
    assert "navigation and menus" in report
    assert "related and most-read links" in report
    assert "footer" in report
    assert "newsletter" in report
    assert len(page.left_out) <= 8
    assert all(re.search(r"\d characters", line) for line in page.left_out)


def test_entity_encoded_markup_stays_literal_text() -> None:
    page = read_web_page(ARTICLE)
    assert "<b> stays literal." in page.text
    small = read_web_page("<p>&lt;script&gt;alert(1)&lt;/script&gt; is how it starts.</p>")
    assert "<script>alert(1)</script> is how it starts." in small.text


def test_scripts_and_styles_are_never_text() -> None:
    for page in (
        read_web_page(ARTICLE),
        read_web_page(ARTICLE, full_page=True),
        read_web_page("<script>SECRET-SCRIPT-TEXT</script><style>SECRET-STYLE-TEXT</style>"),
    ):
        assert "SECRET" not in page.text
        assert "tracking" not in page.text


def test_text_is_clean_unicode() -> None:
    markup = ARTICLE.replace("union officials said.", "union\x00 officials\x07 said.\u2028")
    page = read_web_page(markup)
    assert not CONTROLS.search(page.text)
    assert "union officials said." in page.text
    assert any("control characters" in warning for warning in page.warnings)


def test_extraction_is_deterministic() -> None:
    assert read_web_page(ARTICLE) == read_web_page(ARTICLE)


# --- metadata ----------------------------------------------------------------------------


def test_metadata_from_meta_tags_json_ld_and_open_graph() -> None:
    meta = read_web_page(ARTICLE, url="https://mirror.example.org/x").meta
    assert meta.title == "Port strike ends after three weeks"
    assert meta.author == "Ann Lee; Omar Haddad"
    assert meta.outlet == "The Daily Example"
    assert meta.url == "https://daily.example.com/news/port-strike-ends"  # canonical wins
    assert meta.published == "2024-03-05"
    assert meta.language == "en-GB"


def test_url_falls_back_to_og_url_then_to_the_address_given() -> None:
    no_canonical = re.sub(r'<link rel="canonical"[^>]*>', "", ARTICLE)
    assert read_web_page(no_canonical).meta.url == "https://daily.example.com/og-address"
    bare = re.sub(r'<meta property="og:url"[^>]*>', "", no_canonical)
    assert read_web_page(bare, url="https://where.example/p").meta.url == "https://where.example/p"


def test_language_from_meta_when_html_has_no_lang() -> None:
    markup = ARTICLE.replace('<html lang="en-GB">', "<html>").replace(
        "<head>", '<head><meta http-equiv="Content-Language" content="ru">'
    )
    assert read_web_page(markup).meta.language == "ru"


def test_state_media_pages_metadata() -> None:
    tass = read_page("tass-ru").meta
    assert (tass.outlet, tass.language, tass.published) == ("ТАСС", "ru", "2024-03-12")
    assert tass.url == "https://tass.ru/ekonomika/20212121"
    gt = read_page("globaltimes-en").meta
    assert gt.author == "Yang Sheng"
    assert gt.title == "Chinese experts slam foreign media hype over Yellow Sea fishing dispute"
    aj = read_page("aljazeera-ar").meta
    assert (aj.language, aj.outlet) == ("ar", "الجزيرة نت")


# --- fallbacks ---------------------------------------------------------------------------


def test_index_page_falls_back_to_all_visible_text_and_says_so() -> None:
    markup = page_file("index-page-en").read_text(encoding="utf-8")
    page = read_web_page(markup)
    assert page.extraction.startswith("all visible text: no article found")
    assert page.text == html_to_text(markup).text
    assert "UN Security Council to hold emergency meeting on Red Sea shipping" in page.text
    assert page.meta.outlet == "TASS"


def test_a_page_with_too_little_text_keeps_all_visible_text() -> None:
    page = read_web_page("<html><body><nav><a>Home</a></nav><p>Just a line.</p></body></html>")
    assert page.extraction.startswith("all visible text")
    assert "Just a line." in page.text


def test_full_page_keeps_all_visible_text() -> None:
    page = read_web_page(ARTICLE, full_page=True)
    assert page.extraction == FULL_PAGE
    assert "We use cookies to give you the best experience on our website." in page.text
    assert "© 2024 The Daily Example Ltd. All rights reserved." in page.text
    assert page.meta.title == "Port strike ends after three weeks"
    assert page.meta.author == "Ann Lee; Omar Haddad"
    assert page.meta.url == "https://daily.example.com/news/port-strike-ends"


def test_visible_blocks_name_the_part_of_the_page() -> None:
    blocks = dict(visible_blocks(ARTICLE))
    assert blocks["Home"] == blocks["Opinion"] == "navigation and menus"
    assert blocks["We use cookies to give you the best experience on our website."] == (
        "cookie notice"
    )
    assert blocks["© 2024 The Daily Example Ltd. All rights reserved."] == "footer"
    assert blocks["The deal includes three main points:"] == ""
    assert [text for text, _ in visible_blocks(ARTICLE)] == html_to_text(ARTICLE).text.split("\n")


# --- hostile markup: bounded, no crash (behaviour asserted, never time) --------------------


def test_deep_nesting_does_not_crash() -> None:
    markup = "<html><body>" + "<div>" * 100_000 + "Deep text." + "</div>" * 100_000
    page = read_web_page(markup)
    assert page.extraction.startswith("all visible text")
    assert page.text == "Deep text."


def test_megabytes_of_attributes_do_not_crash() -> None:
    huge = "x" * (20 * 1024 * 1024)
    markup = f'<html><body><p title="{huge}">Hello there.</p><p>Second paragraph.</p></body></html>'
    page = read_web_page(markup)
    assert page.text == "Hello there.\nSecond paragraph."
    assert "x" * 100 not in page.text


def test_unclosed_tags_keep_their_text() -> None:
    markup = "<html><body><div><p>First <b>bold <i>both <p>Second <span>and more" * 300
    page = read_web_page(markup)
    assert "First bold both" in page.text
    assert "Second and more" in page.text


# --- .mhtml ------------------------------------------------------------------------------

MHTML = (
    "From: <Saved by Blink>\r\n"
    "Snapshot-Content-Location: https://daily.example.com/news/port-strike-ends\r\n"
    "Subject: Port strike ends after three weeks\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n'
    '\tboundary="----MultipartBoundary--Xy12----"\r\n\r\n\r\n'
    "------MultipartBoundary--Xy12----\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-ID: <frame-A1@mhtml.blink>\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "Content-Location: https://daily.example.com/news/port-strike-ends\r\n\r\n"
    "{html}\r\n"
    "------MultipartBoundary--Xy12----\r\n"
    "Content-Type: image/png\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Location: https://daily.example.com/logo.png\r\n\r\n"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\r\n"
    "------MultipartBoundary--Xy12------\r\n"
)


def quoted_printable(text: str) -> str:
    import quopri

    return quopri.encodestring(text.encode("utf-8")).decode("ascii").replace("\n", "\r\n")


def test_mhtml_main_page_is_found_and_decoded() -> None:
    data = MHTML.format(html=quoted_printable(ARTICLE)).encode("ascii")
    html, location, charset = mhtml_to_html(data)
    assert html.decode("utf-8") == ARTICLE.replace("\n", "\r\n")
    assert location == "https://daily.example.com/news/port-strike-ends"
    assert charset == "utf-8"
    page = read_web_page(html.decode("utf-8"), url=location)
    assert "Dock workers voted on Monday" in page.text
    assert "“We have won respect" in page.text  # quoted-printable UTF-8 decoded


def test_mhtml_base64_page() -> None:
    encoded = base64.encodebytes(ARTICLE.encode("utf-8")).decode("ascii")
    data = (
        MHTML.replace("quoted-printable", "base64")
        .format(html=encoded.replace("\n", "\r\n"))
        .encode("ascii")
    )
    html, _, _ = mhtml_to_html(data)
    assert html == ARTICLE.encode("utf-8")


def test_mhtml_without_a_page_is_refused() -> None:
    only_image = MHTML.replace("Content-Type: text/html; charset=utf-8", "Content-Type: text/css")
    with pytest.raises(ImportRefused, match="no HTML part"):
        mhtml_to_html(only_image.format(html="body{}").encode("ascii"))
    with pytest.raises(ImportRefused, match="not an MHTML file"):
        mhtml_to_html(b"<html><body>plain html</body></html>")
