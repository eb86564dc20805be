"""The child process that reads a PDF's text layer with pdfminer.six, under time and memory limits.

`pdf_text.py` runs this file as a script (``python -P pdf_worker.py``), so the child imports
only the standard library and pdfminer: it starts quickly, and a PDF that takes minutes or
gigabytes harms only the child, which is stopped. Protocol:

- stdin: one line of JSON (the limits and the password), then the PDF's bytes;
- stdout: one JSON document, ``{"ok": true, "pages": [...], ...}`` or
  ``{"ok": false, "kind": "...", "detail": "..."}``;
- exit status 3 when memory ran out before anything could be written.

In the child: RLIMIT_AS caps the address space (MemoryError instead of swapping the machine),
RLIMIT_CPU is a backstop, and an interval timer stops the work once the time allowed for the
document's page count has passed. The parent also kills the child at the hard wall-clock limit,
for anything the timer cannot interrupt.

pdfminer's own layout analysis (an object per character, then text boxes) costs ~65 ms per page
of dense text; a device that keeps each character as a tuple and groups them into lines with
pdfminer's rules (line overlap 0.5, char margin 2.0, word margin 0.1) costs ~10 ms. Columns,
paragraphs, headers and hyphens are worked out by the parent from these lines.

Each page's lines: ``[x0, top, x1, bottom, size, bold, text]`` in points, measured from the top
left corner of the page's visible area (its crop box, after /Rotate); `size` is the median
character height, `bold` 1 when most characters are set in a bold face.
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
import signal
import sys
import time
from collections import Counter
from typing import Any

# Refuse a DTD or entity declaration in XMP metadata before the XML parser sees it.
_XMP_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_XMP_MAX_BYTES = 1024 * 1024
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# Characters smaller than this (points) are invisible: hidden text, not the document's.
_MIN_SIZE = 1.0
LINE_OVERLAP = 0.5
CHAR_MARGIN = 2.0
WORD_MARGIN = 0.1
EXIT_MEMORY = 3


class _OutOfTime(BaseException):
    """Raised by the interval timer; a BaseException so pdfminer's `except Exception` cannot
    swallow it."""


class _Refusal(Exception):
    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


def _on_alarm(signum: int, frame: object) -> None:
    raise _OutOfTime()


def _set_timer(seconds: float) -> None:
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))


def _apply_limits(memory: int, seconds: float) -> None:
    try:
        import resource
    except ImportError:  # Windows: the parent's wall-clock limit is all there is
        return
    for which, soft in (
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_CPU, int(math.ceil(seconds)) + 5),
    ):
        try:
            _, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                soft = min(soft, hard)
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):  # not supported here (RLIMIT_AS on macOS)
            pass
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _on_alarm)


# --- characters → lines -----------------------------------------------------------------------


def _direction(a: float, b: float) -> int | None:
    """0, 1, 2, 3 for text running at 0°, 90°, 180°, 270°; None for any other angle."""
    if a == 0 and b == 0:
        return None
    angle = math.degrees(math.atan2(b, a)) % 360
    k = int(round(angle / 90)) % 4
    off = abs(angle - k * 90)
    return k if min(off, 360 - off) <= 10 else None


def _rotate(k: int, x: float, y: float) -> tuple[float, float]:
    """Turn a point so that text running in direction `k` runs left to right."""
    if k == 0:
        return x, y
    if k == 1:
        return y, -x
    if k == 2:
        return -x, -y
    return -y, x


def _make_device() -> Any:
    from pdfminer.pdfdevice import PDFTextDevice
    from pdfminer.pdffont import PDFUnicodeNotDefined

    class CharCollector(PDFTextDevice):
        """Collects each drawn character as (x0, y0, x1, y1, text, font index), grouped by
        the direction the text runs in, and counts images."""

        def __init__(self, rsrcmgr: Any, max_chars: int) -> None:
            super().__init__(rsrcmgr)
            self.max_chars = max_chars
            self.total = 0
            self.glyphs: dict[Any, dict[int, tuple[str | None, float]]] = {}
            self.fonts: dict[str, int] = {}
            self.start_page()

        def start_page(self) -> None:
            self.by_direction: dict[Any, list[tuple[Any, ...]]] = {}
            self.vertical: list[tuple[float, float, float, float, str, int]] = []
            self.images = 0
            self.unmapped = 0

        def begin_page(self, page: Any, ctm: Any) -> None:
            self.ctm_page = ctm

        def render_image(self, name: str, stream: Any) -> None:
            self.images += 1

        def _font_index(self, font: Any) -> int:
            name = str(getattr(font, "fontname", "") or "")
            index = self.fonts.get(name)
            if index is None:
                index = self.fonts[name] = len(self.fonts)
            return index

        def _glyph(self, font: Any, cid: int) -> tuple[str | None, float]:
            table = self.glyphs.get(font)
            if table is None:
                table = self.glyphs[font] = {}
            entry = table.get(cid)
            if entry is None:
                try:
                    text: str | None = font.to_unichr(cid)
                    if not isinstance(text, str):
                        text = None
                except PDFUnicodeNotDefined:
                    text = None
                entry = table[cid] = (text, float(font.char_width(cid)))
            return entry

        def _count(self, n: int) -> None:
            self.total += n
            if self.total > self.max_chars:
                raise _Refusal("text")

        def render_string_horizontal(  # noqa: PLR0913 - pdfminer's signature
            self,
            seq: Any,
            matrix: Any,
            pos: Any,
            font: Any,
            fontsize: float,
            scaling: float,
            charspace: float,
            wordspace: float,
            rise: float,
            dxscale: float,
            ncs: Any,
            graphicstate: Any,
        ) -> Any:
            """Like pdfminer's, but characters that follow each other on the line are kept
            as runs: (x0, y0, x1, y1, text, font, count, first x0, first x1, last x0, last
            x1), with pdfminer's word spaces already in the text."""
            (x, y) = pos
            (a, b, c, d, e, f) = matrix
            k = _direction(a, b)
            bucket = self.by_direction.setdefault(k, [])
            if k:
                # Express the matrix in the frame where this text runs left to right.
                a, b = _rotate(k, a, b)
                c, d = _rotate(k, c, d)
                e, f = _rotate(k, e, f)
            lo = font.get_descent() * fontsize + rise
            hi = lo + fontsize
            advance_scale = fontsize * scaling
            fidx = self._font_index(font)
            add = bucket.append
            # Text on one baseline (b == 0): every character has the same top and bottom.
            level = b == 0
            y0 = d * (y + lo) + f
            y1 = d * (y + hi) + f
            if y1 < y0:
                y0, y1 = y1, y0
            h = y1 - y0
            visible = h >= _MIN_SIZE or not level
            run: list[str] = []
            rx0 = rx1 = fx0 = fx1 = lx0 = lx1 = 0.0
            need_charspace = False
            drawn = 0
            for obj in seq:
                if isinstance(obj, (int, float)):
                    x -= obj * dxscale
                    need_charspace = True
                    continue
                if not isinstance(obj, bytes):
                    continue
                for cid in font.decode(obj):
                    if need_charspace:
                        x += charspace
                    need_charspace = True
                    text, width = self._glyph(font, cid)
                    adv = width * advance_scale
                    drawn += 1
                    cx = x  # this character's origin; then move on to the next one
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    if text is None:
                        self.unmapped += 1
                    elif visible and level:
                        x0 = a * cx + c * y + e
                        if c:
                            xa, xb = x0 + c * lo, x0 + c * hi
                            x0, x1 = min(xa, xb), max(xa, xb)
                        else:
                            x1 = x0
                        u = a * adv
                        if u >= 0:
                            x1 += u
                        else:
                            x0 += u
                        w = x1 - x0
                        if run:
                            if x0 <= lx1 and lx0 <= x1:
                                gap = 0.0
                            else:
                                gap = min(abs(lx0 - x1), abs(lx1 - x0))
                            if gap < max(lx1 - lx0, w, 0.3 * h) * CHAR_MARGIN:
                                if (
                                    x0 - lx1 > WORD_MARGIN * max(w, h)
                                    and text != " "
                                    and run[-1] != " "
                                ):
                                    run.append(" ")
                                run.append(text)
                                rx0 = min(rx0, x0)
                                rx1 = max(rx1, x1)
                                lx0, lx1 = x0, x1
                                continue
                            add((rx0, y0, rx1, y1, "".join(run), fidx, fx0, fx1, lx0, lx1))
                        run = [text]
                        rx0 = fx0 = lx0 = x0
                        rx1 = fx1 = lx1 = x1
                    elif visible:
                        # Slightly turned text: each character on its own, as pdfminer does.
                        px = (a * cx + c * (y + lo), a * (cx + adv) + c * (y + hi))
                        py = (b * cx + d * (y + lo), b * (cx + adv) + d * (y + hi))
                        cx0, cx1 = min(px) + e, max(px) + e
                        cy0, cy1 = min(py) + f, max(py) + f
                        if cy1 - cy0 >= _MIN_SIZE:
                            add((cx0, cy0, cx1, cy1, text, fidx, cx0, cx1, cx0, cx1))
            if run:
                add((rx0, y0, rx1, y1, "".join(run), fidx, fx0, fx1, lx0, lx1))
            self._count(drawn)
            return (x, y)

        def render_string_vertical(  # noqa: PLR0913 - pdfminer's signature
            self,
            seq: Any,
            matrix: Any,
            pos: Any,
            font: Any,
            fontsize: float,
            scaling: float,
            charspace: float,
            wordspace: float,
            rise: float,
            dxscale: float,
            ncs: Any,
            graphicstate: Any,
        ) -> Any:
            # Vertical writing: each string drawn becomes one line, in the order drawn.
            (x, y) = pos
            (a, b, c, d, e, f) = matrix
            chars: list[str] = []
            y_start = y
            need_charspace = False
            for obj in seq:
                if isinstance(obj, (int, float)):
                    y -= obj * dxscale
                    need_charspace = True
                elif isinstance(obj, bytes):
                    for cid in font.decode(obj):
                        if need_charspace:
                            y += charspace
                        text, _ = self._glyph(font, cid)
                        disp = font.char_disp(cid)
                        vy = disp[1] if isinstance(disp, tuple) else 880
                        if text is None:
                            self.unmapped += 1
                        else:
                            chars.append(text)
                        y += (vy - 1000) * fontsize * 0.001 if vy else -fontsize
                        need_charspace = True
            self._count(len(chars))
            if chars:
                xs = (a * x + c * y_start + e, a * (x + fontsize) + c * y + e)
                ys = (b * x + d * y_start + f, b * (x + fontsize) + d * y + f)
                self.vertical.append(
                    (min(xs), min(ys), max(xs), max(ys), "".join(chars), self._font_index(font))
                )
            return (x, y)

    return CharCollector


