"""Main-text extraction benchmark: precision, recall and F of the web-page importer.

Usage:
    .venv/bin/python benchmarks/extraction.py [--verbose] [--variants] [--page ID ...]

Target (issue 16): F >= 0.92, scored like the published main-text extraction benchmarks: each
page comes with `with` segments (sentences of the article that must appear in the output) and
`without` segments (menu items, cookie banners, related links, footers, comments, newsletter
boxes that must not). A `with` segment found (whitespace-normalised) in the output is a true
positive, one missing a false negative; a `without` segment found is a false positive.
Precision = TP / (TP + FP), recall = TP / (TP + FN), F = their harmonic mean.

Floors, in the same run on the same pages:
- all visible text: `html_text.html_to_text`, the importer before issue 16;
- trafilatura with its default settings (`trafilatura.extract`, comments included as by
  default), for comparison with what we chose.
`--variants` also scores the other trafilatura settings considered (precision, recall, fast,
no tables), which is how `web_page.EXTRACTION_SETTINGS` was chosen.

The pages are in benchmarks/pages/ (index.json; README.md says where each comes from): real
saved pages from public extractor test suites (`set: real`) and pages modelled on news-site
layouts the real set lacks (`set: modelled`: state media, live blog, AMP, index page…).
Figures are printed for both together and for each set and language. Exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.importing.decoding import decode_html_bytes  # noqa: E402
from annotator.core.importing.html_text import html_to_text  # noqa: E402
from annotator.core.importing.web_page import read_web_page  # noqa: E402

PAGES = Path(__file__).resolve().parent / "pages"
TARGET_F = 0.92
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def load_pages(only: list[str] | None = None) -> list[dict]:
    index = json.loads((PAGES / "index.json").read_text(encoding="utf-8"))
    pages = [p for p in index["pages"] if not only or p["id"] in only]
    for page in pages:
        data = (PAGES / page["file"]).read_bytes()
        if page["file"].endswith(".gz"):
            data = gzip.decompress(data)
        page["markup"] = decode_html_bytes(data, source=Path(page["file"]))[0]
    return pages


class Tally:
    def __init__(self) -> None:
        self.tp = self.fn = self.fp = self.tn = 0

    def add(self, output: str, page: dict) -> tuple[list[str], list[str]]:
        flat = normalise(output)
        missed = [s for s in page["with"] if normalise(s) not in flat]
        leaked = [s for s in page["without"] if normalise(s) in flat]
        self.tp += len(page["with"]) - len(missed)
        self.fn += len(missed)
        self.fp += len(leaked)
        self.tn += len(page["without"]) - len(leaked)
        return missed, leaked

    def figures(self) -> tuple[float, float, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f

    def line(self) -> str:
        p, r, f = self.figures()
        return f"P {p:.3f}  R {r:.3f}  F {f:.3f}   (TP {self.tp}, FN {self.fn}, FP {self.fp})"


def ours(markup: str, url: str) -> str:
    return read_web_page(markup, url=url).text


def floor(markup: str, url: str) -> str:
    return html_to_text(markup).text


def trafilatura_with(**settings: object) -> Callable[[str, str], str]:
    import trafilatura

    def run(markup: str, url: str) -> str:
        return trafilatura.extract(markup, url=url or None, **settings) or ""  # type: ignore[arg-type]

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list misses and leaks")
    parser.add_argument("--variants", action="store_true", help="other trafilatura settings")
    parser.add_argument("--page", action="append", help="only this page id (repeatable)")
    args = parser.parse_args()

    pages = load_pages(args.page)
    extractors: dict[str, Callable[[str, str], str]] = {
        "ours (read_web_page)": ours,
        "floor: all visible text": floor,
        "trafilatura defaults": trafilatura_with(),
    }
    if args.variants:
        base = {"include_comments": False}
        extractors |= {
            "traf. no comments": trafilatura_with(**base),
            "traf. favor_precision": trafilatura_with(favor_precision=True, **base),
            "traf. favor_recall": trafilatura_with(favor_recall=True, **base),
            "traf. fast (no fallback)": trafilatura_with(fast=True, **base),
            "traf. precision, no tables": trafilatura_with(
                favor_precision=True, include_tables=False, **base
            ),
        }
    segments_with = sum(len(p["with"]) for p in pages)
    segments_without = sum(len(p["without"]) for p in pages)
    real = sum(p["set"] == "real" for p in pages)
    print(
        f"{len(pages)} pages ({real} real, {len(pages) - real} modelled), "
        f"{segments_with} 'with' and {segments_without} 'without' segments"
    )
    totals: dict[str, Tally] = {}
    by_set: dict[tuple[str, str], Tally] = defaultdict(Tally)
    by_language: dict[tuple[str, str], Tally] = defaultdict(Tally)
    timings: list[tuple[float, str, int]] = []
    fallbacks = []
    for name, extract in extractors.items():
        total = totals[name] = Tally()
        for page in pages:
            started = time.perf_counter()
            output = extract(page["markup"], page.get("url", ""))
            elapsed = time.perf_counter() - started
            if extract is ours:
                timings.append((elapsed, page["id"], len(page["markup"])))
                result = read_web_page(page["markup"], url=page.get("url", ""))
                if not result.extraction.startswith("main text"):
                    fallbacks.append(f"{page['id']}: {result.extraction}")
            missed, leaked = total.add(output, page)
            by_set[(name, page["set"])].add(output, page)
            by_language[(name, page["language"])].add(output, page)
            if args.verbose and extract is ours and (missed or leaked):
                print(f"  {page['id']} [{page['language']}]")
                for s in missed:
                    print(f"    missed: {s[:100]}")
                for s in leaked:
                    print(f"    leaked: {s[:100]}")

    print("\nAll pages")
    for name, tally in totals.items():
        print(f"  {name:28} {tally.line()}")
    for which in ("real", "modelled"):
        print(f"\n{which.capitalize()} pages only")
        for name in extractors:
            if (name, which) in by_set:
                print(f"  {name:28} {by_set[(name, which)].line()}")
    print("\nBy language (ours | floor | trafilatura defaults: F)")
    languages = sorted({lang for _, lang in by_language})
    for lang in languages:
        count = sum(p["language"] == lang for p in pages)
        figures = " | ".join(
            f"{by_language[(name, lang)].figures()[2]:.3f}" for name in list(extractors)[:3]
        )
        print(f"  {lang:4} {count:3} pages  {figures}")
    print("\nOur extraction fell back to all visible text on:")
    for line in fallbacks or ["  (no page)"]:
        print(f"  {line}")
    times = [t for t, _, _ in timings]
    slowest = max(timings)
    print(
        f"\nTime per page (ours, includes metadata and the left-out summary): median "
        f"{statistics.median(times) * 1000:.0f} ms, slowest {slowest[0] * 1000:.0f} ms "
        f"({slowest[1]}, {slowest[2] // 1000} K characters)"
    )
    f = totals["ours (read_web_page)"].figures()[2]
    print(f"\nTarget F >= {TARGET_F}: {'PASS' if f >= TARGET_F else 'MISS'} (F {f:.3f})")


if __name__ == "__main__":
    main()
