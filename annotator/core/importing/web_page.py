"""A saved web page → its article's main text and metadata (trafilatura does the extraction).

Menus, cookie banners, "most read" boxes, comments and footers are left out; what was left out
is summarised for the import report. When the extractor finds no article (an index page, a
page of links), the page's visible text is kept instead (`html_text.html_to_text`) and the
report says so. Nothing is fetched: trafilatura only ever sees the markup passed in.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from annotator.core.importing.html_text import (
    VOID_TAGS,
    html_to_text,
    region_blocks,
    visible_blocks,
)
from annotator.core.importing.report import SourceMeta

#: Extraction settings, chosen by measuring on benchmarks/extraction.py (see its docstring).
EXTRACTION_SETTINGS: dict[str, Any] = {
    "favor_precision": False,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,  # True would keep a cache across calls: not deterministic
    "fast": False,
}
_DATE_PARAMS = {"original_date": True, "extensive_search": False}
#: Under this many characters (CJK text: a third of it) the extraction is "too little".
MIN_ARTICLE_CHARS = 200
#: Pages larger than this skip the extractor (its tree work grows too fast); visible text kept.
#: A cost limit on the extractor, below the document limit: the text kept from any page is
#: then held to `annotator.core.limits.MAX_DOCUMENT_CHARS` like every import.
MAX_EXTRACTION_CHARS = 15_000_000
#: Nesting deeper than this defeats the extractor (and libxml2): visible text kept.
MAX_DEPTH = 1_000

EXTRACTED = "main text of the page (trafilatura)"
FULL_PAGE = "all visible text (--full-page)"
NOTHING_FOUND = "all visible text: no article found on the page"
LINKS_ONLY = "all visible text: no article found on the page (its text is mostly links)"
TOO_LITTLE = "all visible text: the article found was too short ({chars} characters)"
UNREADABLE = "all visible text: the page could not be analysed ({reason})"

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_MARKUP_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not \t \n \r: markup space
_VISIBLE_CONTROLS = _CONTROLS  # \t stays (inside <pre>), as in every other import
_SPACES = re.compile(r"[^\S\n\xa0]+")  # a no-break space survives, as in html_text
_ANY_SPACE = re.compile(r"\s+")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][^\s/>]*)[^>]*?(/?)>")
# For the nesting estimate, paragraphs and list items and cells count as closed too: pages
# leave them unclosed, and they never nest.
_VOID = VOID_TAGS | {"p", "li", "td", "th", "tr", "option"}


@dataclass
class WebPage:
    """What a web page yields for import."""

    text: str
    meta: SourceMeta
    #: One line for the report: how the text was taken from the page.
    extraction: str
    #: What was left out, summarised, one line each.
    left_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_web_page(markup: str, *, url: str = "", full_page: bool = False) -> WebPage:
    """Extract the article's main text and metadata from `markup` (never fetches anything).

    `url` is where the page came from, if known (used when the page names no canonical URL).
    With `full_page`, all visible text is kept, as the plain HTML import does.
    """
    warnings: list[str] = []
    controls = len(_MARKUP_CONTROLS.findall(markup))
    if controls:
        markup = _MARKUP_CONTROLS.sub("", markup)
        warnings.append(f"control characters removed from the page: {controls}")

    problem = _too_hostile(markup)
    tree = None if problem else _parse(markup)
    meta = _metadata(tree, markup, url)

    if full_page or problem:
        found = _metadata_only(tree, url) if tree is not None else None
        if found is not None:
            _merge_extracted_meta(meta, found, url)
        visible = html_to_text(markup)
        text = _visible_text(visible.text)
        _complete_meta(meta, visible.title, visible.published)
        extraction = FULL_PAGE if full_page else UNREADABLE.format(reason=problem)
        return WebPage(text=text, meta=meta, extraction=extraction, warnings=warnings)

    document = _extract(tree, url) if tree is not None else None
    text = _document_text(document) if document is not None else ""
    if document is None and tree is not None:
        document = _metadata_only(tree, url)
    if document is not None:
        _merge_extracted_meta(meta, document, url)
    links_only = bool(text) and _mostly_links(tree, text)
    if links_only or _too_little(text):
        visible = html_to_text(markup)
        _complete_meta(meta, visible.title, visible.published)
        if links_only:
            extraction = LINKS_ONLY
        else:
            extraction = NOTHING_FOUND if not text else TOO_LITTLE.format(chars=len(text))
        return WebPage(
            text=_visible_text(visible.text),
            meta=meta,
            extraction=extraction,
            warnings=warnings,
        )
    if not meta.title or meta.published is None:
        visible = html_to_text(markup)
        _complete_meta(meta, visible.title, visible.published)
    left_out = summarise_left_out(markup, text, meta.title, read=region_blocks(markup))
    return WebPage(text=text, meta=meta, extraction=EXTRACTED, left_out=left_out, warnings=warnings)


# --- extraction ---------------------------------------------------------------------------


def _too_hostile(markup: str) -> str:
    """Why the extractor must not see this markup (empty when it may)."""
    if len(markup) > MAX_EXTRACTION_CHARS:
        return f"{len(markup):,} characters of markup"
    depth = _max_depth(markup)
    if depth > MAX_DEPTH:
        return f"elements nested over {MAX_DEPTH:,} deep"
    return ""


def _max_depth(markup: str) -> int:
    """A cheap upper estimate of the nesting depth (unclosed tags count as open)."""
    depth = deepest = 0
    for match in _TAG.finditer(markup):
        closing, name, self_closing = match.groups()
        name = name.lower()
        if name in _VOID or self_closing or name.startswith("!"):
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    break
    return deepest


def _parse(markup: str) -> Any:
    from trafilatura.utils import load_html

    try:
        return load_html(markup)
    except (ValueError, TypeError):  # lxml refuses some inputs outright
        return None


def _extract(tree: Any, url: str) -> Any:
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            tree,
            url=url or None,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
            **EXTRACTION_SETTINGS,
        )
    except (ValueError, TypeError, RecursionError):
        return None


def _metadata_only(tree: Any, url: str) -> Any:
    from trafilatura.metadata import extract_metadata

    try:
        return extract_metadata(tree, url or None, _DATE_PARAMS)
    except (ValueError, TypeError, RecursionError):
        return None


def _document_text(document: Any) -> str:
    raw = document.text or ""
    items = set()
    if document.body is not None:
        for item in document.body.iter("item"):
            items.add(_squash("".join(item.itertext())))
    lines = []
    for line in raw.split("\n"):
        # trafilatura marks list items "- "; the page has no such characters.
        if line.startswith("- ") and _squash(line[2:]) in items:
            line = line[2:]
        lines.append(line)
    return _clean_lines(lines)


def _clean_lines(lines: list[str]) -> str:
    cleaned = []
    for line in lines:
        line = _CONTROLS.sub("", line.replace("\u2028", " ").replace("\u2029", " "))
        line = _SPACES.sub(" ", line).strip(" \xa0")
        if line:
            cleaned.append(line)
    return "\n".join(cleaned)


def _visible_text(text: str) -> str:
    """html_text's reading as it is (whitespace already collapsed, except in <pre>), without
    control characters (a tab inside <pre> stays, as in every other import)."""
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return _VISIBLE_CONTROLS.sub("", text)


def _squash(text: str) -> str:
    return _ANY_SPACE.sub(" ", text).strip()


def _too_little(text: str) -> bool:
    if not text:
        return True
    needed = MIN_ARTICLE_CHARS
    if len(_CJK.findall(text)) > len(text) / 3:
        needed //= 3
    return len(text) < needed


#: Share of the extracted characters that may be link text before the page counts as a list
#: of links (a section front, a search result page) rather than an article.
MAX_LINK_SHARE = 0.5
_MAX_ANCHOR_CHARS = 2_000_000


def _mostly_links(tree: Any, text: str) -> bool:
    """Whether most of `text` is the text of the page's links (teasers, not an article)."""
    anchors = []
    size = 0
    for anchor in tree.iter("a"):
        flat = _squash(anchor.text_content())
        if len(flat) >= 4:
            anchors.append(flat)
            size += len(flat) + 1
            if size > _MAX_ANCHOR_CHARS:
                break
    joined = "\n".join(anchors)
    total = linked = 0
    for line in text.split("\n"):
        flat = _squash(line)
        total += len(flat)
        if len(flat) >= 4 and flat in joined:
            linked += len(flat)
    return total > 0 and linked / total > MAX_LINK_SHARE


