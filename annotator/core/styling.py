"""How annotated text looks, decided once for the screen and the printable reports.

Claims (and labels without a role) tint the background, darker where they nest; speakers are
underlined and targets wave-underlined in their label colour, over a light tint, so overlapping
spans of different kinds all stay visible.

A tint's strength is set by how it reads, not by a fixed alpha: its alpha is the one that puts
the tinted background at a given contrast with white (WCAG contrast ratio), so a pale yellow and
a dark blue label are equally visible, and no tint, however deeply nested, takes black text
below MIN_TEXT_CONTRAST.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from annotator.core.codebook import Label

#: Contrast with white of one claim's tint: seen at a glance (the old fixed alpha gave 1.15).
TINT_CONTRAST = 1.3
#: … and how much darker each claim nested in it makes it.
NESTED_CONTRAST_STEP = 0.2
#: Speakers and targets: a light wash under the underline.
LIGHT_CONTRAST = 1.1
#: Black text on any tint keeps at least this contrast (WCAG AAA is 7:1; AA asks 4.5:1).
MIN_TEXT_CONTRAST = 7.0
#: Underline thickness in ems of the text's font (about 2.5 px in the reading view), drawn by
#: the reading view itself: Qt's own underline is one hairline, whatever the font size.
UNDERLINE_EM = {"solid": 0.14, "wave": 0.13}


@dataclass(frozen=True)
class SegmentStyle:
    background: tuple[int, int, int, int] | None  # r, g, b, alpha (0–255)
    underline: str | None  # "solid" or "wave"
    underline_color: str | None  # "#rrggbb"
    underline_em: float = 0.0  # thickness, in ems of the font (0: the renderer's own)


def label_style(label: Label) -> str:
    """How a label is drawn: "background", "underline" or "wave"."""
    return {"speaker": "underline", "target": "wave"}.get(label.role or "", "background")


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour (channels 0–255)."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: float, second: float) -> float:
    """WCAG contrast ratio of two relative luminances (1 to 21)."""
    light, dark = max(first, second), min(first, second)
    return (light + 0.05) / (dark + 0.05)


def over_white(rgba: tuple[int, int, int, int]) -> tuple[float, float, float]:
    """The colour a translucent background shows on white paper or a white view."""
    r, g, b, a = rgba
    share = a / 255
    return tuple(255 + (c - 255) * share for c in (r, g, b))  # type: ignore[return-value]


@lru_cache(maxsize=1024)
def _alpha_for(rgb: tuple[int, int, int], white_contrast: float) -> int:
    """The least alpha at which `rgb` over white reaches `white_contrast` with white (255
    when even the full colour does not), never darker than black text allows."""
    floor = MIN_TEXT_CONTRAST * 0.05 - 0.05  # the least luminance black text can be read on
    wanted = max(1.05 / white_contrast - 0.05, floor)

    def luminance(alpha: int) -> float:
        return relative_luminance(over_white((*rgb, alpha)))

    if luminance(255) >= wanted:
        return 255
    low, high = 0, 255  # luminance falls as alpha grows: the least alpha at or below wanted
    while low < high:
        middle = (low + high) // 2
        if luminance(middle) <= wanted:
            high = middle
        else:
            low = middle + 1
    return low if luminance(low) >= floor else low - 1


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
        mixed = (
            int(sum(c[0] * max(n, 1) for c, n in tints) / weight),
            int(sum(c[1] * max(n, 1) for c, n in tints) / weight),
            int(sum(c[2] * max(n, 1) for c, n in tints) / weight),
        )
        depth = sum(n for _c, n in tints)
        wanted = TINT_CONTRAST + NESTED_CONTRAST_STEP * (depth - 1) if depth else LIGHT_CONTRAST
        background = (*mixed, _alpha_for(mixed, wanted))
    return SegmentStyle(
        background=background,
        underline=underline[0] if underline else None,
        underline_color=underline[1] if underline else None,
        underline_em=UNDERLINE_EM[underline[0]] if underline else 0.0,
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