def _lines(
    runs: list[tuple[Any, ...]], bold_fonts: set[int]
) -> list[tuple[float, float, float, float, float, int, str]]:
    """Group runs of characters (in drawing order) into lines with pdfminer's rules: the next
    character continues the line when it overlaps the previous one vertically by half the
    smaller height and is within two character widths of it; a gap over a tenth of a
    character is a word space."""
    out: list[tuple[float, float, float, float, float, int, str]] = []
    text: list[str] = []
    sizes: list[tuple[float, int]] = []
    lx0 = ly0 = lx1 = ly1 = 0.0
    prev: tuple[Any, ...] | None = None

    def flush() -> None:
        if not text:
            return
        total = sum(n for _, n in sizes)
        half, seen, size, bold = total / 2, 0, 0.0, 0
        for h, n in sorted(sizes):
            seen += n
            if seen >= half:
                size = h
                break
        for (_, n), fidx in zip(sizes, fonts, strict=True):
            bold += n if fidx in bold_fonts else 0
        out.append((lx0, ly0, lx1, ly1, size, 1 if bold * 2 > total else 0, "".join(text)))

    fonts: list[int] = []
    for run in runs:
        x0, y0, x1, y1, t, fidx, fx0, fx1, _, _ = run
        h = y1 - y0
        same = False
        if prev is not None:
            py0, py1, plx0, plx1 = prev[1], prev[3], prev[8], prev[9]
            overlap = min(py1, y1) - max(py0, y0)
            if overlap > LINE_OVERLAP * min(py1 - py0, h):
                touching = fx0 <= plx1 and plx0 <= fx1
                gap = 0.0 if touching else min(abs(plx0 - fx1), abs(plx1 - fx0))
                same = gap < max(plx1 - plx0, fx1 - fx0, 0.3 * h) * CHAR_MARGIN
        if same:
            if (
                fx0 - plx1 > WORD_MARGIN * max(fx1 - fx0, h)
                and not t.startswith(" ")
                and not text[-1].endswith(" ")
            ):
                text.append(" ")
            text.append(t)
            sizes.append((h, len(t)))
            fonts.append(fidx)
            lx0, ly0, lx1, ly1 = min(lx0, x0), min(ly0, y0), max(lx1, x1), max(ly1, y1)
        else:
            flush()
            text, sizes, fonts = [t], [(h, len(t))], [fidx]
            lx0, ly0, lx1, ly1 = x0, y0, x1, y1
        prev = run
    flush()
    return out