# --- metadata -----------------------------------------------------------------------------


def _metadata(tree: Any, markup: str, url: str) -> SourceMeta:
    meta = SourceMeta(url=url)
    if tree is None:
        return meta
    meta.language = _language(tree)
    canonical = _first(tree.xpath('//link[@rel="canonical"]/@href')) or _first(
        tree.xpath('//meta[@property="og:url"]/@content')
    )
    if canonical and _is_web_address(urljoin(url, canonical)):
        meta.url = urljoin(url, canonical)
    return meta


def _language(tree: Any) -> str:
    candidates = [
        *tree.xpath("/html/@lang"),
        *tree.xpath("/html/@xml:lang"),
        *tree.xpath(
            '//meta[translate(@http-equiv, "CONTENT-LANGUAGE", "content-language")'
            '="content-language"]/@content'
        ),
        *tree.xpath('//meta[@name="language" or @name="Language"]/@content'),
        *tree.xpath('//meta[@property="og:locale"]/@content'),
        *_json_ld_values(tree, "inLanguage"),
    ]
    for value in candidates:
        code = str(value).strip().split(",")[0].strip().replace("_", "-")
        if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", code):
            return code
    return ""


def _json_ld_values(tree: Any, key: str) -> list[str]:
    values: list[str] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()')[:20]:
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        seen = 0
        while stack and seen < 1000:
            seen += 1
            item = stack.pop()
            if isinstance(item, dict):
                value = item.get(key)
                if isinstance(value, str):
                    values.append(value)
                elif isinstance(value, dict) and isinstance(value.get("name"), str):
                    values.append(value["name"])
                stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
            elif isinstance(item, list):
                stack.extend(item)
    return values


