"""HTML import: visible text only, paragraphs, entities, title, date and declared charsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import ImportRefused
from annotator.core.importing import read_document

HOSTILE = """<!DOCTYPE html>
<html><head>
<title>Real  title</title>
<style>body { color: red } .hidden-css { }</style>
<script>var leaked = "SCRIPT TEXT";</script>
<link rel="stylesheet" href="http://example.invalid/x.css">
</head>
<body onload="stealCookies()">
<!-- a comment that must not show -->
<h1 onclick="alert('h1 handler')">Headline</h1>
<p>First <b>bold</b> and <i>italic</i>.<img src="http://example.invalid/p.png"
   alt="ALT TEXT" onerror="alert('img handler')"></p>
<iframe src="http://example.invalid/">IFRAME TEXT</iframe>
<noscript>NOSCRIPT TEXT</noscript>
<template><p>TEMPLATE TEXT</p></template>
<object data="x.swf">OBJECT TEXT</object><embed src="x.swf">
<svg><title>SVG TITLE</title><text>SVG TEXT</text></svg><svg/>
<p>Escaped &lt;b&gt;markup&lt;/b&gt; &amp; entities&nbsp;here &#x1F600;</p>
<script type="module">import "SCRIPT MODULE";</script>
</body></html>
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_hostile_page_gives_visible_text_only(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "page.html", HOSTILE))
    assert doc.text == (
        "Headline\nFirst bold and italic.\nEscaped <b>markup</b> & entities\xa0here 😀"
    )
    # The page's own headline (h1, og:title) names the article; <title> on real pages carries
    # the site's name too ("Headline | Outlet").
    assert doc.title == "Headline"
    assert doc.report.format == "html"