# --- the document --------------------------------------------------------------------------------


def _decode_string(value: Any) -> str:
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    if isinstance(value, PSLiteral):
        value = value.name
    if isinstance(value, str):
        return value
    if not isinstance(value, bytes):
        return ""
    if value.startswith(b"\xfe\xff"):
        return value[2:].decode("utf-16-be", "replace")
    if value.startswith(b"\xff\xfe"):
        return value[2:].decode("utf-16-le", "replace")
    if value.startswith(b"\xef\xbb\xbf"):
        return value[3:].decode("utf-8", "replace")
    return str(decode_text(value))


def _info(document: Any) -> dict[str, str]:
    from pdfminer.pdftypes import resolve1

    found: dict[str, str] = {}
    for info in document.info:
        for key in ("Title", "Author", "CreationDate", "ModDate"):
            if key in found:
                continue
            try:
                text = _decode_string(resolve1(info.get(key)))
            except Exception:
                continue
            if text.strip():
                found[key] = text.strip()[:1000]
    return found


_XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


def _xmp(document: Any) -> dict[str, str]:
    """Title, dates and language from the XMP metadata stream, if there is a readable one."""
    import xml.etree.ElementTree as ET

    from pdfminer.pdftypes import PDFStream, resolve1

    try:
        stream = resolve1(document.catalog.get("Metadata"))
        if not isinstance(stream, PDFStream):
            return {}
        data = stream.get_data()
    except Exception:
        return {}
    if not data or len(data) > _XMP_MAX_BYTES or _XMP_DTD.search(data):
        return {}
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return {}
    found: dict[str, str] = {}

    def first(path: str) -> str:
        for node in root.iterfind(path, _XMP_NS):
            text = "".join(node.itertext()).strip()
            if text:
                return text[:1000]
        return ""

    for key, paths in (
        ("title", (".//dc:title//rdf:li", ".//dc:title")),
        ("created", (".//xmp:CreateDate",)),
        ("modified", (".//xmp:ModifyDate",)),
        ("date", (".//dc:date//rdf:li", ".//dc:date")),
        ("language", (".//dc:language//rdf:li",)),
    ):
        for path in paths:
            value = first(path)
            if value:
                found[key] = value
                break
    # Attribute form: <rdf:Description xmp:CreateDate="..."/>
    for node in root.iter(f"{{{_XMP_NS['rdf']}}}Description"):
        for key, attr in (("created", "CreateDate"), ("modified", "ModifyDate")):
            attribute = node.get(f"{{{_XMP_NS['xmp']}}}{attr}")
            if attribute and key not in found:
                found[key] = attribute.strip()[:100]
    return found


