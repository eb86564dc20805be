"""A small, careful HTTP client (standard library only) for what the analyst asked to fetch.

One GET per address, nothing else: no images, scripts, styles or robots crawling. Redirects
are followed (at most `Limits.max_redirects`, loops refused); only http and https are spoken;
TLS certificates are verified. Every answer is bounded in time (connect, each read, the whole
address) and in size (read in pieces and refused as soon as it passes the cap, compressed or
not: a gzip bomb is cut at the cap, never unpacked whole). One request at a time per host.

Every failure is a `FetchFailed` with a plain reason ("404 Not Found", "timed out after 20 s",
"too large (over 10 MiB)"). Proxies named in the usual environment variables (`https_proxy`,
`http_proxy`, `no_proxy`) are used, except for this computer's own addresses.

Tests lower the limits by passing `Limits(...)` or by monkeypatching `DEFAULT_LIMITS`.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.message import Message
from http import HTTPStatus
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from annotator import __version__
from annotator.core.errors import ImportRefused

MiB = 1024 * 1024
USER_AGENT = f"Annotator/{__version__} (+local desktop tool; fetches only what the analyst asks)"
_ACCEPT = (
    "text/html,application/xhtml+xml,application/pdf;q=0.9,application/rss+xml,"
    "application/atom+xml,application/xml;q=0.8,text/plain;q=0.7,*/*;q=0.1"
)
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Limits:
    """How long and how much one address may take."""

    connect_timeout: float = 10.0  # seconds to connect (TLS handshake included)
    read_timeout: float = 20.0  # seconds of silence from the server
    total_timeout: float = 60.0  # seconds for one address, redirects included
    max_redirects: int = 5
    page_bytes: int = 10 * MiB  # web pages and plain text
    pdf_bytes: int = 20 * MiB
    feed_bytes: int = 5 * MiB

    def cap(self, kind: str | None) -> int:
        """The size cap of a kind of answer (None: not known yet, the largest)."""
        if kind == "pdf":
            return self.pdf_bytes
        if kind == "feed":
            return self.feed_bytes
        if kind is None:
            return max(self.page_bytes, self.pdf_bytes, self.feed_bytes)
        return self.page_bytes


DEFAULT_LIMITS = Limits()

#: Media type → how the answer is read (the reader's format, or "feed").
MEDIA_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "text/plain": "text",
    "text/markdown": "markdown",
    "application/rss+xml": "feed",
    "application/x-rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
}
#: Answers that say nothing useful about themselves: their first bytes decide.
_SNIFFED = frozenset({"", "application/octet-stream", "binary/octet-stream"})


class FetchFailed(ImportRefused):
    """An address could not be fetched; `reason` says why in plain words."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.url = url


@dataclass(frozen=True)
class Fetched:
    """What one address answered (after redirects)."""

    url: str  # the address asked for
    final_url: str  # where the answer came from
    kind: str  # "html", "pdf", "text", "markdown" or "feed"
    media_type: str
    charset: str | None
    data: bytes


def size_text(n: int) -> str:
    if n >= MiB:
        return f"{n / MiB:g} MiB"
    return f"{n / 1024:g} KiB" if n >= 1024 else f"{n:,} bytes"


def seconds_text(s: float) -> str:
    return f"{s:g} s"


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_ONLY_WEB = "only web addresses (http, https) are fetched"
_NOT_WEB = ("file", "ftp", "data", "javascript", "mailto", "about", "blob", "ws", "wss")


