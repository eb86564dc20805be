"""How annotated text looks: tints seen at a glance on white, black text readable on every one
of them (WCAG), underlines thick enough to see."""

from __future__ import annotations

import json

import pytest

from annotator.core.codebook import Label
from annotator.core.records import LabelId
from annotator.core.styling import (
    LAYER_PALETTE,
    REVIEWED_COLOUR,
    contrast_ratio,
    over_white,
    relative_luminance,
    segment_style,
)
from support import REPO

WHITE, BLACK = 1.0, 0.0
DEFAULT_COLOURS = [
    label["color"]
    for label in json.loads((REPO / "resources" / "codebook.json").read_text())["labels"]
]
#: Label colours analysts pick, from pale to dark, and the layer colours of review mode.
COLOURS = sorted(
    {*DEFAULT_COLOURS, *LAYER_PALETTE, REVIEWED_COLOUR, "#ffe066", "#90ee90", "#000080", "#333333"}
)


def label(color: str, role: str | None = "claim") -> Label:
    return Label(LabelId(f"{role}-{color}"), f"{role} {color}", role, "", color, "", 0)


def tint_luminance(covering: list[tuple[Label, int]]) -> float:
    background = segment_style(covering).background
    assert background is not None
    return relative_luminance(over_white(background))


def test_wcag_arithmetic() -> None:
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0)
    assert relative_luminance((0, 0, 0)) == 0.0
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)
    # WCAG's own example: #767676 on white is the darkest grey passing AA at 4.5:1.
    assert contrast_ratio(relative_luminance((0x76, 0x76, 0x76)), WHITE) == pytest.approx(
        4.54, abs=0.01
    )
    assert over_white((0, 0, 0, 255)) == (0, 0, 0)
    assert over_white((0, 0, 0, 0)) == (255, 255, 255)


@pytest.mark.parametrize("color", COLOURS)
def test_a_claim_tint_is_seen_on_white_and_black_text_stays_readable(color: str) -> None:
    one = tint_luminance([(label(color), 1)])
    # Seen at a glance: the old fixed alpha gave the default claim colour 1.15 against white.
    full = relative_luminance(tuple(int(color[i : i + 2], 16) for i in (1, 3, 5)))  # type: ignore[arg-type]
    assert contrast_ratio(one, WHITE) >= min(1.25, contrast_ratio(full, WHITE) - 0.01)
    for depth in range(1, 9):
        nested = tint_luminance([(label(color), depth)])
        assert contrast_ratio(nested, BLACK) >= 4.5, depth  # WCAG AA for black text


def test_the_default_claim_colour_in_particular() -> None:
    claim = label(DEFAULT_COLOURS[0])
    assert contrast_ratio(tint_luminance([(claim, 1)]), WHITE) >= 1.25
    # Nested claims are darker, level by level, while text stays readable.
    levels = [tint_luminance([(claim, depth)]) for depth in (1, 2, 3)]
    assert levels[0] > levels[1] > levels[2]
    assert contrast_ratio(levels[2], BLACK) >= 7.0


def test_speakers_and_targets_are_thick_underlines_over_a_lighter_wash() -> None:
    speaker, target = label("#3a86ff", "speaker"), label("#e5383b", "target")
    claim = label(DEFAULT_COLOURS[0])
    for span, kind in ((speaker, "solid"), (target, "wave")):
        style = segment_style([(span, 1)])
        assert (style.underline, style.underline_color) == (kind, span.color)
        assert style.underline_em >= 0.1  # a tenth of an em: about 2 px in the reading view
        wash = tint_luminance([(span, 1)])
        assert (
            1.03
            <= contrast_ratio(wash, WHITE)
            < contrast_ratio(tint_luminance([(claim, 1)]), WHITE)
        )
    # Inside a claim, the target keeps its wave and the claim's tint shows through.
    inside = segment_style([(claim, 1), (target, 1)])
    assert inside.underline == "wave" and inside.background is not None
    assert contrast_ratio(relative_luminance(over_white(inside.background)), WHITE) >= 1.25
    # A speaker's underline wins over a target's wave where both apply.
    assert segment_style([(target, 1), (speaker, 1)]).underline == "solid"
    assert segment_style([(claim, 1)]).underline_em == 0.0