def _page_box(page: Any, ctm: Any) -> tuple[int, float, float, float, float]:
    """The visible area of the page (crop box within the media box) in the device space the
    interpreter draws in, as (0, x0, y0, x1, y1)."""
    box = page.cropbox or page.mediabox
    media = page.mediabox
    try:
        x0, y0 = max(box[0], media[0]), max(box[1], media[1])
        x1, y1 = min(box[2], media[2]), min(box[3], media[3])
        if x1 <= x0 or y1 <= y0:
            x0, y0, x1, y1 = media
    except (TypeError, IndexError):
        x0, y0, x1, y1 = media
    (a, b, c, d, e, f) = ctm
    xs, ys = [], []
    for px, py in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        xs.append(a * px + c * py + e)
        ys.append(b * px + d * py + f)
    return 0, min(xs), min(ys), max(xs), max(ys)


def _read_page(interpreter: Any, device: Any, page: Any, bold_fonts: set[int]) -> dict[str, Any]:
    device.start_page()
    interpreter.process_page(page)
    _, bx0, by0, bx1, by1 = _page_box(page, device.ctm_page)

    counts = Counter(
        {k: sum(len(run[4].strip()) for run in runs) for k, runs in device.by_direction.items()}
    )
    upright = [k for k in counts if k is not None]
    main = max(upright, key=lambda k: (counts[k], -k)) if upright else 0
    angled = sum(n for k, n in counts.items() if k != main)
    angled_sample = ""
    for k in sorted(counts, key=lambda k: -1 if k is None else k):
        if k != main and counts[k]:
            runs = [run[4] for run in device.by_direction[k][:60]]
            # Text at an odd angle comes one character at a time.
            sample = "".join(runs) if all(len(r) == 1 for r in runs) else " ".join(runs)
            angled_sample = " ".join(sample.split())[:60]
            break

    # The visible area in the main direction's frame.
    corners = [_rotate(main, px, py) for px in (bx0, bx1) for py in (by0, by1)]
    vx0, vy0 = min(p[0] for p in corners), min(p[1] for p in corners)
    vx1, vy1 = max(p[0] for p in corners), max(p[1] for p in corners)
    for name, index in device.fonts.items():
        if _BOLD.search(name):
            bold_fonts.add(index)

    inside: list[tuple[Any, ...]] = []
    outside = 0
    for run in device.by_direction.get(main, []):
        cx, cy = (run[0] + run[2]) / 2, (run[1] + run[3]) / 2
        if vx0 - 1 <= cx <= vx1 + 1 and vy0 - 1 <= cy <= vy1 + 1:
            inside.append(run)
        else:
            outside += len(run[4].strip())
    lines: list[list[Any]] = [
        [
            round(x0 - vx0, 2),
            round(vy1 - y1, 2),
            round(x1 - vx0, 2),
            round(vy1 - y0, 2),
            round(size, 2),
            bold,
            text,
        ]
        for (x0, y0, x1, y1, size, bold, text) in _lines(inside, bold_fonts)
    ]
    for x0, y0, x1, y1, text, fidx in device.vertical:
        lines.append(
            [
                round(x0 - vx0, 2),
                round(vy1 - y1, 2),
                round(x1 - vx0, 2),
                round(vy1 - y0, 2),
                round(x1 - x0, 2),
                1 if fidx in bold_fonts else 0,
                text,
            ]
        )
    return {
        "width": round(vx1 - vx0, 2),
        "height": round(vy1 - vy0, 2),
        "lines": lines,
        "images": device.images,
        "chars": sum(len(line[6]) for line in lines),
        "unmapped": device.unmapped,
        "outside": outside,
        "angled": angled,
        "angled_sample": angled_sample,
        "vertical": len(device.vertical),
    }