def web_address(text: str) -> str:
    """The address to fetch for what the analyst typed: http(s) only, no fragment, spaces and
    non-ASCII characters encoded. "example.com/a" means https://example.com/a.

    Raises FetchFailed for anything that is not a web address.
    """
    given = text.strip()
    if not given:
        raise FetchFailed(text, "empty address")
    scheme = _SCHEME.match(given)
    if "://" not in given and scheme and scheme.group(1).lower() in _NOT_WEB:
        raise FetchFailed(given, f"{_ONLY_WEB}, not {scheme.group(1)}:")
    if "://" not in given:
        given = "https://" + given
    parts = urlsplit(given)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchFailed(given, f"{_ONLY_WEB}, not {parts.scheme}:")
    try:
        host = parts.hostname
        port = parts.port
    except ValueError:
        raise FetchFailed(given, "not a valid web address (the port is not a number)") from None
    if not host:
        raise FetchFailed(given, "not a valid web address (no host name)")
    try:
        ascii_host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchFailed(given, "not a valid web address (the host name)") from None
    if ":" in ascii_host:  # an IPv6 address
        ascii_host = f"[{ascii_host}]"
    netloc = ascii_host if port is None else f"{ascii_host}:{port}"
    if parts.username is not None:
        credentials = quote(unquote(parts.username), safe="")
        if parts.password is not None:
            credentials += ":" + quote(unquote(parts.password), safe="")
        netloc = f"{credentials}@{netloc}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=~?")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Watch:
    """Cuts the connection when the address's time is up or the analyst cancels, so that a
    server that answers a byte at a time (or a Cancel) never waits for the read timeout."""

    def __init__(
        self, deadline: float, should_stop: Callable[[], bool] | None
    ) -> None:
        self.deadline = deadline
        self.should_stop = should_stop
        self.why = ""  # "time" or "cancelled" once cut
        self.connection: http.client.HTTPConnection | None = None
        self._over = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fetch watch", daemon=True)

    def __enter__(self) -> _Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._over.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._over.wait(min(0.1, max(0.0, self.deadline - time.monotonic()))):
            if time.monotonic() >= self.deadline:
                self._cut("time")
                return
            if self.should_stop is not None and self.should_stop():
                self._cut("cancelled")
                return

    def _cut(self, why: str) -> None:
        self.why = why
        sock = self.connection.sock if self.connection is not None else None
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Redirect(Exception):
    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class HttpClient:
    """Fetches one address at a time (see the module's docstring).

    `should_stop` is asked every tenth of a second while a request runs; True cuts it
    (reported as "cancelled"). `tls` replaces the default verifying TLS context (tests).
    """

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        should_stop: Callable[[], bool] | None = None,
        tls: ssl.SSLContext | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.limits = limits or DEFAULT_LIMITS
        self.should_stop = should_stop
        self.tls = tls
        self.user_agent = user_agent
        self._hosts: dict[str, threading.Lock] = {}
        self._hosts_lock = threading.Lock()

    def fetch(self, url: str) -> Fetched:
        """GET `url` (following redirects); raise FetchFailed with a plain reason."""
        address = web_address(url)
        limits = self.limits
        deadline = time.monotonic() + limits.total_timeout
        seen = {address}
        current = address
        for _hop in range(limits.max_redirects + 1):
            try:
                kind, media_type, charset, data = self._get(current, deadline)
            except _Redirect as redirect:
                target = urljoin(current, redirect.location.strip())
                try:
                    target = web_address(target)
                except FetchFailed as exc:
                    raise FetchFailed(url, f"redirected to {target}: {exc.reason}") from None
                if target in seen:
                    raise FetchFailed(
                        url, "too many redirects (the address redirects in a loop)"
                    ) from None
                seen.add(target)
                current = target
                continue
            except FetchFailed as exc:
                raise FetchFailed(url, exc.reason) from None
            return Fetched(url, current, kind, media_type, charset, data)
        raise FetchFailed(url, f"too many redirects (more than {limits.max_redirects})")

    # -- one request ----------------------------------------------------------------------

    @contextmanager
    def _host_turn(self, host: str) -> Iterator[None]:
        """One request at a time per host, whichever threads share this client."""
        with self._hosts_lock:
            lock = self._hosts.setdefault(host.lower(), threading.Lock())
        with lock:
            yield

    def _connection(self, address: str) -> tuple[http.client.HTTPConnection, str, dict[str, str]]:
        """The connection for `address` (direct or through the environment's proxy), the
        request target, and the headers the proxy needs."""
        parts = urlsplit(address)
        host, port = parts.hostname or "", parts.port
        timeout = self.limits.connect_timeout
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        headers: dict[str, str] = {}
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        proxy = urllib.request.getproxies().get(parts.scheme)
        if proxy and not _loopback(host) and not urllib.request.proxy_bypass(host):
            via = urlsplit(proxy if "://" in proxy else "http://" + proxy)
            proxy_headers: dict[str, str] = {}
            if via.username is not None:
                pair = f"{unquote(via.username)}:{unquote(via.password or '')}"
                proxy_headers["Proxy-Authorization"] = (
                    "Basic " + base64.b64encode(pair.encode()).decode()
                )
            if parts.scheme == "https":
                tunnel = http.client.HTTPSConnection(
                    via.hostname or "", via.port or 80, timeout=timeout, context=self._tls()
                )
                tunnel.set_tunnel(host, port or 443, headers=proxy_headers)
                return tunnel, target, headers
            plain = http.client.HTTPConnection(via.hostname or "", via.port or 80, timeout=timeout)
            return plain, urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2])), {
                **headers,
                **proxy_headers,
            }
        if parts.scheme == "https":
            secure = http.client.HTTPSConnection(
                host, port or 443, timeout=timeout, context=self._tls()
            )
            return secure, target, headers
        return http.client.HTTPConnection(host, port or 80, timeout=timeout), target, headers

    def _tls(self) -> ssl.SSLContext:
        if self.tls is None:
            self.tls = ssl.create_default_context()  # verifies certificates and host names
        return self.tls

    def _get(self, address: str, deadline: float) -> tuple[str, str, str | None, bytes]:
        """One GET: (kind, media type, charset, body); raises _Redirect or FetchFailed."""
        limits = self.limits
        host = urlsplit(address).netloc.rpartition("@")[2]
        if time.monotonic() >= deadline:
            raise FetchFailed(address, self._too_slow())
        with self._host_turn(host), _Watch(deadline, self.should_stop) as watch:
            connection, target, extra = self._connection(address)
            watch.connection = connection
            try:
                try:
                    connection.connect()
                except Exception as exc:
                    raise FetchFailed(address, self._why(watch, exc, connecting=True)) from None
                if connection.sock is not None:
                    connection.sock.settimeout(limits.read_timeout)
                try:
                    connection.request(
                        "GET",
                        target,
                        headers={
                            "User-Agent": self.user_agent,
                            "Accept": _ACCEPT,
                            "Accept-Encoding": "gzip, deflate",
                            "Connection": "close",
                            **extra,
                        },
                    )
                    response = connection.getresponse()
                    return self._answer(response, watch)
                except (FetchFailed, _Redirect):
                    raise
                except Exception as exc:
                    raise FetchFailed(address, self._why(watch, exc, connecting=False)) from None
            finally:
                connection.close()

    def _answer(
        self, response: http.client.HTTPResponse, watch: _Watch
    ) -> tuple[str, str, str | None, bytes]:
        status = response.status
        if status in _REDIRECTS:
            location = response.getheader("Location")
            if location:
                raise _Redirect(location)
        if not 200 <= status < 300:
            raise FetchFailed("", f"{status} {_phrase(status, response.reason)}".strip())
        if status == 204:
            raise FetchFailed("", "204 No Content (the server sent nothing)")
        header = Message()
        header["Content-Type"] = response.getheader("Content-Type", "") or ""
        media_type = header.get_content_type() if header["Content-Type"] else ""
        charset = header.get_param("charset")
        charset = charset if isinstance(charset, str) and charset else None
        kind: str | None = MEDIA_KINDS.get(media_type)
        if kind is None and media_type not in _SNIFFED:
            raise FetchFailed("", f"not a web page or PDF ({media_type})")
        body = _Body(
            self.limits, kind, (response.getheader("Content-Encoding") or "").strip().lower()
        )
        length = response.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > body.cap:
            raise FetchFailed("", body.too_large())
        while True:
            chunk = response.read1(_CHUNK)
            if watch.why:
                raise FetchFailed("", self._cut_reason(watch))
            if not chunk:
                break
            body.add(chunk)
        data = body.finish()
        if watch.why:
            raise FetchFailed("", self._cut_reason(watch))
        if body.kind is None:
            raise FetchFailed("", f"not a web page or PDF ({media_type or 'no media type'})")
        if not data:
            raise FetchFailed("", "the server sent nothing")
        return body.kind, media_type or _SNIFF_TYPES[body.kind], charset, data

    def _too_slow(self) -> str:
        return f"took more than {seconds_text(self.limits.total_timeout)} (the limit per address)"

    def _cut_reason(self, watch: _Watch) -> str:
        return "cancelled" if watch.why == "cancelled" else self._too_slow()

    def _why(self, watch: _Watch, exc: BaseException, *, connecting: bool) -> str:
        """A plain reason for an exception raised while connecting or reading."""
        limits = self.limits
        if watch.why:
            return self._cut_reason(watch)
        if isinstance(exc, ssl.SSLCertVerificationError):
            detail = exc.verify_message or exc.reason or str(exc)
            return f"TLS certificate problem: {detail}"
        if isinstance(exc, ssl.SSLError):
            return f"TLS problem: {exc.reason or exc}"
        if isinstance(exc, socket.gaierror):
            return "cannot connect (name not found)"
        if isinstance(exc, ConnectionRefusedError):
            return "cannot connect (connection refused)"
        if isinstance(exc, TimeoutError):
            if connecting:
                return f"cannot connect (timed out after {seconds_text(limits.connect_timeout)})"
            return f"timed out after {seconds_text(limits.read_timeout)}"
        if isinstance(exc, http.client.RemoteDisconnected):
            return "the server closed the connection without answering"
        if isinstance(exc, http.client.IncompleteRead):
            return "the connection was lost before the whole page arrived"
        if isinstance(exc, http.client.HTTPException):
            return f"the server's answer could not be read ({type(exc).__name__})"
        if isinstance(exc, (http.client.InvalidURL, UnicodeError, ValueError)):
            return f"not a valid web address ({exc})"
        if isinstance(exc, OSError):
            detail = exc.strerror or str(exc) or type(exc).__name__
            return f"cannot connect ({detail})" if connecting else f"connection lost ({detail})"
        return f"failed ({type(exc).__name__}: {exc})"


