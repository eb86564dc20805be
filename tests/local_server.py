"""A web server on 127.0.0.1 (ephemeral port) for the fetching tests: no test touches the
internet. It serves articles, a PDF, RSS and Atom feeds linking back to it, and every way a
server can fail (404, redirect loops, pages that never end, silence, gzip bombs, images, a
self-signed certificate).

    with LocalWeb() as web:            # or the `web` fixture below
        web.url("/article.html")       # http://127.0.0.1:PORT/article.html
        web.https_url("/article.html") # the same routes over TLS, self-signed (web.ca_file)
        web.requests                   # every request line and its headers, in order
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gzip
import io
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ARTICLE_TITLE = "Harbour talks resume after a long winter"
ARTICLE_BODY = [
    "Negotiators from both port authorities met again on Tuesday for the first time since "
    "November, officials said, after months in which shipping schedules slipped and crews "
    "waited for days at anchor outside the breakwater.",
    "The talks, held in the old customs house, focused on berth fees, night pilotage and the "
    "shared dredging budget that both sides say is now overdue by more than a year.",
    "“We have a framework, not yet an agreement,” said the harbour master, adding that the "
    "technical teams would continue through the weekend and report on Monday morning.",
    "Fishermen who use the inner basin said they hoped the rules on mooring would be simpler "
    "by summer, when the number of visiting boats usually doubles.",
]
UNTITLED_BODY = [
    "The regional council approved the new tram line on Thursday evening by a narrow vote, "
    "ending a debate that had lasted most of the past three years.",
    "Construction is expected to begin next spring and to close two central streets for "
    "several months, the council's transport committee said in a statement.",
    "Shop owners along the route asked for compensation during the works; the council said a "
    "fund would be discussed at its next session.",
]
PLAIN_TEXT = (
    "Grain prices ease as the harvest comes in\n\n"
    "Wholesale grain prices fell for the third week running as an early harvest reached the "
    "markets, traders said on Friday.\n"
)
FEED_PLAIN_TITLE = "Grain prices ease (feed title)"
FEED_UNTITLED_TITLE = "Council approves the tram line"
FEED_UNTITLED_DATE = "2024-03-05"
PDF_TEXT = "Quarterly shipping report: container traffic rose by four per cent."


def _html(title: str | None, paragraphs: list[str], head: str = "") -> bytes:
    title_tag = f"<title>{title}</title>" if title else ""
    heading = f"<h1>{title}</h1>" if title else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"{title_tag}{head}</head><body><nav><a href='/'>Home</a> | <a href='/world'>World</a>"
        f"</nav><main><article>{heading}{body}</article></main>"
        "<footer>© Local Harbour News. All rights reserved.</footer></body></html>"
    ).encode()


@functools.cache
def pdf_bytes() -> bytes:
    """A one-page PDF with a text layer, drawn by reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle("Quarterly shipping report")
    pdf.drawString(72, 760, PDF_TEXT)
    pdf.drawString(72, 740, "Tanker movements were unchanged from the previous quarter.")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@functools.cache
@functools.cache
def gzip_bomb() -> bytes:
    """64 MiB of spaces, gzipped to about 64 KiB (made once: compressing takes about a second
    of CPU, which a busy machine would add to the response time the client measures)."""
    return gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9)


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        pass  # quiet: the tests read `requests`

    def do_GET(self) -> None:  # noqa: N802 (the base's name)
        web = self.server.web
        web.requests.append((self.requestline, dict(self.headers.items())))
        path = urlsplit(self.path).path
        route = web.routes.get(path)
        if route is None:
            self.send_plain(404, "Not Found", b"no such page", "text/plain")
            return
        # The client may hang up (as it should, past a limit).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, ssl.SSLError):
            route(self)

    # -- helpers for routes -----------------------------------------------------------------

    def send_plain(
        self, status: int, reason: str, body: bytes, media_type: str, **headers: str
    ) -> None:
        self.send_response(status, reason)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_plain(status, "Found", b"", "text/plain", Location=location)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    web: LocalWeb

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # failed handshakes and hung-up clients are what the tests provoke