def read(data: bytes, settings: dict[str, Any]) -> dict[str, Any]:
    """Read the PDF: the result document (see the module docstring)."""
    from pdfminer.pdfdocument import (
        PDFDocument,
        PDFEncryptionError,
        PDFPasswordIncorrect,
    )
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    started = time.monotonic()
    password = str(settings.get("password") or "")
    warnings: list[str] = []

    def open_document(pw: str) -> Any:
        return PDFDocument(PDFParser(io.BytesIO(data)), password=pw)

    try:
        try:
            document = open_document(password)
        except PDFPasswordIncorrect:
            if not password:
                raise _Refusal("password") from None
            try:  # the password may not have been needed (an owner password only)
                document = open_document("")
            except PDFPasswordIncorrect:
                raise _Refusal("wrong_password") from None
            warnings.append("the PDF opens without a password: the one given was not used")
    except PDFEncryptionError as exc:
        message = str(exc)
        if message.startswith("Unknown filter"):
            detail = "certificate (public-key) security"
        elif message.startswith("Unknown algorithm"):
            detail = "an unknown algorithm"
        else:
            detail = _describe(exc)
        raise _Refusal("encryption", detail) from None
    encrypted = document.encryption is not None
    if password and not encrypted:
        warnings.append("the PDF is not password-protected: the password given was not used")
    if encrypted and not document.is_extractable:
        warnings.append("the PDF's owner restricts copying its text; it was read for analysis only")

    max_pages = int(settings["max_pages"])
    pages = []
    for page in PDFPage.create_pages(document):
        pages.append(page)
        if len(pages) > max_pages:
            raise _Refusal("pages", str(max_pages))
    if not pages:
        raise _Refusal("damaged", "it has no pages")

    budget = min(
        float(settings["seconds"]),
        float(settings["base_seconds"]) + float(settings["page_seconds"]) * len(pages),
    )
    _set_timer(budget - (time.monotonic() - started))

    meta: dict[str, Any] = {"info": _info(document), "xmp": _xmp(document)}
    try:
        from pdfminer.pdftypes import resolve1

        meta["lang"] = _decode_string(resolve1(document.catalog.get("Lang")))[:50]
    except Exception:
        meta["lang"] = ""

    rsrcmgr = PDFResourceManager(caching=True)
    device = _make_device()(rsrcmgr, int(settings["max_chars"]))
    interpreter = PDFPageInterpreter(rsrcmgr, device)

    bold_fonts: set[int] = set()
    results = []
    failed = 0
    for number, page in enumerate(pages, start=1):
        try:
            results.append(_read_page(interpreter, device, page, bold_fonts))
        except (_Refusal, _OutOfTime, MemoryError, RecursionError):
            raise
        except Exception as exc:
            failed += 1
            results.append({"error": _describe(exc), "number": number})
    if failed == len(pages):
        first = results[0].get("error", "")
        raise _Refusal("damaged", f"no page could be read ({first})")
    return {
        "ok": True,
        "pages": results,
        "meta": meta,
        "warnings": warnings,
        "seconds": round(time.monotonic() - started, 3),
    }