def _phrase(status: int, reason: str) -> str:
    if reason:
        return reason
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


_SNIFF_TYPES = {"html": "text/html", "pdf": "application/pdf", "feed": "application/xml"}


def sniff(head: bytes) -> str | None:
    """The kind of an answer that did not say what it is, from its first bytes."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"%pdf-"):
        return "pdf"
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if start.startswith(b"<?xml") or start.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        if any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf")):
            return "feed"
        if b"<html" in start:
            return "html"
    return None


class _Body:
    """The answer's bytes, unpacked as they arrive (gzip, deflate) and never past the cap."""

    def __init__(self, limits: Limits, kind: str | None, coding: str) -> None:
        self.limits = limits
        self.kind = kind
        self.coding = coding
        if coding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise FetchFailed("", f"compressed in a way Annotator does not read ({coding})")
        self.data = bytearray()
        self.wire = 0
        self._unpack: zlib._Decompress | None = None
        if coding in ("gzip", "x-gzip"):
            self._unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)

    @property
    def cap(self) -> int:
        return self.limits.cap(self.kind)

    def too_large(self) -> str:
        return f"too large (over {size_text(self.cap)})"

    def add(self, chunk: bytes) -> None:
        self.wire += len(chunk)
        if self.wire > self.cap:
            raise FetchFailed("", self.too_large())
        if self.coding == "deflate" and self._unpack is None:
            # "deflate" should be zlib-wrapped; some servers send the raw stream.
            raw = not chunk or (chunk[0] & 0x0F) != 8
            self._unpack = zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
        if self._unpack is None:
            self.data += chunk
        else:
            self._inflate(chunk)
        self._decide()

    def _inflate(self, chunk: bytes) -> None:
        assert self._unpack is not None
        pending = chunk
        try:
            while pending and not self._unpack.eof:
                room = self.cap - len(self.data) + 1  # >= 1: 0 would mean "no limit"
                self.data += self._unpack.decompress(pending, room)
                if len(self.data) > self.cap:
                    raise FetchFailed("", self.too_large() + " once unpacked")
                pending = self._unpack.unconsumed_tail
        except zlib.error:
            raise FetchFailed("", "the server's compressed answer is damaged") from None

    def _decide(self) -> None:
        if self.kind is None and len(self.data) >= 512:
            self.kind = sniff(bytes(self.data[:512]))
            if self.kind is None:
                raise FetchFailed("", "not a web page or PDF (the server did not say what it is)")
        if len(self.data) > self.cap:
            raise FetchFailed("", self.too_large())

    def finish(self) -> bytes:
        if self._unpack is not None and not self._unpack.eof and self.wire:
            raise FetchFailed("", "the connection was lost before the whole page arrived")
        if self.kind is None and self.data:
            self.kind = sniff(bytes(self.data[:512]))
        return bytes(self.data)
