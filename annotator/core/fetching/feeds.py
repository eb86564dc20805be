"""RSS and Atom feeds (feedparser, BSD licence) read from bytes: the articles they list.

Nothing is fetched here: feedparser is always handed the bytes (never a string, which it
would take for an address or a file name). A feed over `MAX_FEED_BYTES` is refused; only the
first `MAX_FEED_ITEMS` items are kept, and the rest is named in a note.
"""

from __future__ import annotations

import html
import io
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from annotator.core.errors import ImportRefused
from annotator.core.fetching.http import MiB, size_text

MAX_FEED_BYTES = 5 * MiB
MAX_FEED_ITEMS = 500


@dataclass(frozen=True)
class FeedItem:
    """One article a feed lists; `published` is an ISO date (YYYY-MM-DD) or None."""

    link: str
    title: str = ""
    published: str | None = None
    author: str = ""


@dataclass
class Feed:
    title: str
    items: list[FeedItem] = field(default_factory=list)
    #: What was not taken from the feed, one line each (items over the limit, links that are
    #: not web addresses).
    notes: list[str] = field(default_factory=list)


_TAG = re.compile(r"<[^>]*>")


def _plain(value: Any, detail: Any = None) -> str:
    text = str(value or "")
    if isinstance(detail, dict) and "html" in str(detail.get("type", "")):
        text = html.unescape(_TAG.sub("", text))
    return " ".join(text.split())


def _date(raw: Any, parsed: Any) -> str | None:
    """The date as the feed wrote it (in the feed's own time zone), else feedparser's (UTC)."""
    if isinstance(raw, str) and raw.strip():
        text = raw.strip()
        for read in (parsedate_to_datetime, datetime.fromisoformat):
            try:
                return read(text).date().isoformat()
            except (TypeError, ValueError, IndexError, OverflowError):
                continue
    if isinstance(parsed, time.struct_time):
        return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
    return None


def _link(entry: Any, base: str) -> str:
    link = entry.get("link") or ""
    if not link:
        for candidate in entry.get("links") or ():
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link:
        ident = str(entry.get("id") or "")
        link = ident if ident.startswith(("http://", "https://")) else ""
    link = str(link).strip()
    return urljoin(base, link) if base and link else link


def read_feed(
    data: bytes, *, where: str, base_url: str = "", max_items: int | None = None
) -> Feed:
    """The feed's title and items; raises ImportRefused (naming `where`) if it is none.

    `base_url` is where the feed came from: relative item links are resolved against it.
    """
    import feedparser  # loaded when a feed is first read

    if len(data) > MAX_FEED_BYTES:
        raise ImportRefused(where, f"too large (over {size_text(MAX_FEED_BYTES)})")
    limit = MAX_FEED_ITEMS if max_items is None else max_items
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-location": base_url} if base_url else None,
        sanitize_html=False,  # the items' own text is never used: each article is fetched
        resolve_relative_uris=False,
    )
    entries = parsed.get("entries") or []
    if not parsed.get("version") and not entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise ImportRefused(where, f"not an RSS or Atom feed{detail}")
    feed = Feed(title=_plain(parsed.feed.get("title"), parsed.feed.get("title_detail")))
    # A saved feed's relative links are read against the site the feed names.
    site = str(parsed.feed.get("link") or "")
    base = base_url or (site if urlsplit(site).scheme.lower() in ("http", "https") else "")
    seen: set[str] = set()
    unusable = 0
    for entry in entries:
        link = _link(entry, base)
        if urlsplit(link).scheme.lower() not in ("http", "https"):
            unusable += 1
            continue
        if link in seen:
            continue
        seen.add(link)
        author = entry.get("author_detail", {}).get("name") or entry.get("author") or ""
        feed.items.append(
            FeedItem(
                link=link,
                title=_plain(entry.get("title"), entry.get("title_detail")),
                published=_date(
                    entry.get("published") or entry.get("updated"),
                    entry.get("published_parsed") or entry.get("updated_parsed"),
                ),
                author=_plain(author),
            )
        )
    if unusable:
        feed.notes.append(f"{unusable} item(s) without a web address (http, https) were skipped")
    if len(feed.items) > limit:
        feed.notes.append(
            f"the feed lists {len(feed.items)} articles; only the first {limit} were fetched"
        )
        del feed.items[limit:]
    if not feed.items and not feed.notes:
        feed.notes.append("the feed lists no articles")
    return feed
