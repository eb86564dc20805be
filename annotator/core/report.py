"""The printable report of one document: the article with its highlights, a legend and the
list of annotations. HTML here (every piece of text escaped); the GUI prints the same content to
PDF through Qt (annotator.gui.dialogs.report_pdf) from `ReportContent`.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from annotator import __version__
from annotator.core.attribution import DocumentAnnotations
from annotator.core.codebook import Codebook, Label
from annotator.core.export.atomic import atomic_text_file
from annotator.core.export.scope import ExportFilter, Scope
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
    page: int | None = None  # the page of the annotation's start, in a paged source


@dataclass(frozen=True)
class ReportContent:
    """Everything a report shows, in reading order; both renderers draw from this."""

    document: Document
    codebook: Codebook
    rows: list[ReportRow]
    counts: dict[str, int]  # label name → annotations
    #: Names of the layers shown, when the report is limited to some; () for every layer.
    layers: tuple[str, ...] = ()

    def scope(self) -> str:
        """Whose annotations the report shows, in words ("" when everyone's)."""
        return f"layers: {', '.join(self.layers)}" if self.layers else ""

    def meta(self, version: str) -> str:
        """The line under the title: date, outlet, author, address (else the source), count,
        scope, version."""
        count = len(self.rows)
        document = self.document
        parts = [
            document.published or "",
            document.outlet,
            document.author,
            document.url or document.source,
            f"{count} annotation{'' if count == 1 else 's'}",
            self.scope(),
            f"Annotator {version}",
        ]
        return " · ".join(part for part in parts if part)

    @property
    def paged(self) -> bool:
        """True for a paged source (a PDF): the list then cites each annotation's page."""
        return bool(self.document.page_starts)

    @property
    def columns(self) -> tuple[tuple[str, int | None], ...]:
        """The list's columns: COLUMNS, with a Page column after the number when paged."""
        return PAGED_COLUMNS if self.paged else COLUMNS

    def values(self, row: ReportRow) -> list[str]:
        """The cells of one row of the list, in the order of `columns`."""
        cells = row_values(row)
        if self.paged:
            cells.insert(1, "" if row.page is None else str(row.page))
        return cells

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


def report_layers(
    store: Store, analysts: Collection[str] = (), layers: Collection[str] = ()
) -> frozenset[str] | None:
    """Ids of the layers named as `annotator export --by/--layer` name them (analysts by name,
    "reviewed" for the reviewed layer; unknown names refused with the names that exist), or
    None when no name is given (every layer). The same resolution as exports: `Scope`."""
    if not analysts and not layers:
        return None
    flt = ExportFilter(analysts=tuple(analysts), layers=tuple(layers))
    return Scope(store, flt).layer_ids


def report_content(
    store: Store, document: Document, *, layers: Collection[str] | None = None
) -> ReportContent:
    """The report of `document`; `layers` (layer ids, as `report_layers` gives or as the
    window shows them) limits it to those layers' annotations; None shows every layer.
    Speakers and targets of a claim are named even when their spans are in another layer."""
    annotations = store.annotations.for_document(document.id)
    links = store.annotations.links_for_document(document.id)
    codebook = store.codebook.get()
    state = DocumentAnnotations(annotations, links, codebook)
    analysts = {a.id: a.name for a in store.layers()}
    wanted = None if layers is None else frozenset(layers)
    shown = state.all() if wanted is None else [a for a in state.all() if a.analyst_id in wanted]
    rows = []
    for number, annotation in enumerate(shown, start=1):
        label = codebook.by_id(annotation.label_id)
        speaker = (
            state.speaker_of(annotation.id)
            if label.role == "claim"
            else (state.canonical_name(annotation) if label.role == "speaker" else "")
        )
        target = state.target_of(annotation.id) if label.role == "claim" else ""
        analyst = analysts.get(annotation.analyst_id, "?")
        page = document.page_at(annotation.start)
        rows.append(ReportRow(number, label, annotation, analyst, speaker, target, page))
    counts = Counter(row.label.name for row in rows)
    names = () if wanted is None else tuple(name for i, name in analysts.items() if i in wanted)
    return ReportContent(document, codebook, rows, dict(counts), names)


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


#: The columns of the list of annotations: (header, share of the table's width in percent);
#: None lets the column take the width of its longest word. Quotes and notes get most of it.
COLUMNS: tuple[tuple[str, int | None], ...] = (
    ("#", None),
    ("Label", None),
    ("Quote", 38),
    ("Speaker", None),
    ("Target", None),
    ("Sentiment", None),
    ("Analyst", None),
    ("Note", 24),
)
#: … for a paged source (a PDF): the page of each annotation's start after its number.
PAGED_COLUMNS: tuple[tuple[str, int | None], ...] = (COLUMNS[0], ("Page", None), *COLUMNS[1:])

# Printing from a browser: backgrounds (highlights, legend swatches) are kept
# (print-color-adjust), a heading stays with what follows it, the table's header row repeats
# on every page (thead) and rows are not cut. Cells wrap between words; `break-word` cuts
# inside a word only when that word alone is wider than its column (a URL, say), and unlike
# `anywhere` it never lets a column shrink below its longest word.
_STYLE = """
body { font-family: Georgia, 'Noto Serif', serif; max-width: 46em; margin: 2em auto;
       line-height: 1.6; color: #222; padding: 0 1em;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h1, h2 { break-after: avoid; page-break-after: avoid; }
.meta { color: #666; font-size: 0.9em; }
.legend span.swatch { display: inline-block; width: 1em; height: 1em; vertical-align: -0.15em;
       margin: 0 0.3em 0 1em; border: 1px solid; border-radius: 2px; }
sup.n { color: #555; font-size: 0.7em; font-family: sans-serif; }
table { border-collapse: collapse; width: 100%; font-family: sans-serif; font-size: 0.85em; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.5em; text-align: left;
         vertical-align: top; word-break: normal; overflow-wrap: break-word;
         hyphens: manual; }
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
        f'<p class="meta">{e(content.meta(__version__))}</p>',
        '<p class="legend">',
    ]
    for label in content.codebook.labels:
        # The label's own colour, solid: highlights are tints or underlines of it.
        colour = e(label.color)
        parts.append(
            f'<span class="swatch" style="background-color: {colour}; border-color: {colour}">'
            f"&nbsp;</span>{e(label.name)} ({content.counts.get(label.name, 0)})"
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
    parts.append("</div><h2>Annotations</h2><table><colgroup>")
    columns = content.columns
    parts += [
        "<col>" if share is None else f'<col style="width: {share}%">' for _h, share in columns
    ]
    parts.append(
        "</colgroup><thead><tr>"
        + "".join(f"<th>{e(header)}</th>" for header, _share in columns)
        + "</tr></thead><tbody>"
    )
    for row in content.rows:
        parts.append(
            "<tr>" + "".join(f"<td>{e(value)}</td>" for value in content.values(row)) + "</tr>"
        )
    parts.append("</tbody></table></body></html>\n")
    return "\n".join(parts)


def row_values(row: ReportRow) -> list[str]:
    """The cells of one row of the list, in the order of COLUMNS (without the page: see
    `ReportContent.values`)."""
    a = row.annotation
    return [
        str(row.number),
        row.label.name,
        a.quote,
        row.speaker,
        row.target,
        a.sentiment or "",
        row.analyst,
        a.note,
    ]


def write_html_report(
    store: Store, document: Document, path: Path, *, layers: Collection[str] | None = None
) -> None:
    """Write the HTML report atomically (an earlier file survives any failure); `layers` as
    for `report_content`."""
    page = render_html(report_content(store, document, layers=layers))
    with atomic_text_file(path, encoding="utf-8") as out:
        out.write(page)
