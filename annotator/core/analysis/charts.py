"""Charts of the counts, drawn with matplotlib on a `Figure` (never pyplot: no global state,
no GUI backend chosen here). matplotlib is imported inside the functions only, so neither the
window's nor the command line's start loads it.

Colours: labels take the codebook's colours (the caller passes {name: colour}); sentiments a
fixed palette unless the caller gives them; anything else matplotlib's qualitative cycle.
Fonts: a family list that covers Chinese, Japanese, Korean and Arabic where such fonts are
installed (matplotlib falls back glyph by glyph along the list); none are required.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.analysis.results import Pivot, Timeline
from annotator.core.atomic_files import replacing
from annotator.core.errors import ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Fonts tried in order; those not installed are left out silently.
FONT_FAMILIES = (
    "DejaVu Sans",
    "Noto Sans",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans Arabic",
    "Noto Naskh Arabic",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans",
    "Segoe UI",
    "Arial Unicode MS",
)
SENTIMENT_COLOURS = {
    "positive": "#2e7d32",
    "negative": "#c62828",
    "neutral": "#757575",
    "mixed": "#ef8f00",
    "(none)": "#b0bec5",
}
CHART_SUFFIXES = (".png", ".svg", ".pdf")
#: Longest label drawn in full; longer ones end in "…" (the tables keep them whole).
LABEL_CHARS = 28
#: Most bars, series or heatmap rows/columns drawn: the rest summed as "(others)".
MOST = 25
_fonts: list[str] | None = None


def font_families() -> list[str]:
    """The installed fonts of FONT_FAMILIES, in order (matplotlib's default when none is)."""
    global _fonts
    if _fonts is None:
        from matplotlib import font_manager

        installed = {font.name for font in font_manager.fontManager.ttflist}
        _fonts = [name for name in FONT_FAMILIES if name in installed] or ["sans-serif"]
    return _fonts


def new_figure(width_in: float, height_in: float, *, dark: bool = False) -> Figure:
    """A figure of this size (inches) in the light or dark palette, with the fonts above."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    figure.set_facecolor("#1e1e1e" if dark else "white")
    setattr(figure, "_annotator_dark", dark)  # noqa: B010 (read back by the draw functions)
    return figure


def _style(figure: Figure, axes: Any) -> None:
    dark = getattr(figure, "_annotator_dark", False)
    ink = "#e0e0e0" if dark else "#202020"
    axes.set_facecolor("#1e1e1e" if dark else "white")
    axes.tick_params(colors=ink, labelsize=8)
    for spine in axes.spines.values():
        spine.set_color("#606060" if dark else "#b0b0b0")
    axes.xaxis.label.set_color(ink)
    axes.yaxis.label.set_color(ink)
    axes.title.set_color(ink)
    for text in [*axes.get_xticklabels(), *axes.get_yticklabels()]:
        text.set_fontfamily(font_families())


def short(text: str) -> str:
    """A label cut to LABEL_CHARS characters with "…"."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= LABEL_CHARS else one_line[: LABEL_CHARS - 1] + "…"


def _colour(name: str, colours: Mapping[str, str], index: int) -> str:
    if name in colours:
        return colours[name]
    if name in SENTIMENT_COLOURS:
        return SENTIMENT_COLOURS[name]
    cycle = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1")
    return cycle[index % len(cycle)]


def _ink(figure: Figure) -> str:
    return "#e0e0e0" if getattr(figure, "_annotator_dark", False) else "#202020"


def _whole_numbers(axis: Any) -> None:
    """Counts are whole: no 0.2, 0.4 … ticks when there are only a few."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def draw_bars(figure: Figure, pivot: Pivot, colours: Mapping[str, str]) -> None:
    """Horizontal bars of a one-field pivot (largest on top); for two fields, the first
    field's values as bars stacked by the second's."""
    axes = figure.add_subplot()
    _style(figure, axes)
    if not pivot.rows:
        axes.text(0.5, 0.5, "Nothing counted", ha="center", va="center", color=_ink(figure))
        return
    first: dict[str, dict[str, int]] = {}
    for row in pivot.rows:
        bar = pivot.label(pivot.by[0], row.keys[0])
        part = pivot.label(pivot.by[1], row.keys[1]) if len(pivot.by) > 1 else ""
        first.setdefault(bar, {}).setdefault(part, 0)
        first[bar][part] += row.count
    bars = sorted(first, key=lambda b: -sum(first[b].values()))[:MOST][::-1]
    parts = sorted({p for b in bars for p in first[b]}, key=lambda p: (p == "(none)", p))
    left = [0] * len(bars)
    positions = range(len(bars))
    for i, part in enumerate(parts):
        values = [first[b].get(part, 0) for b in bars]
        colour = _colour(part or bars[0], colours, i) if part else _colour(pivot.by[0], colours, 0)
        axes.barh(positions, values, left=left, color=colour, label=short(part) if part else None)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(list(positions), [short(b) for b in bars])
    for y, total in zip(positions, left, strict=True):
        axes.text(total, y, f" {total:,}", va="center", fontsize=7, color=_ink(figure))
    axes.set_xlabel("annotations")
    _whole_numbers(axes.xaxis)
    if len(pivot.by) > 1:
        axes.legend(fontsize=7, title=pivot.by[1], prop={"family": font_families(), "size": 7})
    _style(figure, axes)


def draw_timeline(figure: Figure, timeline: Timeline, colours: Mapping[str, str]) -> None:
    """Stacked bars per period, one colour per series; undated annotations said in the title."""
    axes = figure.add_subplot()
    _style(figure, axes)
    if not timeline.periods:
        message = "No dated annotations"
        if timeline.undated:
            message += f" ({timeline.undated:,} in undated documents)"
        axes.text(0.5, 0.5, message, ha="center", va="center", color=_ink(figure))
        return
    positions = list(range(len(timeline.periods)))
    bottom = [0] * len(positions)
    names = list(timeline.series)
    if len(names) > MOST:
        kept = names[: MOST - 1]
        others = [
            sum(v) for v in zip(*(timeline.series[n] for n in names[MOST - 1 :]), strict=True)
        ]
        series = {name: timeline.series[name] for name in kept} | {"(others)": others}
    else:
        series = dict(timeline.series)
    for i, (name, values) in enumerate(series.items()):
        axes.bar(
            positions, values, bottom=bottom, color=_colour(name, colours, i), label=short(name)
        )
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    step = max(1, len(positions) // 24)
    axes.set_xticks(positions[::step], timeline.periods[::step], rotation=60, ha="right")
    axes.set_ylabel(f"annotations per {timeline.period}")
    _whole_numbers(axes.yaxis)
    if timeline.undated:
        axes.set_title(f"{timeline.undated:,} in undated documents (not shown)", fontsize=8)
    if len(series) > 1 or "all" not in series:
        axes.legend(fontsize=7, prop={"family": font_families(), "size": 7})
    _style(figure, axes)


def draw_heatmap(figure: Figure, pivot: Pivot) -> None:
    """A two-field pivot as a grid of the largest rows and columns, each cell's count printed."""
    if len(pivot.by) != 2:
        raise ValidationError("A heatmap needs two fields: rows and columns.")
    axes = figure.add_subplot()
    _style(figure, axes)
    totals_r: dict[str, int] = {}
    totals_c: dict[str, int] = {}
    cells: dict[tuple[str, str], int] = {}
    for row in pivot.rows:
        r, c = pivot.label(pivot.by[0], row.keys[0]), pivot.label(pivot.by[1], row.keys[1])
        totals_r[r] = totals_r.get(r, 0) + row.count
        totals_c[c] = totals_c.get(c, 0) + row.count
        cells[(r, c)] = cells.get((r, c), 0) + row.count
    if not cells:
        axes.text(0.5, 0.5, "Nothing counted", ha="center", va="center", color=_ink(figure))
        return
    rows = sorted(totals_r, key=lambda k: -totals_r[k])[:MOST]
    cols = sorted(totals_c, key=lambda k: -totals_c[k])[:MOST]
    grid = [[cells.get((r, c), 0) for c in cols] for r in rows]
    image = axes.imshow(grid, cmap="viridis", aspect="auto")
    top = max(max(line) for line in grid) or 1
    for y, line in enumerate(grid):
        for x, value in enumerate(line):
            ink = "black" if value > top * 0.6 else "white"
            axes.text(x, y, f"{value:,}", ha="center", va="center", fontsize=6, color=ink)
    axes.set_xticks(range(len(cols)), [short(c) for c in cols], rotation=60, ha="right")
    axes.set_yticks(range(len(rows)), [short(r) for r in rows])
    axes.set_xlabel(pivot.by[1])
    axes.set_ylabel(pivot.by[0])
    figure.colorbar(image, ax=axes, shrink=0.8)
    _style(figure, axes)


def save_figure(figure: Figure, path: Path) -> None:
    """The figure as PNG, SVG or PDF (by the suffix), written atomically."""
    suffix = Path(path).suffix.lower()
    if suffix not in CHART_SUFFIXES:
        raise ValidationError(
            f"A chart is saved as {', '.join(CHART_SUFFIXES)}: “{Path(path).name}” is none of them."
        )
    with replacing(path) as temp:
        figure.savefig(temp, format=suffix[1:], facecolor=figure.get_facecolor(), dpi=150)
