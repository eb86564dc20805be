"""Web addresses and feeds as things to import (`annotator.core.importing.source.Source`).

`web_sources` looks at each address the analyst gave, in order, fetching it once: a page (or
a PDF, or plain text) becomes one source, read from the bytes already fetched; a feed becomes
one source per article it lists, each fetched when its turn comes in the import. A saved feed
file (`feed_file_sources`) lists articles the same way.

Every way of failing is an `ImportRefused` naming the address; a page the extractor cannot
read is refused too (with what went wrong), so one bad page never stops the others.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from annotator.core.errors import ImportRefused
from annotator.core.fetching.feeds import MAX_FEED_BYTES, Feed, read_feed
from annotator.core.fetching.http import (
    Fetched,
    FetchFailed,
    HttpClient,
    MiB,
    size_text,
    web_address,
)
from annotator.core.importing import ExtractedDocument, ReadOptions, SourceMeta, read_source
from annotator.core.importing.source import Source

#: Pages fetched while looking at the addresses are kept for the import up to this many
#: bytes in all; past it a page is fetched again when its turn comes.
HOLD_BYTES = 100 * MiB
#: Called before each address with (index, total, address); False stops looking.
Looking = Callable[[int, int, str], bool]

_SUFFIXES = {"html": ".html", "pdf": ".pdf", "text": ".txt", "markdown": ".md", "feed": ".xml"}
_DATE_PATH = re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)(?:/|$)")
_UNSAFE = re.compile(r"[^\w.-]+")


def file_name_for(url: str, kind: str) -> str:
    """A file-name-ish name for a page: its last path segment (or its host), with a date
    written in the path (/2024/05/01/) in front, the way a saved article would be named."""
    parts = urlsplit(url)
    segments = [s for s in unquote(parts.path).split("/") if s]
    stem = Path(segments[-1]).stem if segments else (parts.hostname or "page")
    stem = _UNSAFE.sub("-", stem).strip("-.")[:80] or (parts.hostname or "page")
    found = _DATE_PATH.search(parts.path)
    if found and not re.search(r"\d{4}-\d\d-\d\d", stem):
        stem = f"{found.group(1)}-{found.group(2)}-{found.group(3)}-{stem}"
    return stem + _SUFFIXES.get(kind, "")


def _encoding(fetched: Fetched, options: ReadOptions) -> ReadOptions:
    """The HTTP charset counts as declared, unless the analyst chose one, the bytes do not
    fit it, or they are valid UTF-8 with non-ASCII bytes (a stale declaration)."""
    charset = fetched.charset
    if options.encoding or not charset or fetched.kind in ("pdf", "feed"):
        return options
    try:
        fetched.data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return options
    if charset.lower().replace("_", "-") not in ("utf-8", "utf8") and not fetched.data.isascii():
        try:
            fetched.data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return options
    return replace(options, encoding=charset)


def read_fetched(
    address: str,
    fetched: Fetched | None,
    *,
    options: ReadOptions,
    client: HttpClient,
    given: SourceMeta | None = None,
) -> ExtractedDocument:
    """The document at `address` (fetched now unless `fetched` holds it already)."""
    if fetched is None:
        fetched = client.fetch(address)
    if fetched.kind == "feed":
        raise ImportRefused(
            address, "this is a feed, not an article (give the feed's own address to import it)"
        )
    known = given or SourceMeta()
    known = replace(known, url=known.url or fetched.final_url)
    try:
        return read_source(
            fetched.data,
            fetched.kind,
            source=Path(file_name_for(fetched.final_url, fetched.kind)),
            options=_encoding(fetched, options),
            url=fetched.final_url,
            given=known,
        )
    except ImportRefused as exc:
        raise ImportRefused(address, exc.reason) from None
    except Exception as exc:  # a page no extractor expected: refused, the others go on
        raise ImportRefused(
            address, f"the page could not be read ({type(exc).__name__}: {exc})"
        ) from None


def _item_sources(
    feed: Feed,
    *,
    options: ReadOptions,
    client: HttpClient,
    seen: set[str],
) -> list[Source]:
    sources = []
    for item in feed.items:
        try:
            link = web_address(item.link)
        except FetchFailed:
            link = item.link
        if link in seen:
            continue
        seen.add(link)
        given = SourceMeta(
            title=item.title, published=item.published, author=item.author, outlet=feed.title
        )
        read = partial(read_fetched, link, None, options=options, client=client, given=given)
        sources.append(Source(link, link, read))
    return sources


def web_sources(
    urls: Sequence[str],
    *,
    options: ReadOptions | None = None,
    client: HttpClient | None = None,
    progress: Looking | None = None,
) -> tuple[list[Source], list[ImportRefused]]:
    """The sources for `urls` (feeds expanded), and the addresses refused already.

    Each address is fetched once here; `progress` is asked before each, and False stops
    (the addresses not looked at yet are left out). The same address given twice, or an
    article listed by two feeds, is imported once.
    """
    options = options or ReadOptions()
    client = client or HttpClient()
    sources: list[Source] = []
    refused: list[ImportRefused] = []
    seen: set[str] = set()
    held = 0
    given = [u.strip() for u in urls if u.strip()]
    for index, text in enumerate(given):
        if progress is not None and not progress(index, len(given), text):
            break
        try:
            address = web_address(text)
        except FetchFailed as exc:
            refused.append(exc)
            continue
        if address in seen:
            continue
        seen.add(address)
        try:
            fetched = client.fetch(address)
        except FetchFailed as exc:
            refused.append(exc)
            continue
        if fetched.kind == "feed":
            try:
                feed = read_feed(fetched.data, where=address, base_url=fetched.final_url)
            except ImportRefused as exc:
                refused.append(exc)
                continue
            sources += _item_sources(feed, options=options, client=client, seen=seen)
            refused += [ImportRefused(address, note) for note in feed.notes]
            continue
        keep: Fetched | None = None
        if held + len(fetched.data) <= HOLD_BYTES:
            keep, held = fetched, held + len(fetched.data)
        read = partial(read_fetched, address, keep, options=options, client=client)
        sources.append(Source(address, address, read))
    return sources, refused


FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})


def feed_file_sources(
    path: Path, *, options: ReadOptions | None = None, client: HttpClient | None = None
) -> tuple[list[Source], list[ImportRefused]]:
    """The articles a saved feed file lists (each fetched when its turn comes), and what was
    refused: the file itself if it cannot be read or is not a feed, items left out."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefused(path, "not a regular file")
        if info.st_size > MAX_FEED_BYTES:
            raise ImportRefused(path, f"the feed is too large (over {size_text(MAX_FEED_BYTES)})")
        with path.open("rb") as handle:
            data = handle.read(MAX_FEED_BYTES + 1)
    except FileNotFoundError:
        return [], [ImportRefused(path, "the file does not exist")]
    except PermissionError:
        return [], [ImportRefused(path, "permission denied: the file cannot be read")]
    except ImportRefused as exc:
        return [], [exc]
    except OSError as exc:
        return [], [ImportRefused(path, f"the file cannot be read ({exc.strerror or exc})")]
    try:
        feed = read_feed(data, where=str(path))
    except ImportRefused as exc:
        return [], [exc]
    sources = _item_sources(
        feed, options=options or ReadOptions(), client=client or HttpClient(), seen=set()
    )
    return sources, [ImportRefused(path, note) for note in feed.notes]
