"""The printable report of one document: the article with its highlights, a legend and the
list of annotations. HTML here (every piece of text escaped); the GUI prints the same content to
PDF through Qt (annotator.gui.report_pdf) from `ReportContent`.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from annotator import __version__
from annotator.core.attribution import DocumentAnnotations
from annotator.core.codebook import Codebook, Label
from annotator.core.export.atomic import atomic_text_file
from annotator.core.records import Annotation, Document
from annotator.core.segments import segments
from annotator.core.store import Store
from annotator.core.styling import SegmentStyle, segment_style


@dataclass(frozen=True)
class ReportRow:
    number: int
    label: Label
    annotation: Annotation
    analyst: str
    speaker: str
    target: str


@dataclass(frozen=True)
class ReportContent:
    """Everything a report shows, in reading order; both renderers draw from this."""

    document: Document
    codebook: Codebook
    rows: list[ReportRow]
    counts: dict[str, int]  # label name → annotations

    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) of each line of the text, in code points."""
        spans, start = [], 0
        for line in self.document.text.split("\n"):
            spans.append((start, start + len(line)))
            start += len(line) + 1
        return spans

    def pieces(self, start: int, end: int) -> list[tuple[str, SegmentStyle | None, list[int]]]:
        """Text of [start, end) cut at annotation edges: (text, style, numbers ending here)."""
        text = self.document.text
        annotations = [row.annotation for row in self.rows]
        numbers = {row.annotation.id: row.number for row in self.rows}
        labels = {label.id: label for label in self.codebook.labels}
        out: list[tuple[str, SegmentStyle | None, list[int]]] = []
        pos = start
        for seg_start, seg_end, covering in segments(start, end, annotations):
            if seg_start > pos:
                out.append((text[pos:seg_start], None, []))
            counted = Counter(a.label_id for a in covering)
            style = segment_style([(labels[lid], n) for lid, n in counted.items() if lid in labels])
            ending = sorted(numbers[a.id] for a in covering if a.end == seg_end)
            out.append((text[seg_start:seg_end], style, ending))
            pos = seg_end
        if pos < end:
            out.append((text[pos:end], None, []))
        return out


def report_content(store: Store, document: Document) -> ReportContent:
    annotations = store.annotations.for_document(document.id)
    links = store.annotations.links_for_document(document.id)
    codebook = store.codebook.get()
    state = DocumentAnnotations(annotations, links, codebook)
    analysts = {a.id: a.name for a in store.layers()}
    rows = []
    for number, annotation in enumerate(state.all(), start=1):
        label = codebook.by_id(annotation.label_id)
        speaker = (
            state.speaker_of(annotation.id)
            if label.role == "claim"
            else (state.canonical_name(annotation) if label.role == "speaker" else "")
        )
        target = state.target_of(annotation.id) if label.role == "claim" else ""
        rows.append(
            ReportRow(
                number, label, annotation, analysts.get(annotation.analyst_id, "?"), speaker, target
            )
        )
    counts = Counter(row.label.name for row in rows)
    return ReportContent(document, codebook, rows, dict(counts))


def _css(style: SegmentStyle) -> str:
    rules = []
    if style.background is not None:
        r, g, b, a = style.background
        rules.append(f"background: rgba({r}, {g}, {b}, {a / 255:.2f})")
    if style.underline is not None:
        kind = "solid" if style.underline == "solid" else "wavy"
        rules.append(
            f"text-decoration: underline {kind} {style.underline_color}; "
            "text-decoration-thickness: 2px; text-underline-offset: 3px"
        )
    return "; ".join(rules)


_STYLE = """
body { font-family: Georgia, 'Noto Serif', serif; max-width: 46em; margin: 2em auto;
       line-height: 1.6; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
.meta { color: #666; font-size: 0.9em; }
.legend span.swatch { display: inline-block; width: 1em; height: 1em; vertical-align: -0.15em;
       margin: 0 0.3em 0 1em; border-radius: 2px; }
sup.n { color: #555; font-size: 0.7em; font-family: sans-serif; }
table { border-collapse: collapse; width: 100%; font-family: sans-serif; font-size: 0.85em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.5em; text-align: left;
         vertical-align: top; }
.article p { white-space: pre-wrap; margin: 0 0 0.8em 0; }
"""


def render_html(content: ReportContent) -> str:
    """A standalone HTML page; all document text, names and notes are escaped."""
    e = html.escape
    doc = content.document
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{e(doc.title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{e(doc.title)}</h1>",
        f'<p class="meta">{e(doc.published or "")} · {e(doc.source)} · '
        f"{len(content.rows)} annotations · Annotator {e(__version__)}</p>",
        '<p class="legend">',
    ]
    for label in content.codebook.labels:
        swatch = _css(segment_style([(label, 1)]))
        parts.append(
            f'<span class="swatch" style="{e(swatch)}; border: 1px solid {e(label.color)}">'
            f"</span>{e(label.name)} ({content.counts.get(label.name, 0)})"
        )
    parts.append('</p><div class="article">')
    for start, end in content.paragraphs():
        line = []
        for text, style, numbers in content.pieces(start, end):
            piece = e(text)
            if style is not None:
                piece = f'<span style="{e(_css(style))}">{piece}</span>'
            if numbers:
                piece += f'<sup class="n">{",".join(str(n) for n in numbers)}</sup>'
            line.append(piece)
        parts.append(f"<p>{''.join(line) or '&nbsp;'}</p>")
    parts.append(
        "</div><h2>Annotations</h2><table><tr><th>#</th><th>Label</th><th>Quote</th>"
        "<th>Speaker</th><th>Target</th><th>Sentiment</th><th>Analyst</th>"
        "<th>Note</th></tr>"
    )
    for row in content.rows:
        a = row.annotation
        parts.append(
            f"<tr><td>{row.number}</td><td>{e(row.label.name)}</td><td>{e(a.quote)}</td>"
            f"<td>{e(row.speaker)}</td><td>{e(row.target)}</td><td>{e(a.sentiment or '')}</td>"
            f"<td>{e(row.analyst)}</td><td>{e(a.note)}</td></tr>"
        )
    parts.append("</table></body></html>\n")
    return "\n".join(parts)


def write_html_report(store: Store, document: Document, path: Path) -> None:
    """Write the HTML report atomically (an earlier file survives any failure)."""
    page = render_html(report_content(store, document))
    with atomic_text_file(path, encoding="utf-8") as out:
        out.write(page)
