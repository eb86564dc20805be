"""Highlights readable at a glance, checked on what the reading view really shows: the formats
Qt laid out for the text, and the pixels it painted."""

from __future__ import annotations

from pathlib import Path
from statistics import median

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QTextCharFormat, QTextCursor
from PySide6.QtTest import QTest

from annotator.core.styling import contrast_ratio, over_white, relative_luminance
from annotator.gui.reading.document_view import DocumentView
from annotator.gui.reading.text_formats import UNDERLINE_EM
from annotator.gui.window.main_window import MainWindow
from driving import drag, keys
from support import SAMPLE

WHITE, BLACK = 1.0, 0.0
CLAIM = "China firmly opposes external forces deliberately"
TARGET = "certain major powers"
SPEAKER = "Minister of National Defense"


@pytest.fixture
def tagged(open_window) -> MainWindow:  # type: ignore[no-untyped-def]
    """The sample with a claim, a target and a speaker tagged from the keyboard, nothing
    selected (so no selection mark covers them)."""
    window: MainWindow = open_window([SAMPLE])
    window.info_bar.hide()
    view = window.view
    for phrase, key in ((CLAIM, Qt.Key.Key_1), (TARGET, Qt.Key.Key_3), (SPEAKER, Qt.Key.Key_2)):
        start = view.text.index(phrase)
        drag(view, start, start + len(phrase))
        QTest.keyClick(view, key)
    keys(view, Qt.Key.Key_Escape)
    view.clear_selection()
    return window


def format_at(view: DocumentView, cp: int) -> QTextCharFormat:
    """The format Qt laid out for the character at code point `cp`."""
    position = view.offsets.to_utf16(cp)
    block = view.document().findBlock(position)
    inside = position - block.position()
    for piece in block.layout().formats():
        if piece.start <= inside < piece.start + piece.length:
            return QTextCharFormat(piece.format)
    return QTextCharFormat()


def label_colour(window: MainWindow, name: str) -> QColor:
    return QColor(window.store.codebook.get().by_name(name).color)


def test_a_claim_is_tinted_visibly_and_its_text_stays_readable(tagged: MainWindow) -> None:
    view = tagged.view
    start = view.text.index(CLAIM)
    background = format_at(view, start + 3).background().color()
    assert background.alpha() > 0
    tint = relative_luminance(over_white(background.getRgb()))  # type: ignore[arg-type]
    assert contrast_ratio(tint, WHITE) >= 1.25  # seen at a glance (it was 1.15)
    text = view.palette().text().color()
    ink = relative_luminance(over_white(text.getRgb()))  # type: ignore[arg-type]
    assert contrast_ratio(tint, ink) >= 4.5  # WCAG AA
    assert format_at(view, start - 3).background().style() == Qt.BrushStyle.NoBrush  # outside


def underline_thickness(image: QImage, colour: QColor, left: int, right: int, top: int) -> float:
    """Median over the columns from left to right of how many pixels below `top` (the
    baseline) are drawn in `colour` (antialiased edges count as they cover)."""
    counts = []
    for x in range(left, right):
        covered = 0.0
        for y in range(top, min(top + 12, image.height())):
            pixel = image.pixelColor(x, y)
            distance = sum(
                abs(a - b) for a, b in zip(pixel.getRgb()[:3], colour.getRgb()[:3], strict=True)
            )
            covered += max(0.0, 1 - distance / 240)
        counts.append(covered)
    return median(counts)


@pytest.mark.parametrize(
    ("phrase", "label", "style"),
    [
        (TARGET, "Target", QTextCharFormat.UnderlineStyle.WaveUnderline),
        (SPEAKER, "Speaker", QTextCharFormat.UnderlineStyle.SingleUnderline),
    ],
)
def test_targets_and_speakers_are_underlined_thick_in_their_label_colour(
    tagged: MainWindow, phrase: str, label: str, style: QTextCharFormat.UnderlineStyle
) -> None:
    view = tagged.view
    start = view.text.index(phrase)
    fmt = format_at(view, start + 2)
    colour = label_colour(tagged, label)
    assert fmt.underlineStyle() == style
    assert fmt.underlineColor() == colour
    assert fmt.doubleProperty(UNDERLINE_EM) >= 0.1  # its thickness, in ems of the font
    # What is painted: a line about two pixels thick under the words, in the label colour.
    assert painted_thickness(view, start, start + len(phrase.split()[0]), colour) >= 1.7


def painted_thickness(view: DocumentView, start: int, end: int, colour: QColor) -> float:
    """How thick the line painted under the word from `start` to `end` is (on one line),
    as `underline_thickness` measures it. Qt's own hairline measures 1 at most."""
    first, last = QTextCursor(view.document()), QTextCursor(view.document())
    first.setPosition(view.offsets.to_utf16(start))
    last.setPosition(view.offsets.to_utf16(end))
    view.setTextCursor(first)
    view.ensureCursorVisible()
    view.clear_selection()
    ends = view.cursorRect(first), view.cursorRect(last)
    assert ends[0].top() == ends[1].top()  # the word is on one line
    left, right = sorted(rect.center().x() for rect in ends)  # right to left: start on the right
    image = view.viewport().grab().toImage()
    baseline = ends[0].top() + round(view.fontMetrics().ascent())
    return underline_thickness(image, colour, left + 2, right - 1, baseline)


@pytest.mark.parametrize(
    ("phrase", "key", "label"),
    [("سد النهضة", Qt.Key.Key_3, "Target"), ("وزير الخارجية", Qt.Key.Key_2, "Speaker")],
)
def test_underlines_are_thick_in_right_to_left_text_too(
    open_window, tmp_path: Path, phrase: str, key: Qt.Key, label: str
) -> None:  # type: ignore[no-untyped-def]
    text = "قال وزير الخارجية إن المحادثات حول سد النهضة كانت مثمرة جدا."
    path = tmp_path / "2023-06-02-dam.txt"
    path.write_text(f"Dam talks\n{text}\nThe talks on سد النهضة went on.\n", encoding="utf-8")
    window: MainWindow = open_window([path])
    window.info_bar.hide()
    view = window.view
    start = view.text.index(phrase)
    drag(view, start, start + len(phrase))
    QTest.keyClick(view, key)
    keys(view, Qt.Key.Key_Escape)
    colour = label_colour(window, label)
    word = phrase.split()[-1]
    at = view.text.index(word, start)
    assert painted_thickness(view, at, at + len(word), colour) >= 1.7
    # In a left-to-right line, under the right-to-left words only: not under "went".
    if label == "Target":
        later = view.text.index(phrase, start + 1)
        drag(view, later, later + len(phrase))
        QTest.keyClick(view, key)
        keys(view, Qt.Key.Key_Escape)
        again = view.text.index(word, later)
        assert painted_thickness(view, again, again + len(word), colour) >= 1.7
        went = view.text.index("went")
        assert painted_thickness(view, went, went + len("went"), colour) < 0.5