def _describe(exc: BaseException) -> str:
    """A short account of a pdfminer exception: its message, else its type."""
    text = " ".join(str(exc).split())
    if " " not in text:  # a bare key or value says little on its own
        text = f"{type(exc).__name__} {text}".strip()
    return text[:200]


def main() -> int:
    stdin = sys.stdin.buffer
    settings = json.loads(stdin.readline())
    _apply_limits(int(settings["memory"]), float(settings["seconds"]))
    _set_timer(float(settings["seconds"]))
    logging.disable(logging.CRITICAL)  # pdfminer warns about every oddity; we report our own
    result: dict[str, Any]
    try:
        data = stdin.read()
        result = read(data, settings)
    except _Refusal as refusal:
        result = {"ok": False, "kind": refusal.kind, "detail": refusal.detail}
    except _OutOfTime:
        result = {"ok": False, "kind": "time", "detail": ""}
    except MemoryError:
        result = {"ok": False, "kind": "memory", "detail": ""}
    except RecursionError:
        result = {"ok": False, "kind": "complex", "detail": "nesting too deep"}
    except Exception as exc:
        result = {"ok": False, "kind": "damaged", "detail": _describe(exc)}
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        # ASCII: a lone surrogate from a broken font map cannot break the encoding.
        out = json.dumps(result, separators=(",", ":")).encode("ascii")
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    except MemoryError:
        return EXIT_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(main())
