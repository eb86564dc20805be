"""Agreement on sentiment, over spans two analysts both tagged.

The units are the pairs of spans matched under overlap matching (same label, see
annotator.core.agreement.spans) where both spans carry a sentiment; each unit has two values.
Krippendorff's alpha is given nominal (every difference counts the same) and ordinal on the
scale negative < neutral < positive. A pair with a value off that scale ("mixed", or a value
the project added) is left out of the ordinal figure only, and counted in `off_scale`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from annotator.core.agreement.spans import Match
from annotator.core.agreement.statistics import Coincidences, Statistic

#: The order the ordinal figure ranks sentiment values in.
SENTIMENT_SCALE = ("negative", "neutral", "positive")
NO_SENTIMENT_PAIRS = "no matched spans with a sentiment on both sides"


@dataclass(frozen=True)
class SentimentAgreement:
    """Alpha on the sentiment of matched spans: `pairs` units (nominal), `off_scale` of them
    left out of the ordinal figure."""

    pairs: int
    nominal: Statistic
    ordinal: Statistic
    off_scale: int


class SentimentTally:
    """Matched pairs' sentiments, gathered document by document."""

    def __init__(self) -> None:
        self.nominal = Coincidences()
        self.ordinal = Coincidences()
        self.pairs = 0
        self.off_scale = 0

    def add(self, matches: Iterable[Match]) -> None:
        for a, b in matches:
            if a.sentiment is None or b.sentiment is None:
                continue
            self.pairs += 1
            self.nominal.add((a.sentiment, b.sentiment))
            if a.sentiment in SENTIMENT_SCALE and b.sentiment in SENTIMENT_SCALE:
                self.ordinal.add((a.sentiment, b.sentiment))
            else:
                self.off_scale += 1

    def result(self) -> SentimentAgreement:
        nominal = self.nominal.alpha("nominal")
        ordinal = self.ordinal.alpha("ordinal", SENTIMENT_SCALE)
        if not self.pairs:
            nominal = ordinal = Statistic(None, 0, NO_SENTIMENT_PAIRS)
        elif self.pairs == self.off_scale:
            ordinal = Statistic(None, 0, "every matched pair has a sentiment off the scale")
        return SentimentAgreement(self.pairs, nominal, ordinal, self.off_scale)
