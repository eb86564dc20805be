"""Counting the corpus: who claims what, about whom, with what tone, over time (Qt-free).

`pivot`, `heatmap`, `timeline` count annotations in one SQL statement each and `drill` lists
those behind a cell; `cooccurrence` counts the documents or sentences where labels meet. All
take an `AnalysisFilter` (the annotation-search language, a layer, publication dates, the label
counted by default). Charts (`charts`) import matplotlib only when one is drawn.
"""

from annotator.core.analysis.charts import (
    draw_bars,
    draw_heatmap,
    draw_timeline,
    new_figure,
    save_figure,
)
from annotator.core.analysis.cooccurrence import WITHIN, cooccurrence
from annotator.core.analysis.counts import drill, heatmap, pivot, timeline
from annotator.core.analysis.results import (
    FIELDS,
    AnalysisFilter,
    Cancelled,
    Passage,
    Pivot,
    PivotRow,
    Timeline,
)

__all__ = [
    "FIELDS",
    "AnalysisFilter",
    "Cancelled",
    "Passage",
    "Pivot",
    "PivotRow",
    "Timeline",
    "WITHIN",
    "cooccurrence",
    "draw_bars",
    "draw_heatmap",
    "draw_timeline",
    "drill",
    "heatmap",
    "new_figure",
    "pivot",
    "save_figure",
    "timeline",
]
