"""Limits that several parts of the core must agree on.

`MAX_DOCUMENT_CHARS` is the longest text a document may have, in code points: the importer
refuses longer texts (every format: plain text, web pages, .docx, PDF), and reading an
annotation file back (`annotator.core.interchange`) accepts texts and offsets up to it, so
whatever was imported can be exported and imported or merged again. It matches the 64 MiB
file limit: a plain-text file under that limit always fits.
"""

from __future__ import annotations

MAX_DOCUMENT_CHARS = 64 * 1024 * 1024
