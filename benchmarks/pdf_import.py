"""PDF import benchmark: a 100-page two-column PDF read by `pdf_to_pages`, next to its floor.

Usage:
    .venv/bin/python benchmarks/pdf_import.py [--pages N] [--runs N] [--rebuild]

Target (the issue's): importing a 100-page text PDF takes at most 5 s on this machine.

- Floor, measured in the same run on the same file: pdfminer.six's own
  `pdfminer.high_level.extract_text` with its default layout analysis, in this process (no
  child process, no limits, no reading order, no clean-up).
- Import: `pdf_to_pages` as the importer calls it: a child process started with the limits,
  pdfminer's interpreter with Annotator's character collector, then columns, paragraphs,
  hyphens, running headers and page numbers in this process.

Also printed: where the import's time goes (the child's own reading, the rest of the child
round trip: starting Python and pdfminer, passing the bytes and the result; the layout in this
process) and `pdf_to_pages` on a one-page PDF, the fixed cost of every PDF import.

The PDF (seeded news-like text from benchmarks/corpus.py in two columns of 10-point Helvetica,
about 5,000 characters a page; a full-width headline and standfirst on the first page; a running
header and "Page N of M" on every page) is drawn with reportlab once and cached in the
temporary folder's `annotator-benchmarks`. Floor and import run `--runs` times, alternating;
the fastest of each is compared (the least disturbed by other work on the machine). The script
prints figures and PASS/MISS and exits 0.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpus import make_text
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from annotator.core.importing import pdf_text

TARGET_SECONDS = 5.0
CACHE = Path(tempfile.gettempdir()) / "annotator-benchmarks"
GENERATION = 1  # bump when the generated PDF changes, so stale caches are not reused
WIDTH, HEIGHT = A4
MARGIN, GUTTER, SIZE, LEADING = 50.0, 18.0, 10.0, 12.0
COLUMN = (WIDTH - 2 * MARGIN - GUTTER) / 2


def draw_pdf(pages: int, seed: int = 7) -> bytes:
    """A `pages`-page two-column article (see the module docstring)."""
    rng = random.Random(seed)
    text = make_text(rng, pages * 6000)
    # Helvetica is drawn in WinAnsi: leave out what it cannot show (the corpus's emoji).
    paragraphs = text.encode("cp1252", "ignore").decode("cp1252").split("\n")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle("Talks on regional security continue in Vienna")

    def furniture(number: int) -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawString(MARGIN, HEIGHT - 30, "MINISTRY OF FOREIGN AFFAIRS - PRESS RELEASES")
        canvas.drawCentredString(WIDTH / 2, 25, f"Page {number} of {pages}")

    furniture(1)
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(MARGIN, HEIGHT - 80, "Talks on regional security continue in Vienna")
    canvas.setFont("Helvetica", 12)
    standfirst = simpleSplit(paragraphs.pop(0), "Helvetica", 12, WIDTH - 2 * MARGIN)
    y = HEIGHT - 105
    for line in standfirst[:3]:
        canvas.drawString(MARGIN, y, line)
        y -= 15
    top, column, page = y - 15, 0, 1
    y = top
    canvas.setFont("Helvetica", SIZE)
    for paragraph in paragraphs:
        for line in simpleSplit(paragraph, "Helvetica", SIZE, COLUMN):
            if y < MARGIN:
                column += 1
                if column == 2:
                    if page == pages:
                        canvas.showPage()
                        canvas.save()
                        return buffer.getvalue()
                    canvas.showPage()
                    page += 1
                    furniture(page)
                    canvas.setFont("Helvetica", SIZE)
                    column, top = 0, HEIGHT - MARGIN - 10
                y = top
            canvas.drawString(MARGIN + column * (COLUMN + GUTTER), y, line)
            y -= LEADING
        y -= LEADING / 2
    raise SystemExit("the generated text did not fill the pages; raise the text's length")


def cached_pdf(pages: int, rebuild: bool) -> Path:
    path = CACHE / f"pdf-import-{pages}-pages-g{GENERATION}.pdf"
    if rebuild or not path.exists():
        print(f"Drawing a {pages}-page two-column PDF in {path} …")
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(draw_pdf(pages))
    return path


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    from pdfminer.high_level import extract_text

    path = cached_pdf(args.pages, args.rebuild)
    data = path.read_bytes()
    source = Path(path.name)
    result = pdf_text.pdf_to_pages(data, source=source)
    characters = sum(len(page) for page in result.pages)
    print(
        f"Python {sys.version.split()[0]}; {path.name}: {len(data):,} bytes, "
        f"{len(result.pages)} pages, {characters:,} characters imported"
    )
    print(f"  left out: {'; '.join(result.left_out)}")

    floors, imports = [], []
    for run in range(args.runs):
        floors.append(timed(lambda: extract_text(io.BytesIO(data))))
        imports.append(timed(lambda: pdf_text.pdf_to_pages(data, source=source)))
        print(f"  run {run + 1}: floor {floors[-1]:.2f} s, import {imports[-1]:.2f} s")

    # Where the import's time goes (one more run, split in its parts).
    started = time.perf_counter()
    raw = pdf_text._run_worker(data, None, source)
    round_trip = time.perf_counter() - started
    build = timed(lambda: pdf_text._build(raw, source))
    reading = float(raw.get("seconds", 0.0))

    one_page = one_page_pdf()
    fixed = min(
        timed(lambda: pdf_text.pdf_to_pages(one_page, source=Path("one.pdf"))) for _ in range(5)
    )

    best_floor, best_import = min(floors), min(imports)
    print(f"floor (pdfminer extract_text, in process): {best_floor:.2f} s")
    print(f"pdf_to_pages:                              {best_import:.2f} s")
    print(
        f"  of which: reading in the child {reading:.2f} s, child round trip "
        f"(start, bytes in, result out) {round_trip - reading:.2f} s, "
        f"layout here {build:.2f} s"
    )
    print(f"pdf_to_pages on a one-page PDF (the fixed cost): {fixed:.2f} s")
    verdict = "PASS" if best_import <= TARGET_SECONDS else "MISS"
    print(
        f"import {best_import:.2f} s for {args.pages} pages (target at most "
        f"{TARGET_SECONDS:g} s); {best_import / best_floor:.2f}x the floor: {verdict}"
    )


def one_page_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(72, 700, "A one-page statement.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


if __name__ == "__main__":
    main()
