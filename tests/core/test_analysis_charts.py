"""Charts: timeline, bars and heatmap drawn and saved as PNG, SVG and PDF (atomically, by the
suffix), names in any script, and matplotlib loaded only when a chart is drawn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_analysis_counts import build_corpus

from annotator.core.analysis import (
    AnalysisFilter,
    Pivot,
    PivotRow,
    Timeline,
    draw_bars,
    draw_heatmap,
    draw_timeline,
    heatmap,
    new_figure,
    pivot,
    save_figure,
    timeline,
)
from annotator.core.analysis.charts import SENTIMENT_COLOURS, font_families, short
from annotator.core.errors import ValidationError
from annotator.core.store import Store

MAGIC = {".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_each_chart_is_saved_in_the_format_its_suffix_names(
    fresh_store: Store, tmp_path: Path, suffix: str
) -> None:
    build_corpus(fresh_store)
    charts = {
        "timeline": lambda f: draw_timeline(
            f, timeline(fresh_store, "week", "sentiment", AnalysisFilter()), {}
        ),
        "bars": lambda f: draw_bars(
            f, pivot(fresh_store, ("speaker", "sentiment"), AnalysisFilter()), {}
        ),
        "heatmap": lambda f: draw_heatmap(
            f, heatmap(fresh_store, "speaker", "target", AnalysisFilter())
        ),
    }
    out = tmp_path / "charts"
    out.mkdir()
    for name, draw in charts.items():
        figure = new_figure(6, 4)
        draw(figure)
        path = out / f"{name}{suffix}"
        save_figure(figure, path)
        assert path.read_bytes().startswith(MAGIC[suffix]), name
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}{suffix}" for n in charts)


def test_bars_and_series_take_codebook_and_sentiment_colours() -> None:
    result = Pivot(("label",), [PivotRow(("Claim",), 3), PivotRow(("Speaker",), 2)], 5, 0)
    figure = new_figure(4, 3)
    draw_bars(figure, result, {"label": "#123456"})
    bar = figure.axes[0].patches[0]
    assert bar.get_facecolor()[:3] == pytest.approx((0x12 / 255, 0x34 / 255, 0x56 / 255))
    line = Timeline("month", ["2022-04"], {"negative": [2], "Claim": [1]}, 0)
    figure = new_figure(4, 3)
    draw_timeline(figure, line, {"Claim": "#00ff00"})
    colours = [p.get_facecolor()[:3] for p in figure.axes[0].patches]
    red = tuple(int(SENTIMENT_COLOURS["negative"][i : i + 2], 16) / 255 for i in (1, 3, 5))
    assert colours[0] == pytest.approx(red) and colours[1] == pytest.approx((0, 1, 0))


def test_cells_print_their_counts_and_undated_are_said(tmp_path: Path) -> None:
    cells = Pivot(
        ("speaker", "target"),
        [PivotRow(("王毅", "哈萨克斯坦"), 7), PivotRow(("وزير", None), 2)],
        9,
        0,
    )
    figure = new_figure(5, 4)
    draw_heatmap(figure, cells)
    texts = {t.get_text() for t in figure.axes[0].texts}
    assert {"7", "2", "0"} <= texts
    save_figure(figure, tmp_path / "names.svg")
    svg = (tmp_path / "names.svg").read_text("utf-8")
    assert "王毅" in svg or "glyph" in svg  # drawn as text, or as glyph paths from a font
    line = Timeline("month", [], {}, 4)
    figure = new_figure(4, 3)
    draw_timeline(figure, line, {})
    assert "4 in undated documents" in figure.axes[0].texts[0].get_text()


def test_long_names_are_cut_and_fonts_fall_back_silently() -> None:
    assert short("a" * 60).endswith("…") and len(short("a" * 60)) == 28
    assert short("two\n  lines") == "two lines"
    assert font_families()  # whatever is installed, never an error


def test_a_chart_path_without_a_chart_suffix_is_refused_and_nothing_written(
    tmp_path: Path,
) -> None:
    figure = new_figure(3, 3)
    with pytest.raises(ValidationError, match=r"\.png, \.svg, \.pdf"):
        save_figure(figure, tmp_path / "chart.txt")
    assert list(tmp_path.iterdir()) == []


def test_a_heatmap_needs_two_fields() -> None:
    with pytest.raises(ValidationError, match="two fields"):
        draw_heatmap(new_figure(3, 3), Pivot(("speaker",), [], 0, 0))


def test_the_app_the_command_line_and_the_counts_load_without_matplotlib() -> None:
    probe = (
        "import sys\n"
        "import annotator.gui.app, annotator.cli, annotator.core.analysis\n"
        "import annotator.core.analysis.corpus_report, annotator.cli.analysis\n"
        "print('matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    drawn = subprocess.run(
        [
            sys.executable,
            "-c",
            probe.replace("print(", "annotator.core.analysis.new_figure(1, 1)\nprint("),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert drawn.stdout.strip() == "True", drawn.stderr  # the probe can see it


def test_count_axes_have_whole_number_ticks_only() -> None:
    from annotator.core.analysis import Pivot, PivotRow, draw_bars, new_figure

    figure = new_figure(4, 3)
    pivot = Pivot(
        by=("speaker",), rows=[PivotRow(("Wei",), 1), PivotRow(("Li",), 1)], total=2, undated=0
    )
    draw_bars(figure, pivot, {})
    (axes,) = figure.axes
    ticks = [t for t in axes.get_xticks() if 0 <= t <= 1.0]
    assert ticks and all(float(t).is_integer() for t in ticks)
