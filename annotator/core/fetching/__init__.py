"""Fetching what the analyst asked for from the web: pages, PDFs and feeds (no Qt here).

`http` is the client (timeouts, size caps, redirects, TLS), `feeds` reads RSS and Atom,
`sources` turns addresses and feed files into things `annotator.core.ingest` imports.
"""

from annotator.core.fetching.http import (
    Fetched,
    FetchFailed,
    HttpClient,
    Limits,
    web_address,
)

__all__ = ["FetchFailed", "Fetched", "HttpClient", "Limits", "web_address"]
