"""How annotated text looks, decided once for the screen and the printable reports.

Claims (and labels without a role) tint the background, darker where they nest; speakers are
underlined and targets wave-underlined in their label colour, over a light tint, so overlapping
spans of different kinds all stay visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.codebook import Label

TINT_ALPHA = 70  # of 255: one claim; nested claims add up to MAX_ALPHA
MAX_ALPHA = 170
LIGHT_ALPHA = 35  # speakers and targets: a light wash under the underline


@dataclass(frozen=True)
class SegmentStyle:
    background: tuple[int, int, int, int] | None  # r, g, b, alpha (0–255)
    underline: str | None  # "solid" or "wave"
    underline_color: str | None  # "#rrggbb"


def label_style(label: Label) -> str:
    """How a label is drawn: "background", "underline" or "wave"."""
    return {"speaker": "underline", "target": "wave"}.get(label.role or "", "background")


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def segment_style(covering: list[tuple[Label, int]]) -> SegmentStyle:
    """The look of text covered by these labels (each with how many of its spans cover it)."""
    tints: list[tuple[tuple[int, int, int], int]] = []
    underline: tuple[str, str] | None = None
    for label, count in covering:
        style = label_style(label)
        if style == "background":
            tints.append((_rgb(label.color), count))
        else:
            tints.append((_rgb(label.color), 0))
            # A speaker's underline wins over a target's wave where both apply.
            if underline is None or style == "underline":
                underline = ("solid" if style == "underline" else "wave", label.color)
    background = None
    if tints:
        weight = sum(max(n, 1) for _c, n in tints)
        mixed = tuple(int(sum(c[i] * max(n, 1) for c, n in tints) / weight) for i in range(3))
        depth = sum(n for _c, n in tints)
        alpha = min(MAX_ALPHA, TINT_ALPHA * depth) if depth else LIGHT_ALPHA
        background = (mixed[0], mixed[1], mixed[2], alpha)
    return SegmentStyle(
        background=background,
        underline=underline[0] if underline else None,
        underline_color=underline[1] if underline else None,
    )


#: Colours of layers when highlights are coloured by analyst: distinct for the first eight
#: analysts (then repeated); the reviewed layer always gets its own.
LAYER_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
)
REVIEWED_COLOUR = "#2ca02c"


def layer_colours(layer_ids: list[str], reviewed_id: str) -> dict[str, str]:
    """A colour for each layer, stable for a given list of layers (in its order)."""
    colours: dict[str, str] = {}
    people = [lid for lid in layer_ids if lid != reviewed_id]
    for i, lid in enumerate(people):
        colours[lid] = LAYER_PALETTE[i % len(LAYER_PALETTE)]
    colours[reviewed_id] = REVIEWED_COLOUR
    return colours
