"""HTML → visible text with the standard-library parser (nothing is fetched or executed).

Block elements become line breaks, whitespace inside a paragraph collapses as a browser
would (except in `<pre>`), and entities are decoded, so `&lt;b&gt;` reads as `<b>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

# Elements whose content is never shown as text. `embed` is void, so it has no content.
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg"})
# fmt: off
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)
# fmt: on
_CELLS = frozenset({"td", "th"})
# Anything else seen inside an unclosed <head> means the body has begun.
_HEAD_ONLY = frozenset({"title", "meta", "link", "base", "style", "script", "noscript", "template"})
_PUBLISHED_KEYS = frozenset({"article:published_time", "og:published_time", "datepublished"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # not \s: a no-break space must survive
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass
class HtmlText:
    """What an HTML page yields: its title (maybe empty), visible text and publication date."""

    title: str
    text: str
    published: str | None


def _collapse(text: str) -> str:
    return _HTML_SPACE.sub(" ", text).strip(" ")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skip: list[str] = []  # open elements whose content is hidden
        self._in_head = False
        self._in_title = False
        self._title: list[str] = []
        self._h1: list[str] | None = None  # collecting the first <h1>
        self.first_h1 = ""
        self._pre = 0
        self._pre_start = False
        self.meta_date: str | None = None
        self.time_date: str | None = None

    @property
    def title(self) -> str:
        return _collapse("".join(self._title))

    def _flush(self) -> None:
        text = "".join(self._current)
        self._current = []
        if self._pre:
            text = text.rstrip("\n")
            if text.strip():
                self.paragraphs.append(text)
        elif text := _collapse(text):
            self.paragraphs.append(text)

    def finish(self) -> None:
        """Keep the text of a final paragraph that was never closed."""
        self._flush()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in _SKIP:
            self._skip.append(tag)
        if self._skip:
            return
        self._pre_start = self._pre_start and tag == "pre"
        if tag == "head":
            self._in_head = True
        elif self._in_head and tag not in _HEAD_ONLY:
            self._in_head = False
        if tag == "meta":
            key = values.get("property") or values.get("name") or values.get("itemprop") or ""
            if key.lower() in _PUBLISHED_KEYS and self.meta_date is None:
                self.meta_date = values.get("content")
        elif tag == "time" and self.time_date is None and values.get("datetime"):
            self.time_date = values["datetime"]
        elif tag == "title":
            self._in_title = True
        elif tag == "h1" and self._h1 is None and not self.first_h1:
            self._h1 = []
        if tag in _BLOCK:
            if self._pre and tag == "br":
                self._current.append("\n")
            else:
                self._flush()
            if tag == "pre":
                self._pre += 1
                self._pre_start = True
        elif tag in _CELLS:
            self._current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <svg/> and friends have no content, so nothing must be pushed on the skip stack.
        if tag not in _SKIP:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skip:
            while self._skip.pop() != tag:
                pass
            return
        if self._skip:
            return
        self._pre_start = self._pre_start and tag == "pre"
        if tag == "head":
            self._in_head = False
        elif tag == "title":
            self._in_title = False
        elif tag == "h1" and self._h1 is not None:
            self.first_h1 = _collapse("".join(self._h1))
            self._h1 = None
        if tag in _BLOCK and tag != "br":
            self._flush()
            if tag == "pre" and self._pre:
                self._pre -= 1
        elif tag in _CELLS:
            self._current.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self._title.append(data)
            return
        if self._in_head:
            return
        if self._pre_start:
            # As in browsers, a newline right after <pre> is not content.
            data = data[1:] if data.startswith("\n") else data
            self._pre_start = False
        if self._h1 is not None:
            self._h1.append(data)
        self._current.append(data)


def _iso_date(value: str | None) -> str | None:
    """The YYYY-MM-DD a date/datetime attribute starts with, if it is a real date."""
    match = _DATE.match(value.strip()) if value else None
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


def html_to_text(markup: str) -> HtmlText:
    """Extract the title, the visible text (paragraphs joined by "\\n") and the date."""
    parser = _Extractor()
    parser.feed(markup)
    parser.close()
    parser.finish()
    return _page_of(parser)


def _page_of(parser: _Extractor) -> HtmlText:
    published = _iso_date(parser.meta_date) or _iso_date(parser.time_date)
    return HtmlText(
        title=parser.title or parser.first_h1,
        text="\n".join(parser.paragraphs),
        published=published,
    )


# --- where each piece of visible text sits (for the import report's "left out" lines) ------

# Checked innermost first; the first part of the page a class/id/role names wins.
_REGION_WORDS = (
    ("cookie notice", re.compile(r"cookie|consent|gdpr|privacy-?banner")),
    ("comments", re.compile(r"comment|disqus|respond|repl(y|ies)")),
    ("newsletter and subscription boxes", re.compile(r"newsletter|subscri|sign-?up|paywall")),
    ("sharing buttons", re.compile(r"share|sharing|social|follow-?us")),
    (
        "related and most-read links",
        re.compile(
            r"related|recommend|most-?(read|popular|viewed)|popular|trending|"
            r"more-?(stories|news|articles)|read-?more|read-?also|outbrain|taboola|see-?also"
        ),
    ),
    ("advertising", re.compile(r"(^|[\s_-])(ads?|advert\w*|sponsor\w*|promo\w*|dfp)($|[\s_-])")),
    ("navigation and menus", re.compile(r"(^|[\s_-])nav|menu|breadcrumb|masthead|skip-?link")),
    ("page header", re.compile(r"(^|[\s_-])(site-?)?header|top-?bar")),
    ("footer", re.compile(r"footer|copyright|colophon")),
    ("sidebars", re.compile(r"sidebar|side-?bar|(^|[\s_-])(aside|rail|widget)")),
)
_REGION_TAGS = {
    "nav": "navigation and menus",
    "header": "page header",
    "footer": "footer",
    "aside": "sidebars",
    "form": "forms and search boxes",
}
_REGION_ROLES = {
    "navigation": "navigation and menus",
    "banner": "page header",
    "contentinfo": "footer",
    "complementary": "sidebars",
    "search": "forms and search boxes",
}
#: Elements that never have content (the HTML standard's void elements).
VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_END_SEARCH = 64  # how far down the open elements an end tag may close (bounded work)


def _region_of(tag: str, values: dict[str, str]) -> str:
    words = " ".join((values.get("class", ""), values.get("id", ""))).lower()
    if words.strip():
        for region, pattern in _REGION_WORDS:
            if pattern.search(words):
                return region
    role = values.get("role", "").lower()
    if role in _REGION_ROLES:
        return _REGION_ROLES[role]
    return _REGION_TAGS.get(tag, "")


class _RegionExtractor(_Extractor):
    """The visible-text reading of `_Extractor`, remembering for each paragraph the part of
    the page it sits in (the innermost navigation, footer, comments… element around it)."""

    def __init__(self) -> None:
        super().__init__()
        self.regions: list[str] = []
        self._open: list[tuple[str, str]] = []  # (tag, region in force inside it)

    def _flush(self) -> None:
        before = len(self.paragraphs)
        super()._flush()
        if len(self.paragraphs) > before:
            self.regions.append(self._open[-1][1] if self._open else "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        if tag in VOID_TAGS:
            return
        values = {name: value or "" for name, value in attrs}
        inherited = self._open[-1][1] if self._open else ""
        self._open.append((tag, _region_of(tag, values) or inherited))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIP:
            super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        for back in range(1, min(len(self._open), _END_SEARCH) + 1):
            if self._open[-back][0] == tag:
                del self._open[-back:]
                break


def visible_blocks(markup: str) -> list[tuple[str, str]]:
    """The visible paragraphs of `html_to_text`, each with the part of the page it sits in
    ("navigation and menus", "footer", "comments"…; empty when nothing says)."""
    return read_regions(markup)[1]


def read_regions(markup: str) -> tuple[HtmlText, list[tuple[str, str]]]:
    """`html_to_text` and `visible_blocks` of the page in one reading (the page is parsed
    once: a large page takes tens of milliseconds to read)."""
    parser = _RegionExtractor()
    parser.feed(markup)
    parser.close()
    parser.finish()
    return _page_of(parser), list(zip(parser.paragraphs, parser.regions, strict=True))


def region_blocks(markup: str) -> list[tuple[str, str]] | None:
    """`visible_blocks` read with lxml (C, about ten times faster than the standard library's
    parser on a news page): for the import report's summary of what was left out, where
    exactness matters less than speed. None when lxml cannot read the markup."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        return None
    blocks: list[tuple[str, str]] = []
    current: list[str] = []
    regions: list[str] = [""]  # the region in force inside each open element
    skipping = 0

    def flush() -> None:
        if text := _collapse("".join(current)):
            blocks.append((text, regions[-1]))
        current.clear()

    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if skipping or tag in _SKIP or tag in ("head", "title"):
                skipping += 1
                continue
            if tag in _BLOCK or tag in _CELLS:
                flush()
            values = {k: str(v) for k, v in element.attrib.items()} if tag else {}
            regions.append((_region_of(tag, values) if tag else "") or regions[-1])
            if tag and element.text:
                current.append(element.text)
        else:
            if skipping:
                skipping -= 1
            else:
                if tag in _BLOCK or tag in _CELLS:
                    flush()
                regions.pop()
            if element.tail and not skipping:
                current.append(element.tail)
    flush()
    return blocks