def test_escaped_markup_stays_literal(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.htm", "<p>Use &lt;script&gt;alert(1)&lt;/script&gt;"))
    assert doc.text == "Use <script>alert(1)</script>"


def test_block_elements_break_lines_and_whitespace_collapses(tmp_path: Path) -> None:
    markup = """<body><div>one
        two</div><ul><li>three<li>four</ul>five<br>six<br/>seven
        <table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>
        <blockquote>quoted   text</blockquote><span>in</span><span>line</span>"""
    doc = read_document(write(tmp_path, "a.html", markup))
    assert doc.text == "one two\nthree\nfour\nfive\nsix\nseven\na b\nc\nquoted text\ninline"


def test_pre_keeps_its_whitespace(tmp_path: Path) -> None:
    markup = "<p>Before</p><pre>\n  line one\n\tline  two<br>three</pre><p>After</p>"
    doc = read_document(write(tmp_path, "a.html", markup))
    assert doc.text == "Before\n  line one\n\tline  two\nthree\nAfter"


def test_title_falls_back_to_first_h1_then_file_stem(tmp_path: Path) -> None:
    with_h1 = read_document(write(tmp_path, "x.html", "<h1>The <em>H1</em></h1><h1>Second</h1>"))
    assert with_h1.title == "The H1"
    plain = read_document(write(tmp_path, "my-story_page.html", "<p>Just a paragraph.</p>"))
    assert plain.title == "My Story Page"


def test_unclosed_head_and_final_paragraph(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.html", "<head><title>T</title><p>Body text"))
    assert (doc.title, doc.text) == ("T", "Body text")


def test_page_with_only_scripts_has_no_text(tmp_path: Path) -> None:
    path = write(tmp_path, "a.html", "<script>x()</script><style>p{}</style><!-- c -->")
    with pytest.raises(ImportRefused) as info:
        read_document(path)
    assert info.value.reason == "no text found"


@pytest.mark.parametrize(
    ("markup", "name", "expected"),
    [
        (
            '<meta property="article:published_time" content="2023-06-02T09:30:00Z">',
            "a",
            "2023-06-02",
        ),
        ('<p>x <time datetime="2021-12-31T23:00">New Year</time></p>', "a", "2021-12-31"),
        ("<p>No date here</p>", "story-2020-02-29-leap", "2020-02-29"),
        ("<p>No date here</p>", "story-2023-02-30-invalid", None),
        ('<time datetime="soon">x</time><p>y</p>', "b", None),
    ],
)
def test_published_date(tmp_path: Path, markup: str, name: str, expected: str | None) -> None:
    doc = read_document(write(tmp_path, f"{name}.html", markup + "<p>text</p>"))
    assert doc.published == expected


def test_meta_date_wins_over_time_and_file_name(tmp_path: Path) -> None:
    markup = (
        '<meta name="article:published_time" content="2022-01-05">'
        '<p><time datetime="2022-01-01">x</time></p>'
    )
    assert read_document(write(tmp_path, "2000-01-01.html", markup)).published == "2022-01-05"


RUSSIAN = "Министр заявил: «Зерновой коридор будет продлён»."


def test_meta_charset_is_used(tmp_path: Path) -> None:
    markup = f'<html><head><meta charset="windows-1251"></head><body><p>{RUSSIAN}</p>'
    doc = read_document(write(tmp_path, "a.html", markup.encode("cp1251")))
    assert doc.text == RUSSIAN
    assert (doc.report.encoding, doc.report.encoding_detected) == ("cp1251", False)


def test_http_equiv_charset_is_used(tmp_path: Path) -> None:
    text = "Министр заявил, что коридор будет продлён."
    markup = f'<meta http-equiv="Content-Type" content="text/html; charset=KOI8-R"><p>{text}</p>'
    doc = read_document(write(tmp_path, "a.html", markup.encode("koi8-r")))
    assert (doc.text, doc.report.encoding) == (text, "koi8-r")


def test_latin1_label_means_windows_1252(tmp_path: Path) -> None:
    markup = '<meta charset="iso-8859-1"><p>“Quoted” – café</p>'
    doc = read_document(write(tmp_path, "a.html", markup.encode("cp1252")))
    assert doc.text == "“Quoted” – café"
    assert doc.report.encoding == "cp1252"


def test_stale_declaration_loses_to_valid_utf8(tmp_path: Path) -> None:
    markup = '<meta charset="iso-8859-1"><p>“Quoted” – café</p>'
    doc = read_document(write(tmp_path, "a.html", markup.encode("utf-8")))
    assert doc.text == "“Quoted” – café"
    assert doc.report.encoding == "utf-8"
    assert any("declared charset" in w for w in doc.report.warnings)
    assert doc.report.repairs == []


def test_declaration_that_does_not_fit_falls_back_to_detection(tmp_path: Path) -> None:
    markup = f'<meta charset="utf-8"><p>{RUSSIAN} {RUSSIAN}</p>'
    doc = read_document(write(tmp_path, "a.html", markup.encode("cp1251")))
    assert doc.text == f"{RUSSIAN} {RUSSIAN}"
    assert (doc.report.encoding, doc.report.encoding_detected) == ("cp1251", True)
    assert any("does not fit" in w for w in doc.report.warnings)


def test_unknown_declared_charset_is_ignored(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.html", '<meta charset="x-bogus"><p>café</p>'))
    assert (doc.text, doc.report.encoding) == ("café", "utf-8")


def test_explicit_override_beats_declaration(tmp_path: Path) -> None:
    markup = f'<meta charset="utf-8"><p>{RUSSIAN}</p>'
    doc = read_document(write(tmp_path, "a.html", markup.encode("cp1251")), encoding="cp1251")
    assert doc.text == RUSSIAN
    assert doc.report.encoding_detected is False


def test_html_mojibake_is_repaired_and_reported(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.html", "<p>It&#8217;s a cafÃ©</p>"))
    assert doc.text == "It’s a café"
    assert [(r.before, r.after) for r in doc.report.repairs] == [("Ã©", "é")]


def test_non_text_codec_declaration_is_ignored(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.html", '<meta charset="base64"><p>café</p>'))
    assert (doc.text, doc.report.encoding) == ("café", "utf-8")