def _merge_extracted_meta(meta: SourceMeta, document: Any, url: str) -> None:
    meta.title = _squash(document.title or "")
    meta.author = "; ".join(
        a for a in (_squash(x) for x in (document.author or "").split(";")) if a
    )
    meta.outlet = _squash(document.sitename or "")
    meta.published = _iso_date(document.date)
    if not meta.url or meta.url == url:
        extracted_url = document.url or ""
        if extracted_url and _is_web_address(urljoin(url, extracted_url)):
            meta.url = urljoin(url, extracted_url)
    if not meta.language and document.language:
        meta.language = str(document.language)


def _complete_meta(meta: SourceMeta, title: str, published: str | None) -> None:
    """Fill what the extractor did not find from the plain HTML reading."""
    if not meta.title:
        meta.title = title
    if meta.published is None:
        meta.published = published


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _first(values: list[Any]) -> str:
    for value in values:
        if str(value).strip():
            return str(value).strip()
    return ""


def _is_web_address(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# --- what was left out --------------------------------------------------------------------

_SHORT = 40
_MAX_LINES = 8


def summarise_left_out(
    markup: str, kept: str, title: str = "", *, read: list[tuple[str, str]] | None = None
) -> list[str]:
    """Summarise the page's visible text that is not in `kept`, by the part of the page it
    came from (menus, footer, comments…), a handful of lines for the import report.
    `read` is `visible_blocks(markup)` when already read."""
    kept_lines = {_squash(line) for line in kept.split("\n")}
    kept_flat = _squash(kept)
    title_flat = _squash(title)
    chars: Counter[str] = Counter()
    blocks: Counter[str] = Counter()
    example: dict[str, str] = {}
    for text, region in read if read is not None else visible_blocks(markup):
        flat = _squash(text)
        if not flat or flat in kept_lines or flat == title_flat:
            continue
        if len(flat) >= 12 and flat in kept_flat:
            continue
        if not region:
            region = "short" if len(flat) <= _SHORT else "other"
        chars[region] += len(flat)
        blocks[region] += 1
        example.setdefault(region, flat)
    lines = []
    for region, count in sorted(chars.items(), key=lambda kv: (-kv[1], kv[0])):
        n = blocks[region]
        if region == "short":
            what = "block" if n == 1 else "blocks"
            lines.append(f"{n} short {what} (links, buttons, captions): {count:,} characters")
        elif region == "other":
            sample = _ellipsis(example[region], 60)
            what = "paragraph" if n == 1 else "paragraphs"
            lines.append(f"{n} other {what}: {count:,} characters, e.g. “{sample}”")
        else:
            lines.append(f"{region}: {count:,} characters")
    if len(lines) > _MAX_LINES:
        rest = sum(sorted(chars.values(), reverse=True)[_MAX_LINES - 1 :])
        lines = lines[: _MAX_LINES - 1] + [f"other parts of the page: {rest:,} characters"]
    return lines


def _ellipsis(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut + "…"