Route = Callable[[_Handler], None]


class LocalWeb:
    """The server (HTTP and HTTPS on two ports), its routes and what it was asked."""

    def __init__(self, cert_dir: Path | None = None) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        self.counter = 0
        self.routes: dict[str, Route] = {}
        gzip_bomb()  # ready before any request, so /bomb answers at once
        self._servers: list[_Server] = []
        self._cert_dir = cert_dir
        self.ca_file: Path | None = None
        self.port = 0
        self.tls_port = 0
        self._add_routes()

    # -- addresses --------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def https_url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.tls_port}{path}"

    def paths_asked(self) -> list[str]:
        return [urlsplit(line.split()[1]).path for line, _headers in self.requests]

    # -- running ----------------------------------------------------------------------------

    def __enter__(self) -> LocalWeb:
        self.port = self._start(None)
        if self._cert_dir is not None:
            cert, key = make_self_signed(self._cert_dir)
            self.ca_file = cert
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            self.tls_port = self._start(context)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def _start(self, tls: ssl.SSLContext | None) -> int:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.web = self
        if tls is not None:
            # The handshake happens in the handler's thread, on its first read.
            server.socket = tls.wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False
            )
        threading.Thread(
            target=server.serve_forever, args=(0.02,), name="local web", daemon=True
        ).start()
        self._servers.append(server)
        return int(server.server_address[1])

    # -- the routes -------------------------------------------------------------------------

    def _add_routes(self) -> None:
        article = _html(
            ARTICLE_TITLE,
            ARTICLE_BODY,
            head="<meta property='article:published_time' content='2024-02-20T08:00:00Z'>",
        )
        untitled = _html(None, UNTITLED_BODY)

        def page(body: bytes, media_type: str = "text/html; charset=utf-8") -> Route:
            return lambda h: h.send_plain(200, "OK", body, media_type)

        def canonical(h: _Handler) -> None:
            # Two addresses of one article (tracking parameters): one canonical address.
            head = f"<link rel='canonical' href='{self.url('/article.html')}'>"
            h.send_plain(200, "OK", _html(ARTICLE_TITLE, ARTICLE_BODY, head), "text/html")

        def counter(h: _Handler) -> None:
            self.counter += 1
            text = f"Live ticker\n\nThe ticker was read {self.counter} time(s) so far.\n"
            h.send_plain(200, "OK", text.encode(), "text/plain; charset=utf-8")

        def endless(h: _Handler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Connection", "close")
            h.end_headers()
            h.wfile.write(b"<html><body>")
            chunk = b"<p>" + b"more and more text " * 3000 + b"</p>"
            while not self.stopping.is_set():
                h.wfile.write(chunk)

        def trickle(h: _Handler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Connection", "close")
            h.end_headers()
            while not self.stopping.wait(0.05):
                h.wfile.write(b"x")
                h.wfile.flush()

        def slow(h: _Handler) -> None:
            self.stopping.wait(30)  # says nothing until the server stops

        def bomb(h: _Handler) -> None:
            h.send_plain(200, "OK", gzip_bomb(), "text/html", Content_Encoding="gzip")

        def gzipped(h: _Handler) -> None:
            body = gzip.compress(_html(ARTICLE_TITLE, ARTICLE_BODY))
            h.send_plain(200, "OK", body, "text/html", Content_Encoding="gzip")

        def chunked(h: _Handler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "text/plain; charset=utf-8")
            h.send_header("Transfer-Encoding", "chunked")
            h.send_header("Connection", "close")
            h.end_headers()
            for part in (PLAIN_TEXT[:30], PLAIN_TEXT[30:]):
                data = part.encode()
                h.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            h.wfile.write(b"0\r\n\r\n")
            h.close_connection = True

        def hop(n: int) -> Route:
            target = "/article.html" if n == 0 else f"/hop/{n - 1}"
            return lambda h: h.redirect(target)

        self.routes.update(
            {
                "/article.html": page(article),
                "/article-shared": canonical,
                "/untitled.html": page(untitled),
                "/news/2024/03/07/grain-prices": page(PLAIN_TEXT.encode(), "text/plain"),
                "/no-title.txt": page(PLAIN_TEXT.encode(), "text/plain; charset=utf-8"),
                "/report.pdf": lambda h: h.send_plain(200, "OK", pdf_bytes(), "application/pdf"),
                "/feed.rss": lambda h: h.send_plain(200, "OK", self.rss(), "application/rss+xml"),
                "/feed.atom": lambda h: h.send_plain(
                    200, "OK", self.atom(), "application/atom+xml; charset=utf-8"
                ),
                "/gone": lambda h: h.send_plain(410, "Gone", b"gone", "text/plain"),
                "/moved": lambda h: h.redirect("/article.html", 301),
                "/loop-a": lambda h: h.redirect("/loop-b"),
                "/loop-b": lambda h: h.redirect(self.url("/loop-a")),
                "/to-file": lambda h: h.redirect("file:///etc/passwd"),
                "/counter": counter,
                "/endless": endless,
                "/trickle": trickle,
                "/slow": slow,
                "/bomb": bomb,
                "/gzipped.html": gzipped,
                "/chunked.txt": chunked,
                "/image.png": lambda h: h.send_plain(200, "OK", PNG, "image/png"),
                "/octet": lambda h: h.send_plain(
                    200, "OK", pdf_bytes(), "application/octet-stream"
                ),
                **{f"/hop/{n}": hop(n) for n in range(10)},
            }
        )

    def rss(self) -> bytes:
        return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Local Harbour News</title><link>{self.url("/")}</link>
<description>Test feed</description>
<item><title>{FEED_UNTITLED_TITLE}</title><link>{self.url("/untitled.html")}</link>
<pubDate>Tue, 05 Mar 2024 00:30:00 +0100</pubDate><author>desk@example.org (City Desk)</author>
</item>
<item><title>{FEED_PLAIN_TITLE}</title><link>/no-title.txt</link>
<pubDate>Thu, 07 Mar 2024 09:00:00 GMT</pubDate></item>
<item><title>A missing page</title><link>{self.url("/gone")}</link></item>
</channel></rss>""".encode()

    def atom(self) -> bytes:
        return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Local Harbour News (Atom)</title><id>urn:local:feed</id>
<updated>2024-03-08T10:00:00Z</updated>
<entry><title type="html">Council approves &lt;b&gt;the tram line&lt;/b&gt;</title>
<link rel="alternate" href="{self.url("/untitled.html")}"/><id>urn:local:1</id>
<published>{FEED_UNTITLED_DATE}T07:00:00+02:00</published><updated>2024-03-06T00:00:00Z</updated>
<author><name>City Desk</name></author></entry>
<entry><title>Shipping report</title><link href="{self.url("/report.pdf")}"/>
<id>urn:local:2</id><updated>2024-03-08T10:00:00Z</updated></entry>
</feed>""".encode()


def make_self_signed(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (cryptography), and its key."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Annotator test server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def web(tmp_path: Path) -> Iterator[LocalWeb]:
    with LocalWeb(cert_dir=tmp_path / "tls") as server:
        yield server


@pytest.fixture
def fast_limits(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Limits low enough that the never-ending, silent and trickling pages fail quickly."""
    from annotator.core.fetching import http

    limits = http.Limits(
        connect_timeout=2,
        read_timeout=0.5,
        total_timeout=2,
        page_bytes=256 * 1024,
        pdf_bytes=512 * 1024,
        feed_bytes=64 * 1024,
    )
    monkeypatch.setattr(http, "DEFAULT_LIMITS", limits)
    return limits
