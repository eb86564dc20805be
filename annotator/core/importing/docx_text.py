"""DOCX → text, after checking the archive is safe to open.

A .docx is a zip of XML parts. Before python-docx sees it, the archive is inspected:
zip bombs (huge or extremely compressible members, too many members) and XML parts that
declare a DTD or entities (the door to XXE and "billion laughs") are refused. Then the main
part's text is counted as it streams past (`count_text`): a document longer than
`limits.MAX_DOCUMENT_CHARS` is refused as soon as the count passes the limit, before
python-docx builds it (190 MB of XML would take it half a minute and a gigabyte).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from annotator.core import limits
from annotator.core.errors import ImportRefused

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Small members may compress extremely well (a few KB of repeated XML) and are harmless;
# the ratio is only a zip-bomb signal once a member is big.
RATIO_MIN_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
SUSPICIOUS = "the .docx archive is suspicious: "
_CHUNK = 1024 * 1024
_NEEDLES = tuple(
    needle.encode(codec)
    for needle in ("<!doctype", "<!entity")
    for codec in ("ascii", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(n) for n in _NEEDLES)
_NOT_XML = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Run content that python-docx turns into one character each (tab, line break, hyphen…).
_ONE_CHAR = tuple(_W + n for n in ("tab", "br", "cr", "noBreakHyphen", "ptab"))
_OFFICE_DOCUMENT = "/officeDocument"


@dataclass
class DocxText:
    """Title from the core properties (may be empty) and the paragraphs' text."""

    title: str
    text: str


def _too_big() -> str:
    return f"it unpacks to more than {MAX_UNCOMPRESSED_BYTES / 2**20:g} MiB"


def _is_xml_part(name: str, head: bytes) -> bool:
    if name.lower().endswith((".xml", ".rels")):
        return True
    start = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n")
    return not name.lower().endswith(_NOT_XML) and start.startswith((b"<", b"<\x00"))


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, source: Path) -> int:
    """Read one member; refuse DTDs in XML parts. Returns the bytes actually inflated."""
    total, tail, xml = 0, b"", False
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            total += len(chunk)
            # Sizes in the zip headers can lie; the inflated size cannot.
            if total > budget:
                raise ImportRefused(source, SUSPICIOUS + _too_big())
            if total == len(chunk):
                xml = _is_xml_part(info.filename, chunk[:64])
            if xml:
                window = (tail + chunk).lower()
                if any(needle in window for needle in _NEEDLES):
                    raise ImportRefused(
                        source,
                        SUSPICIOUS + f"{info.filename} contains a DTD/entity declaration, "
                        "refused for safety",
                    )
                tail = window[-_OVERLAP:]
    return total


def check_docx_archive(data: bytes, source: Path) -> None:
    """Refuse archives that are not zips, look like zip bombs, or declare XML entities."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise ImportRefused(
                    source, SUSPICIOUS + f"it has {len(members)} members (limit {MAX_MEMBERS})"
                )
            if sum(info.file_size for info in members) > MAX_UNCOMPRESSED_BYTES:
                raise ImportRefused(source, SUSPICIOUS + _too_big())
            for info in members:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size >= RATIO_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
                    raise ImportRefused(
                        source,
                        SUSPICIOUS + f"{info.filename} is compressed {ratio:.0f}:1 "
                        f"(limit {MAX_COMPRESSION_RATIO}:1), typical of a zip bomb",
                    )
            budget = MAX_UNCOMPRESSED_BYTES
            for info in members:
                if not info.is_dir():
                    budget -= _scan_member(archive, info, budget, source)
    except zipfile.BadZipFile as exc:
        reason = "not a zip archive (an old .doc file renamed? Save it as .docx in Word)"
        if zipfile.is_zipfile(io.BytesIO(data)):
            reason = f"the zip archive is damaged ({exc})"
        raise ImportRefused(source, SUSPICIOUS + reason) from None
    except (RuntimeError, NotImplementedError, OSError, EOFError) as exc:
        # Encrypted members, unsupported compression methods, truncated data.
        raise ImportRefused(source, SUSPICIOUS + f"it cannot be unpacked ({exc})") from None


def _blocks(container: Any) -> Iterator[str]:
    """Paragraph texts of a document or table cell in order, descending into tables."""
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item.text
        elif isinstance(item, Table):
            seen: set[Any] = set()
            for row in item.rows:
                for cell in row.cells:
                    # A merged cell is returned once per grid column/row it spans.
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        yield from _blocks(cell)


class _Counted(io.RawIOBase):
    """A zip member read through, counting the bytes the parser has taken."""

    def __init__(self, member: Any) -> None:
        self.member, self.taken = member, 0

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self.member.read(size)
        self.taken += len(chunk)
        return chunk


_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _main_part(archive: zipfile.ZipFile) -> str:
    """The name of the document's main part (word/document.xml unless the package says)."""
    try:
        rels = etree.fromstring(archive.read("_rels/.rels"), _SAFE_PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return "word/document.xml"
    for rel in rels:
        if str(rel.get("Type", "")).endswith(_OFFICE_DOCUMENT) and rel.get("Target"):
            return str(rel.get("Target")).lstrip("/")
    return "word/document.xml"


def _too_long(source: Path, size: str) -> ImportRefused:
    return ImportRefused(
        source,
        f"the document is too long: {size} characters, over the import limit of "
        f"{limits.MAX_DOCUMENT_CHARS:,}; split it and import the parts",
    )


def count_text(data: bytes, source: Path) -> int:
    """The characters the main part's paragraphs hold, counted while the XML streams past
    (memory stays flat); refused soon after the count passes `limits.MAX_DOCUMENT_CHARS`,
    with the whole document's length estimated from the share of its XML read by then.

    Text python-docx leaves out (text boxes, tracked insertions) is counted too: an upper
    bound. A part that cannot be parsed counts 0 here; python-docx then says what is wrong.
    """
    count, mark = 0, 0  # mark: the bytes read when the count passed the limit
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            info = archive.getinfo(_main_part(archive))
        except KeyError:
            return 0
        with archive.open(info) as member:
            stream = _Counted(member)
            events = etree.iterparse(
                stream,
                events=("end",),
                tag=(_W + "t", _W + "r", _W + "p", *_ONE_CHAR),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
            )
            try:
                for _event, element in events:
                    if mark and stream.taken > mark:
                        # Every element of the bytes read up to `mark` is counted.
                        whole = count * info.file_size // mark
                        raise _too_long(source, f"about {_about(whole)}")
                    tag = element.tag
                    if tag == _W + "t":
                        count += len(element.text or "")
                    elif tag in _ONE_CHAR or tag == _W + "p":
                        count += 1  # a paragraph: the line break after it
                    if tag in (_W + "r", _W + "p"):
                        # Done with this run or paragraph: free it and what came before it.
                        element.clear()
                        while element.getprevious() is not None:
                            del element.getparent()[0]
                    if not mark and count > limits.MAX_DOCUMENT_CHARS:
                        mark = stream.taken
            except etree.XMLSyntaxError:
                return 0
    if mark:
        raise _too_long(source, f"{count:,}")
    return count


def _about(n: int) -> str:
    return f"{n / 1e6:,.0f} million" if n >= 10**7 else f"{n:,}"


def docx_to_text(data: bytes, source: Path) -> DocxText:
    """Check the archive and the text's length, then extract paragraphs (tables included)
    joined by "\\n"."""
    check_docx_archive(data, source)
    count_text(data, source)
    try:
        document = docx.Document(io.BytesIO(data))
        title = (document.core_properties.title or "").strip()
        text = "\n".join(_blocks(document))
    except Exception as exc:  # python-docx/lxml raise many types for a damaged file
        raise ImportRefused(
            source, f"the .docx file is damaged or not a Word document ({type(exc).__name__})"
        ) from None
    return DocxText(title=title, text=text)
